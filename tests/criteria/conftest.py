import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from criteria.metrics import metrics_import
from criteria.setup import seed_criteria

HEADER = ["Mã đơn vị", "Tên đơn vị", "Hồ sơ tiếp nhận", "Hồ sơ đã số hóa", "Tỷ lệ số hóa (%)",
          "Kế hoạch DVC phát sinh hồ sơ trực tuyến (%)", "Tỷ lệ DVC phát sinh hồ sơ trực tuyến (%)",
          "Kế hoạch hồ sơ trực tuyến (%)", "Tỷ lệ hồ sơ trực tuyến (%)"]


def csv_file(rows, header=HEADER, name="so-lieu.csv"):
    lines = [",".join(f'"{c}"' for c in header)] + [",".join(f'"{c}"' for c in row) for row in rows]
    return SimpleUploadedFile(name, ("\ufeff" + "\n".join(lines)).encode("utf-8"), content_type="text/csv")


def xlsx_file(rows, header=HEADER, name="so-lieu.xlsx"):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def figures_row(unit, *, rate="75", service_plan="60", service="70", dossier_plan="50", dossier="60"):
    return [unit.pk, unit.name, "", "", rate, service_plan, service, dossier_plan, dossier]


@pytest.fixture
def criteria(world):
    return seed_criteria(world.form)


@pytest.fixture
def load(world):
    """Import a CSV of figures rows for the world's campaign as bob (the appraiser)."""

    def _load(*rows):
        return metrics_import(campaign=world.campaign, actor=world.bob, file=csv_file(list(rows)))

    return _load
