"""Metrics import: the provincial procedure system's export (Excel or CSV), one row per unit,
validated row by row. A file with any bad row is refused whole; a good one becomes the next
version of the campaign's figures (versions are never edited)."""

import csv
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from dossiers.errors import InvalidInput, NotPermitted
from dossiers.models import Campaign, Membership, Role, Unit
from dossiers.rules import is_admin, roles_at

from .errors import ImportRejected
from .models import METRICS, MetricImport, UnitMetric

HUNDRED = Decimal(100)
RATE_PRECISION = Decimal("0.0001")
# rate slug → (numerator count, denominator count): derived when the file gives only the counts
DERIVED = {"digitization_rate": ("digitized", "received"), "online_dossier_rate": ("online", "received")}


def normalize(text) -> str:
    """Case-, accent-form- and space-insensitive key for headers and unit names."""
    text = unicodedata.normalize("NFC", str(text or "")).casefold()
    text = text.replace("đ", "đ")
    return " ".join(re.sub(r"[\s_]+", " ", text).split())


HEADER_ALIASES = {
    "unit_id": ["mã đơn vị", "ma don vi", "ma_don_vi", "unit_id", "id"],
    "unit_name": ["tên đơn vị", "đơn vị", "ten don vi", "don vi", "unit", "unit_name", "cơ quan, đơn vị"],
    "received": ["hồ sơ tiếp nhận", "tổng số hồ sơ tiếp nhận", "số hồ sơ tiếp nhận"],
    "digitized": ["hồ sơ đã số hóa", "số hồ sơ đã số hóa", "hồ sơ số hóa"],
    "online": ["hồ sơ trực tuyến", "số hồ sơ trực tuyến", "hồ sơ tiếp nhận trực tuyến", "số hồ sơ tiếp nhận trực tuyến"],
    "digitization_rate": ["tỷ lệ số hóa (%)", "tỷ lệ số hóa", "tỷ lệ số hóa hồ sơ (%)"],
    "online_service_rate": ["tỷ lệ dvc phát sinh hồ sơ trực tuyến (%)", "tỷ lệ dvc phát sinh hstt (%)"],
    "online_service_plan": ["kế hoạch dvc phát sinh hồ sơ trực tuyến (%)", "kế hoạch dvc phát sinh hstt (%)"],
    "online_dossier_rate": ["tỷ lệ hồ sơ trực tuyến (%)", "tỷ lệ hồ sơ tiếp nhận, xử lý trực tuyến (%)"],
    "online_dossier_plan": ["kế hoạch hồ sơ trực tuyến (%)", "kế hoạch tỷ lệ hồ sơ trực tuyến (%)"],
}
HEADER_INDEX = {normalize(alias): key for key, aliases in HEADER_ALIASES.items() for alias in aliases}
HEADER_INDEX.update({normalize(slug): slug for slug in METRICS})
HEADER_INDEX.update({normalize(label): slug for slug, (label, _p) in METRICS.items()})

# The column order of the template we hand out (and of the demo file).
TEMPLATE_COLUMNS = [
    ("unit_id", "Mã đơn vị"), ("unit_name", "Tên đơn vị"), ("received", "Hồ sơ tiếp nhận"),
    ("digitized", "Hồ sơ đã số hóa"), ("online", "Hồ sơ trực tuyến"),
    ("online_service_plan", "Kế hoạch DVC phát sinh hồ sơ trực tuyến (%)"),
    ("online_service_rate", "Tỷ lệ DVC phát sinh hồ sơ trực tuyến (%)"),
    ("online_dossier_plan", "Kế hoạch hồ sơ trực tuyến (%)"),
]


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        where = _("Dòng %(row)s") % {"row": self.row} if self.row else _("Tệp")
        if self.column:
            where += _(", cột “%(col)s”") % {"col": self.column}
        return f"{where}: {self.message}"


@dataclass
class ImportReport:
    file_name: str
    rows_total: int = 0
    errors: list[RowError] = field(default_factory=list)
    units: int = 0
    figures: int = 0
    metric_import: MetricImport | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rejected_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors if e.row})


