"""Signing with care: a DỰ THẢO preview, a confirmation of what will be signed, the date checked,
groups named with their campaign, one tick logic, refusals with their real reason; and the result
delivered to the unit (notification, its dossier page, its own certificates, the decision PDF)."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from certificates.models import Decision
from dossiers.errors import InvalidInput
from dossiers.models import DossierStatus, Membership, NomineeKind, Outcome, Role, Unit
from tests.web.conftest import client_for  # noqa: F401
from workflows import services
from workflows.models import Notification, NotificationKind
from workflows.walk import Actors, add_nominees, walk

pytestmark = pytest.mark.django_db
HCM = dt.timezone(dt.timedelta(hours=7))


def actors(world, **kw):
    return Actors(officer=kw.get("officer", world.alice), head=kw.get("head", world.henry), appraiser=world.bob,
                  home_affairs=world.nora, chairman=world.chris)


def awaiting(world, unit=None, officer=None, head=None):
    unit = unit or world.unit
    dossier = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=unit,
                                      actor=officer or world.alice)
    add_nominees(dossier, officer or world.alice, collectives=[unit],
                 individuals=[{"full_name": f"Cá nhân {unit.name}", "position": "Chuyên viên"}])
    return walk(dossier, actors(world, officer=officer or world.alice, head=head or world.henry),
                until=DossierStatus.AWAITING_DECISION)


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def test_signing_date_is_checked(world, in_window):
    dossier = awaiting(world)
    outcomes = {n.pk: True for n in dossier.nominees.all()}
    for day, expected in [(dt.date(1, 1, 1), "Ngày ký 01/01/0001 không hợp lệ"),
                          (dt.date(2023, 12, 6), "không được sau hôm nay (05/12/2023)"),
                          (dt.date(2023, 12, 4), "trước ngày hồ sơ đến bước quyết định")]:
        with pytest.raises(InvalidInput) as err:
            services.decision_sign(dossiers=[dossier], actor=world.chris, outcomes=outcomes, number="1/QĐ-UBND",
                                   signed_on=day)
        assert expected in str(err.value), day
        dossier.refresh_from_db()
        assert dossier.status == DossierStatus.AWAITING_DECISION
    decision = services.decision_sign(dossiers=[dossier], actor=world.chris, outcomes=outcomes, number="1/QĐ-UBND",
                                      signed_on=dt.date(2023, 12, 5))
    assert decision.signed_on == dt.date(2023, 12, 5)


def test_preview_confirm_then_sign(world, in_window, client_for):
    dossier = awaiting(world)
    collective, individual = sorted(dossier.nominees.all(), key=lambda n: n.kind != NomineeKind.COLLECTIVE)
    client = client_for(world.chris)
    page = client.get(reverse("workflows:decisions")).content.decode()
    assert "Bằng khen của Chủ tịch UBND tỉnh — 170/KH-UBND" in page       # the group names its campaign
    data = {"award_form": world.form.pk, "dossier": [dossier.pk], "award": [collective.pk],
            "number": "12/QĐ-UBND", "signed_on": "2023-12-05"}
    preview = client.post(reverse("workflows:decisions"), {**data, "action": "preview"})
    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    text = pdf_text(preview.content)
    assert "DỰ THẢO" in text and "12/QĐ-UBND" in text and collective.name in text and individual.name not in text
    assert not Decision.objects.exists()                                  # nothing kept
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.AWAITING_DECISION
    assert not Notification.objects.filter(kind=NotificationKind.DECISION).exists()
    confirm = client.post(reverse("workflows:decisions"), {**data, "action": "confirm"})
    html = confirm.content.decode()
    assert confirm.status_code == 200 and 'id="btn-confirm-sign"' in html
    assert "Quyết định số <strong>12/QĐ-UBND</strong> ngày <strong>05/12/2023</strong>" in html
    assert collective.name in html and "Không khen thưởng" in html and individual.name in html
    assert not Decision.objects.exists()
    signed = client.post(reverse("workflows:decisions"), {**data, "action": "sign"})
    assert signed.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DECIDED
    # the unit's officer and head are told, with each nominee's outcome
    notes = Notification.objects.filter(kind=NotificationKind.DECISION, dossier=dossier)
    assert {n.user for n in notes} == {world.alice, world.henry}
    note = notes.first()
    assert "12/QĐ-UBND" in note.title and f"{individual.name}: không được khen thưởng" in note.body


def test_unticking_a_dossier_unticks_its_nominees(world, in_window, client_for):
    first = awaiting(world)
    unit = Unit.objects.create(name="Sở Y tế", level=world.levels["tinh"], parent=world.province)
    officer, head = world.user("yte", unit, Role.UNIT_OFFICER), world.user("gd_yte", unit, Role.UNIT_HEAD)
    second = awaiting(world, unit=unit, officer=officer, head=head)
    everyone = [n.pk for d in (first, second) for n in d.nominees.all()]
    client = client_for(world.chris)
    # the second dossier unticked, its nominees still posted: they are shown unticked and not decided
    response = client.post(reverse("workflows:decisions"), {
        "award_form": world.form.pk, "dossier": [first.pk], "award": everyone, "number": "", "signed_on": "2023-12-05",
        "action": "confirm"})
    assert response.status_code == 400
    html = response.content.decode()
    for nominee in second.nominees.all():
        assert f'id="award-{nominee.pk}" checked' not in html and f'id="award-{nominee.pk}"' in html
    client.post(reverse("workflows:decisions"), {"award_form": world.form.pk, "dossier": [first.pk],
                                                 "award": everyone, "number": "3/QĐ-UBND",
                                                 "signed_on": "2023-12-05", "action": "sign"})
    second.refresh_from_db()
    assert second.status == DossierStatus.AWAITING_DECISION
    assert set(second.nominees.values_list("outcome", flat=True)) == {Outcome.PENDING}


def test_a_giay_khen_head_posting_a_provincial_dossier_is_told_no_permission(world, in_window, client_for):
    dossier = awaiting(world)
    Membership.objects.create(user=world.henry, unit=world.unit, role=Role.CHAIRMAN, title="Giám đốc")
    response = client_for(world.henry).post(reverse("workflows:decisions"), {
        "award_form": world.form.pk, "dossier": [dossier.pk], "number": "1/QĐ-STP", "signed_on": "2023-12-05",
        "action": "sign"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "không có thẩm quyền quyết định hồ sơ" in html and "người khác xử lý" not in html


def test_only_the_signing_office_rerenders(world, in_window, client_for):
    dossier = awaiting(world)
    decision = services.decision_sign(dossiers=[dossier], actor=world.chris, number="5/QĐ-UBND",
                                      outcomes={n.pk: True for n in dossier.nominees.all()},
                                      signed_on=dt.date(2023, 12, 5))
    url = reverse("certificates:decision_rerender", args=[decision.pk])
    response = client_for(world.bob).post(url, follow=True)
    assert "Chỉ cơ quan ban hành quyết định" in response.content.decode()
    assert 'action="%s"' % url not in client_for(world.bob).get(
        reverse("certificates:decision", args=[decision.pk])).content.decode()
    response = client_for(world.chris).post(url, follow=True)
    assert "Đã yêu cầu in lại" in response.content.decode()


def test_the_unit_gets_its_result_and_only_its_own_certificates(world, in_window, client_for):
    mine = awaiting(world)
    other_unit = Unit.objects.create(name="Sở Y tế", level=world.levels["tinh"], parent=world.province)
    officer = world.user("yte", other_unit, Role.UNIT_OFFICER)
    head = world.user("gd_yte", other_unit, Role.UNIT_HEAD)
    theirs = awaiting(world, unit=other_unit, officer=officer, head=head)
    decision = services.decision_sign(dossiers=[mine, theirs], actor=world.chris, number="8/QĐ-UBND",
                                      outcomes={n.pk: True for d in (mine, theirs) for n in d.nominees.all()},
                                      signed_on=dt.date(2023, 12, 5))
    client = client_for(world.alice)
    page = client.get(reverse("dossiers:detail", args=[mine.pk])).content.decode()
    assert "Quyết định số 8/QĐ-UBND ngày 05/12/2023" in page and "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH — Chris" in page
    assert reverse("certificates:decision_pdf", args=[decision.pk]) in page
    own = decision.certificates.filter(nominee__dossier=mine)
    others = decision.certificates.filter(nominee__dossier=theirs)
    for certificate in own:
        assert reverse("certificates:certificate_pdf", args=[certificate.pk]) in page
        assert reverse("certificates:verify", args=[certificate.token]) in page
    # the decision page: the unit sees it, with its own certificates only
    detail = client.get(reverse("certificates:decision", args=[decision.pk])).content.decode()
    assert all(c.recipient_name in detail for c in own) and not any(c.recipient_name in detail for c in others)
    assert client.get(reverse("certificates:certificate_pdf", args=[own.first().pk])).status_code == 200
    assert client.get(reverse("certificates:certificate_pdf", args=[others.first().pk])).status_code == 404
    assert client.get(reverse("certificates:certificates_pdf", args=[decision.pk])).status_code == 404
    assert client.get(reverse("certificates:awardees_xlsx", args=[decision.pk])).status_code == 404
    # a unit with nothing in the decision does not see it
    assert client_for(world.charlie).get(reverse("certificates:decision", args=[decision.pk])).status_code == 404


def test_the_unit_prints_its_receipt_with_the_appointment_date(world, in_window, client_for):
    dossier = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit,
                                      actor=world.alice)
    add_nominees(dossier, world.alice, collectives=[world.unit])
    client = client_for(world.alice)
    assert client.get(reverse("workflows:receipt", args=[dossier.pk])).status_code == 404   # not submitted
    dossier = walk(dossier, actors(world), until=DossierStatus.SUBMITTED)
    response = client.get(reverse("workflows:receipt", args=[dossier.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text and "Sở Thông tin và Truyền thông" in text
    assert "Sở Tư pháp" in text and "ngày 05 tháng 12 năm 2023" in text
    days = sum(dossier.lead_days(step) for step in dossier.path() if step in ("appraisal", "home_affairs",
                                                                              "decision"))
    from dossiers import calendar
    due = calendar.add_working_days(dt.date(2023, 12, 5), days)
    assert f"{days} ngày làm việc" in text
    assert f"ngày {due.day:02d} tháng {due.month:02d} năm {due.year}" in text or \
        f"ngày {due.day} tháng {due.month} năm {due.year}" in text
