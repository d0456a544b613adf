import io

import openpyxl
import pytest
from django.urls import reverse

from criteria.models import CriteriaOverride, MetricImport
from dossiers.models import DossierEvent, DossierStatus
from workflows import services as wf
from workflows.walk import Actors, add_nominees, walk

from .conftest import csv_file, figures_row

pytestmark = pytest.mark.django_db


def submitted(world):
    dossier = wf.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    add_nominees(dossier, world.alice, collectives=[world.unit], individuals=[{"full_name": "Nguyễn Văn An"}])
    return walk(dossier, Actors(officer=world.alice, head=world.henry, appraiser=world.bob), until=DossierStatus.SUBMITTED)


def test_import_page_reports_broken_rows_and_imports_good_files(client, world, criteria):
    client.force_login(world.bob)
    url = reverse("criteria:import")
    bad = csv_file([figures_row(world.unit, rate="120"), ["", "Không có", "", "", "1", "", "", "", ""]])
    response = client.post(url, {"campaign": world.campaign.pk, "file": bad})
    body = response.content.decode()
    assert response.status_code == 200 and "2 dòng bị từ chối" in body and "vượt quá 100%" in body
    assert MetricImport.objects.count() == 0
    response = client.post(url, {"campaign": world.campaign.pk, "file": csv_file([figures_row(world.unit)])})
    assert "Đã nhập phiên bản 1" in response.content.decode()
    client.force_login(world.charlie)
    assert client.get(url).status_code == 404


def test_appraisal_panel_and_override_form(client, world, in_window, criteria, load):
    load(figures_row(world.unit, rate="60"))
    dossier = submitted(world)
    nominee = dossier.nominees.get(kind="collective")
    client.force_login(world.bob)
    page = client.get(reverse("criteria:dossier", args=[dossier.pk])).content.decode()
    assert "Không đạt tiêu chí bắt buộc" in page and "60,00%" in page and "≥ 70,00%" in page
    assert f'id="vuot-quyen-{nominee.pk}"' in page and "phiên bản 1" in page
    response = client.post(reverse("criteria:override", args=[dossier.pk]), {"nominee": nominee.pk, "reason": "ngắn"})
    assert response.status_code == 200 and CriteriaOverride.objects.count() == 0
    reason = "Đơn vị đã số hóa toàn bộ hồ sơ mới; tồn đọng cũ đang xử lý."
    response = client.post(reverse("criteria:override", args=[dossier.pk]), {"nominee": nominee.pk, "reason": reason})
    assert response.status_code == 302
    assert DossierEvent.objects.filter(dossier=dossier, data__nominee=nominee.pk, comment__contains=reason).exists()
    page = client.get(reverse("criteria:dossier", args=[dossier.pk])).content.decode()
    assert "có ý kiến vượt quyền" in page and reason in page
    client.force_login(world.charlie)
    assert client.get(reverse("criteria:dossier", args=[dossier.pk])).status_code == 404


def test_reports_page_has_svg_charts_and_excel_export(client, world, in_window, criteria, load):
    load(figures_row(world.unit))
    dossier = submitted(world)
    wf.dossier_approve_step(dossier=dossier, actor=world.bob)
    client.force_login(world.bob)
    page = client.get(reverse("criteria:reports", args=[world.campaign.pk])).content.decode()
    assert page.count("<svg") >= 6 and "Tỷ lệ đúng hạn theo bước" in page and "<script src=\"http" not in page
    response = client.get(reverse("criteria:reports_xlsx", args=[world.campaign.pk]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "Tỷ lệ đạt tiêu chí" in book.sheetnames and "Đúng hạn theo bước" in book.sheetnames
    steps = {row[0]: row for row in book["Đúng hạn theo bước"].iter_rows(min_row=2, values_only=True)}
    assert steps["Thẩm định (đơn vị đầu mối)"][1] == 1  # the appraisal task is done
    criteria_sheet = {row[0]: row for row in book["Tỷ lệ đạt tiêu chí"].iter_rows(min_row=2, values_only=True)}
    assert any(name.startswith("Tỷ lệ số hóa") and row[1] == 1 for name, row in criteria_sheet.items())
    listing = [row for row in book["Danh sách tổng hợp"].iter_rows(min_row=2, values_only=True)]
    assert {row[1] for row in listing} == {"Sở Tư pháp", "Nguyễn Văn An"}
    client.force_login(world.alice)
    assert client.get(reverse("criteria:reports", args=[world.campaign.pk])).status_code == 404


def test_form07_and_documents_served_as_pdf(client, world, in_window, criteria, load):
    load(figures_row(world.unit))
    dossier = submitted(world)
    nominee = dossier.nominees.get(kind="collective")
    client.force_login(world.alice)
    response = client.get(reverse("criteria:form07", args=[dossier.pk, nominee.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    client.force_login(world.bob)
    assert client.get(reverse("criteria:proposal_pdf", args=[world.campaign.pk])).content.startswith(b"%PDF")
    assert client.get(reverse("criteria:consolidated_pdf", args=[world.campaign.pk])).content.startswith(b"%PDF")


def test_admin_edits_criteria_until_the_rulebook_is_frozen(client, world, criteria):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    admin = get_user_model().objects.create_superuser("root", password="pw")
    client.force_login(admin)
    criterion = next(c for c in criteria if c.code == "so-hoa")
    url = reverse("admin:criteria_criterion_change", args=[criterion.pk])
    data = {"award_form": world.form.pk, "nominee_kind": "collective", "code": "so-hoa", "name": "Tỷ lệ số hóa",
            "order": 1, "is_hard": "on", "mode": "plan_plus", "metric": "digitization_rate", "comparison": "gte",
            "threshold": "", "plan_metric": ""}
    response = client.post(url, data)
    assert response.status_code == 200 and "Hãy chọn chỉ số kế hoạch giao" in response.content.decode()
    response = client.post(url, {**data, "mode": "fixed", "threshold": "75"})
    assert response.status_code == 302
    criterion.refresh_from_db()
    assert (criterion.mode, criterion.threshold) == ("fixed", 75)
    world.campaign.rulebook_frozen_at = timezone.now()
    world.campaign.save()
    assert client.post(url, {**data, "mode": "fixed", "threshold": "50"}).status_code == 403
    criterion.refresh_from_db()
    assert criterion.threshold == 75
    response = client.post(reverse("admin:criteria_criterion_add"), {**data, "code": "moi", "mode": "fixed",
                                                                       "threshold": "1"})
    assert "đã khóa" in response.content.decode()