def read_table(file) -> list[list]:
    """Rows of cells from an .xlsx or a .csv upload (header first)."""
    name = (getattr(file, "name", "") or "").lower()
    file.seek(0)
    raw = file.read()
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if raw[:4] == b"PK\x03\x04":
        if not name.endswith(".xlsx"):
            raise InvalidInput(_("Tệp “%(name)s” là Excel nhưng không có đuôi .xlsx.") % {"name": name})
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for damaged files
            raise InvalidInput(_("Không đọc được tệp Excel “%(name)s”.") % {"name": name}) from None
        sheet = book.worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        book.close()
        return rows
    if not name.endswith(".csv"):
        raise InvalidInput(_("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(_("Tệp CSV phải được lưu với bảng mã UTF-8.")) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect)]


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def parse_number(cell, *, percent: bool) -> Decimal:
    """A figure from a cell: numbers as typed in Vietnamese ("69,99", "1.234", "70%")."""
    if isinstance(cell, bool):
        raise ValueError
    if isinstance(cell, (int, float, Decimal)):
        value = Decimal(str(cell))
    else:
        text = str(cell).strip().replace("\u00a0", "").replace(" ", "").rstrip("%")
        if percent:
            if "," in text and "." not in text:
                text = text.replace(",", ".")
        else:
            text = text.replace(".", "").replace(",", "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError from None
    if not value.is_finite():
        raise ValueError
    if not percent and value != value.to_integral_value():
        raise ValueError
    return value


def unit_lookup() -> tuple[dict, dict]:
    by_id, by_name = {}, {}
    for unit in Unit.objects.all():
        by_id[str(unit.pk)] = unit
        for name in {unit.name, unit.short_name} - {""}:
            by_name.setdefault(normalize(name), []).append(unit)
    return by_id, by_name


def validate_rows(rows: list[list], report: ImportReport) -> dict[int, tuple[int, dict[str, Decimal]]]:
    """unit pk → (row number, {metric: value}); every problem goes into report.errors."""
    header_row = next((i for i, row in enumerate(rows) if any(not _blank(c) for c in row)), None)
    if header_row is None:
        report.errors.append(RowError(0, "", _("Tệp không có dữ liệu.")))
        return {}
    header = rows[header_row]
    columns: dict[int, str] = {}
    for index, cell in enumerate(header):
        if _blank(cell):
            continue
        key = HEADER_INDEX.get(normalize(cell))
        if key is None:
            report.errors.append(RowError(header_row + 1, str(cell), _("Tên cột không được hỗ trợ.")))
        elif key in columns.values():
            report.errors.append(RowError(header_row + 1, str(cell), _("Cột bị lặp.")))
        else:
            columns[index] = key
    if not {"unit_id", "unit_name"} & set(columns.values()):
        report.errors.append(RowError(header_row + 1, "", _("Thiếu cột “Mã đơn vị” hoặc “Tên đơn vị”.")))
    if not set(columns.values()) & set(METRICS):
        report.errors.append(RowError(header_row + 1, "", _("Không có cột số liệu nào.")))
    if report.errors:
        return {}
    titles = {index: str(header[index]).strip() for index in columns}
    by_id, by_name = unit_lookup()
    accepted: dict[int, tuple[int, dict[str, Decimal]]] = {}
    for offset, row in enumerate(rows[header_row + 1:], start=header_row + 2):
        cells = {key: (row[index] if index < len(row) else None) for index, key in columns.items()}
        if all(_blank(v) for v in cells.values()):
            continue
        report.rows_total += 1
        errors_before = len(report.errors)
        unit = None
        unit_id, unit_name = cells.get("unit_id"), cells.get("unit_name")
        if not _blank(unit_id):
            key = str(unit_id).strip()
            key = key[:-2] if key.endswith(".0") else key
            unit = by_id.get(key)
            if unit is None:
                report.errors.append(RowError(offset, "", _("Không có đơn vị mã “%(id)s”.") % {"id": key}))
        elif not _blank(unit_name):
            matches = by_name.get(normalize(unit_name), [])
            if len(matches) == 1:
                unit = matches[0]
            elif matches:
                report.errors.append(RowError(offset, "", _("Tên “%(name)s” trùng nhiều đơn vị: hãy ghi mã đơn vị.")
                                              % {"name": unit_name}))
            else:
                report.errors.append(RowError(offset, "", _("Không tìm thấy đơn vị “%(name)s”.") % {"name": unit_name}))
        else:
            report.errors.append(RowError(offset, "", _("Thiếu mã hoặc tên đơn vị.")))
        values: dict[str, Decimal] = {}
        for index, key in columns.items():
            if key not in METRICS or _blank(cells[key]):
                continue
            percent = METRICS[key][1]
            try:
                value = parse_number(cells[key], percent=percent)
            except ValueError:
                message = (_("“%(v)s” không phải là số.") if percent else _("“%(v)s” không phải là số nguyên."))
                report.errors.append(RowError(offset, titles[index], message % {"v": cells[key]}))
                continue
            if value < 0:
                report.errors.append(RowError(offset, titles[index], _("Số liệu không được âm (%(v)s).") % {"v": value}))
            elif percent and value > HUNDRED:
                report.errors.append(RowError(offset, titles[index], _("Tỷ lệ %(v)s%% vượt quá 100%%.") % {"v": value}))
            else:
                values[key] = value
        received = values.get("received")
        for count in ("digitized", "online"):
            if received is not None and values.get(count) is not None and values[count] > received:
                report.errors.append(RowError(offset, METRICS[count][0],
                                              _("Lớn hơn số hồ sơ tiếp nhận (%(n)s).") % {"n": received}))
        for rate, (numerator, denominator) in DERIVED.items():
            if rate not in values and values.get(numerator) is not None and values.get(denominator):
                values[rate] = (values[numerator] * HUNDRED / values[denominator]).quantize(RATE_PRECISION)
        if unit is not None and unit.pk in accepted:
            report.errors.append(RowError(offset, "", _("Đơn vị “%(name)s” bị trùng với dòng %(row)s.")
                                          % {"name": unit.name, "row": accepted[unit.pk][0]}))
        elif unit is not None and not values and len(report.errors) == errors_before:
            report.errors.append(RowError(offset, "", _("Dòng không có số liệu nào.")))
        if unit is not None and unit.pk not in accepted:
            accepted[unit.pk] = (offset, values)
    if report.rows_total == 0 and not report.errors:
        report.errors.append(RowError(0, "", _("Tệp không có dòng số liệu nào.")))
    return accepted


def can_import_any(actor) -> bool:
    """`can_import` for at least one campaign (one query): an admin, an appraiser at some campaign's
    appraising unit or an admin role at some campaign's issuing unit."""
    if actor is None or not actor.is_authenticated:
        return False
    if is_admin(actor):
        return True
    pairs = Membership.objects.filter(user=actor, is_active=True, unit__successor__isnull=True)
    return Campaign.objects.filter(
        Q(appraising_unit__in=pairs.filter(role=Role.APPRAISER).values("unit_id"))
        | Q(issuing_unit__in=pairs.filter(role=Role.ADMIN).values("unit_id"))).exists()


def can_import(actor, campaign: Campaign) -> bool:
    if actor is None:
        return False
    return bool(is_admin(actor) or Role.APPRAISER in roles_at(actor, campaign.appraising_unit_id)
                or Role.ADMIN in roles_at(actor, campaign.issuing_unit_id))


@transaction.atomic
def metrics_import(*, campaign: Campaign, actor, file, note: str = "", system: bool = False) -> ImportReport:
    """Validate the whole file; save it as the next version only when every row is good.
    Raises ImportRejected (carrying the report) otherwise. `system=True` is for the demo seed."""
    if not system and not can_import(actor, campaign):
        raise NotPermitted()
    report = ImportReport(file_name=getattr(file, "name", "") or "")
    rows = read_table(file)
    accepted = validate_rows(rows, report)
    if report.errors:
        raise ImportRejected(report)
    file.seek(0)
    content = file.read()
    digest = hashlib.sha256(content if isinstance(content, bytes) else content.encode()).hexdigest()
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()  # serialize version numbers
    version = (MetricImport.objects.filter(campaign=campaign).aggregate(v=Max("version"))["v"] or 0) + 1
    metric_import = MetricImport.objects.create(
        campaign=campaign, version=version, original_name=report.file_name[:255], sha256=digest,
        row_count=report.rows_total, uploaded_by=actor, note=note[:255])
    figures = [UnitMetric(metric_import=metric_import, unit_id=unit_id, metric=metric, value=value, row_number=row)
               for unit_id, (row, values) in accepted.items() for metric, value in values.items()]
    UnitMetric.objects.bulk_create(figures)
    report.units, report.figures, report.metric_import = len(accepted), len(figures), metric_import
    return report


def template_workbook() -> bytes:
    """An empty import template with the expected headers."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "So lieu"
    sheet.append([title for _key, title in TEMPLATE_COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
