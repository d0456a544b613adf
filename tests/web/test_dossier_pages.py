"""The unit's dossier page: every refusal is a message on the same page with the input kept, never
a 500; another unit's dossier is a 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers.models import Document, DossierEvent, DossierStatus, EventKind, NomineeKind
from tests.conftest import PDF, pdf_file
from workflows import services
from workflows.walk import Actors, add_nominees, walk

pytestmark = pytest.mark.django_db
XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest", "HTTP_ACCEPT": "application/json"}


def actors(world):
    return Actors(officer=world.alice, head=world.henry, appraiser=world.bob, home_affairs=world.nora,
                  chairman=world.chris)


def upload(client, dossier, file, code="to-trinh", **extra):
    return client.post(reverse("dossiers:upload", args=[dossier.pk]), {"document_type": code, "file": file}, **extra)


def test_other_units_dossier_is_404_everywhere(world, draft, client_for):
    alice = client_for(world.alice)
    assert upload(alice, draft, pdf_file()).status_code == 302
    doc = draft.documents.get()
    charlie = client_for(world.charlie)
    assert charlie.get(reverse("dossiers:detail", args=[draft.pk])).status_code == 404
    assert charlie.get(reverse("dossiers:document", args=[doc.pk])).status_code == 404
    assert upload(charlie, draft, pdf_file()).status_code == 404
    assert charlie.post(reverse("workflows:complete_steps", args=[draft.pk])).status_code == 404
    assert charlie.get(reverse("workflows:review", args=[draft.pk])).status_code == 404
    assert draft.documents.count() == 1


def test_upload_by_xhr_returns_the_redrawn_step(world, draft, client_for):
    """The whole step block comes back: the row, and the step's badge and "Còn thiếu…" as they are now."""
    from dossiers.services import nominee_add

    nominee_add(dossier=draft, actor=world.alice, kind="collective", unit=world.unit)
    page = client_for(world.alice).get(reverse("dossiers:detail", args=[draft.pk])).content.decode()
    assert "Thiếu Tờ trình đề nghị khen thưởng." in page
    response = upload(client_for(world.alice), draft, pdf_file("to-trinh.pdf"), **XHR)
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["row_id"] == "req-to-trinh-0"
    assert 'data-state="present"' in body["block"] and "to-trinh.pdf" in body["block"]
    assert 'id="step-proposal"' in body["block"] and "Còn thiếu" not in body["block"]
    assert "Thiếu Tờ trình" not in body["block"] and "badge-missing" not in body["block"]


@pytest.mark.parametrize("name,content,message", [
    ("gia-mao.pdf", b"MZ\x90\x00not a pdf at all", "không phải PDF"),
    ("anh.png", PDF, "không phải PDF"),  # a real PDF named .png: checked by content and name
    ("rong.pdf", b"", "rỗng"),
])
def test_bad_files_are_refused_with_a_message(world, draft, client_for, name, content, message):
    client = client_for(world.alice)
    response = upload(client, draft, SimpleUploadedFile(name, content), **XHR)
    assert response.status_code == 400
    assert message in response.json()["error"]
    page = upload(client, draft, SimpleUploadedFile(name, content))  # without JavaScript
    assert page.status_code == 400
    assert message in page.content.decode()
    assert draft.documents.count() == 0


def test_file_over_the_configured_limit(world, draft, client_for, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    response = upload(client_for(world.alice), draft, pdf_file(content=PDF + b"0" * 2048), **XHR)
    assert response.status_code == 400
    assert "vượt giới hạn" in response.json()["error"]


def test_no_file_chosen(world, draft, client_for):
    response = client_for(world.alice).post(reverse("dossiers:upload", args=[draft.pk]),
                                            {"document_type": "to-trinh"})
    assert response.status_code == 400
    assert "Hãy chọn một tệp" in response.content.decode()


def test_document_is_served_inline_with_its_type_and_the_opening_logged(world, draft, client_for):
    client = client_for(world.alice)
    upload(client, draft, pdf_file("to-trinh.pdf"))
    doc = draft.documents.get()
    response = client.get(reverse("dossiers:document", args=[doc.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert DossierEvent.objects.filter(dossier=draft, kind=EventKind.DOWNLOAD).count() == 1
    download = client.get(reverse("dossiers:document", args=[doc.pk]) + "?download=1")
    assert download["Content-Disposition"].startswith("attachment;")


def test_invalid_nominee_keeps_what_was_typed(world, draft, client_for):
    response = client_for(world.alice).post(reverse("dossiers:nominee_add", args=[draft.pk]), {
        "kind": NomineeKind.INDIVIDUAL, "full_name": "Nguyễn Văn Bình", "citizen_id": "12345",
        "position": "Chuyên viên"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "không hợp lệ" in html
    assert 'value="Nguyễn Văn Bình"' in html and 'value="12345"' in html and 'value="Chuyên viên"' in html
    assert draft.nominees.count() == 0


def test_complete_steps_names_what_is_missing_then_runs_through(world, draft, client_for):
    client = client_for(world.alice)
    url = reverse("workflows:complete_steps", args=[draft.pk])
    response = client.post(url, {"seen_status": draft.status})
    assert response.status_code == 400
    assert "Chưa có tập thể hoặc cá nhân" in response.content.decode()
    nominee = add_nominees(draft, world.alice, collectives=[world.unit])[0]
    upload(client, draft, pdf_file(), "to-trinh")
    upload(client, draft, pdf_file(), "bien-ban-hop-xet")
    client.post(reverse("dossiers:upload", args=[draft.pk]),
                {"document_type": "bao-cao-thanh-tich", "nominee": nominee.pk, "file": pdf_file()})
    response = client.post(reverse("dossiers:council", args=[draft.pk]), {
        "held_on": "2023-12-01", "members_total": "9", "members_present": "10", f"vote_{nominee.pk}": "8"})
    assert response.status_code == 400  # more present than members: refused by the service
    assert 'value="10"' in response.content.decode()
    client.post(reverse("dossiers:council", args=[draft.pk]), {
        "held_on": "2023-12-01", "members_total": "9", "members_present": "8", f"vote_{nominee.pk}": "8"})
    response = client.post(url, {"seen_status": DossierStatus.DRAFT})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == DossierStatus.REPORTS_COMPLETE


def test_two_people_on_one_dossier_get_a_conflict_message(world, draft, client_for):
    add_nominees(draft, world.alice, collectives=[world.unit])
    dossier = walk(draft, actors(world), until=DossierStatus.REPORTS_COMPLETE)
    # the head's page was loaded while the dossier was still a draft
    response = client_for(world.henry).post(reverse("workflows:submit", args=[dossier.pk]),
                                            {"seen_status": DossierStatus.DRAFT})
    assert response.status_code == 409
    assert "người khác xử lý" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.REPORTS_COMPLETE


def test_a_conflict_has_one_answer_whichever_check_catches_it(world, draft, client_for, monkeypatch):
    """The page's posted status and the service's row lock notice the same race: the same 409 and the
    same words (issue 18: one said 400 "vừa được người khác xử lý…", the other 409 with other words)."""
    from dossiers import selectors
    from dossiers.models import Dossier

    add_nominees(draft, world.alice, collectives=[world.unit])
    dossier = walk(draft, actors(world), until=DossierStatus.REPORTS_COMPLETE)
    # 1. caught by the page: it posts the status it showed (draft), the dossier has moved on
    by_page = client_for(world.henry).post(reverse("workflows:submit", args=[dossier.pk]),
                                           {"seen_status": DossierStatus.DRAFT})
    # 2. caught by the service's row lock: the other person's move committed after this request read
    #    the dossier (its page and the view agree on "draft"; the locked row says otherwise)
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.DRAFT)
    stale = Dossier.objects.get(pk=dossier.pk)
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.REPORTS_COMPLETE)
    monkeypatch.setattr(selectors, "visible_dossier_or_404", lambda user, pk: stale)
    by_lock = client_for(world.henry).post(reverse("workflows:submit", args=[dossier.pk]),
                                           {"seen_status": DossierStatus.DRAFT})
    expected = (f"Hồ sơ #{dossier.pk} vừa được người khác xử lý (trạng thái hiện tại: Đủ hồ sơ, chờ thủ trưởng "
                f"ký gửi). Trang đã được cập nhật; vui lòng kiểm tra rồi thao tác lại.")
    for response in (by_page, by_lock):
        assert response.status_code == 409
        assert response.context["error"] == expected


def test_submit_after_the_window_closed_is_a_message(world, draft, client_for, time_machine):
    import datetime as dt

    add_nominees(draft, world.alice, collectives=[world.unit])
    dossier = walk(draft, actors(world), until=DossierStatus.REPORTS_COMPLETE)
    time_machine.move_to(dt.datetime(2023, 12, 7, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False)
    response = client_for(world.henry).post(reverse("workflows:submit", args=[dossier.pk]),
                                            {"seen_status": dossier.status, "comment": "Kính gửi Sở TT&TT"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ngoài thời gian nhận hồ sơ" in html
    assert "Kính gửi Sở TT&amp;TT" in html  # the comment typed is still there


def test_unit_head_submits_from_the_page(world, draft, client_for):
    add_nominees(draft, world.alice, collectives=[world.unit])
    dossier = walk(draft, actors(world), until=DossierStatus.REPORTS_COMPLETE)
    page = client_for(world.henry).get(reverse("dossiers:detail", args=[dossier.pk]))
    assert 'id="btn-submit"' in page.content.decode()
    assert 'id="btn-submit"' not in client_for(world.alice).get(
        reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    response = client_for(world.henry).post(reverse("workflows:submit", args=[dossier.pk]),
                                            {"seen_status": dossier.status})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED


def test_rating_after_decision(world, draft, client_for):
    add_nominees(draft, world.alice, collectives=[world.unit])
    dossier = walk(draft, actors(world))
    client = client_for(world.alice)
    assert 'id="btn-rate"' in client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    response = client.post(reverse("dossiers:rate", args=[dossier.pk]), {"comment": "Tốt"})
    assert response.status_code == 400 and "Tốt" in response.content.decode()
    assert client.post(reverse("dossiers:rate", args=[dossier.pk]), {"score": "4", "comment": "Tốt"}).status_code == 302
    again = client.post(reverse("dossiers:rate", args=[dossier.pk]), {"score": "5"})
    assert again.status_code == 400 and "đã được đánh giá" in again.content.decode()
    assert dossier.rating.score == 4


def test_create_after_the_window_closed_is_a_message(world, client_for, time_machine):
    import datetime as dt

    time_machine.move_to(dt.datetime(2023, 12, 7, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False)
    response = client_for(world.alice).post(reverse("workflows:create"), {
        "campaign": world.campaign.pk, "award_form": world.form.pk, "unit": world.unit.pk}, follow=True)
    assert response.status_code == 200
    assert "hết hạn nhận hồ sơ" in response.content.decode()
    assert not world.campaign.dossiers.exists()


def test_officer_of_another_unit_cannot_create_for_this_unit(world, in_window, client_for):
    response = client_for(world.charlie).post(reverse("workflows:create"), {
        "campaign": world.campaign.pk, "award_form": world.form.pk, "unit": world.unit.pk}, follow=True)
    assert response.status_code == 200
    assert "không có quyền" in response.content.decode()
    assert not world.campaign.dossiers.exists()


def test_person_lookup_fills_only_from_the_units_own_history(world, draft, client_for):
    add_nominees(draft, world.alice, individuals=[{"full_name": "Nguyễn Văn An", "citizen_id": "020123456789",
                                                   "position": "Trưởng phòng"}])
    other = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.other,
                                    actor=world.charlie)
    add_nominees(other, world.charlie, individuals=[{"full_name": "Lý Thị Mai", "citizen_id": "020187654321"}])
    url = reverse("dossiers:person_lookup", args=[draft.pk])
    found = client_for(world.alice).get(url, {"cccd": "020123456789"}).json()
    assert found == {"found": True, "full_name": "Nguyễn Văn An", "birth_date": "", "position": "Trưởng phòng",
                     "workplace": ""}
    assert client_for(world.alice).get(url, {"cccd": "020187654321"}).json() == {"found": False}
    assert client_for(world.charlie).get(url, {"cccd": "020123456789"}).status_code == 404


def test_council_form_is_empty_until_typed_from_the_minutes(world, draft, client_for):
    """Nothing guessed: not the unit's council of last year, not today's date, not the votes."""
    import datetime as dt

    from dossiers.models import CouncilMeeting, Dossier
    from dossiers.services import council_record, nominee_add

    old = Dossier.objects.create(campaign=world.campaign, award_form=world.agency_form(), unit=world.unit,
                                 created_by=world.alice)
    CouncilMeeting.objects.create(dossier=old, held_on=dt.date(2022, 12, 1), members_total=9, members_present=8)
    nominee = nominee_add(dossier=draft, actor=world.alice, kind="collective", unit=world.unit)
    form = client_for(world.alice).get(reverse("dossiers:detail", args=[draft.pk])).context["council_form"]
    assert form["members_total"].value() is None and form["members_present"].value() is None
    assert form["held_on"].value() is None and form[f"vote_{nominee.pk}"].value() is None
    council_record(dossier=draft, actor=world.alice, held_on=dt.date(2023, 12, 4), members_total=7,
                   members_present=6, votes={nominee.pk: 5})
    form = client_for(world.alice).get(reverse("dossiers:detail", args=[draft.pk])).context["council_form"]
    assert (form["members_total"].value(), form["members_present"].value()) == (7, 6)
    assert form[f"vote_{nominee.pk}"].value() == 5
