"""Done-when: a unit's HR system, through the API alone, creates a dossier with nominees and documents
and submits it inside the window. Every step goes through the pages' services: the events name the
system's service account, the flow hands the dossier to the appraiser."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.models import DossierEvent, DossierStatus, EventKind, Person
from tests.conftest import PDF
from workflows.models import DossierTask

from .conftest import assert_problem

pytestmark = pytest.mark.django_db


def upload(api, dossier_id, code, nominee=None, name="tai-lieu.pdf"):
    data = {"document_type": code, "file": SimpleUploadedFile(name, PDF, content_type="application/pdf")}
    if nominee:
        data["nominee"] = nominee
    response = api.post(f"/api/v1/dossiers/{dossier_id}/documents/", data, format="multipart")
    assert response.status_code == 201, response.content
    return response.json()


def test_hr_system_creates_fills_and_submits_a_dossier_inside_the_window(world, hr, hr_api, in_window):
    w = world
    # what the system reads first: the campaign, its award forms and what each step requires
    campaigns = hr_api.get("/api/v1/campaigns/").json()["results"]
    assert [c["id"] for c in campaigns] == [w.campaign.pk] and campaigns[0]["is_window_open"]
    form = hr_api.get(f"/api/v1/award-forms/{w.form.pk}/").json()
    assert {r["document_type"] for r in form["requirements"]} == {"to-trinh", "bien-ban-hop-xet", "bao-cao-thanh-tich"}

    created = hr_api.post("/api/v1/dossiers/", {"campaign": w.campaign.pk, "award_form": w.form.pk}, format="json")
    assert created.status_code == 201, created.content
    dossier = created.json()
    assert dossier["unit"] == w.unit.pk and dossier["status"] == DossierStatus.DRAFT
    pk = dossier["id"]

    collective = hr_api.post(f"/api/v1/dossiers/{pk}/nominees/", {"kind": "collective", "unit": w.unit.pk},
                             format="json").json()
    person = hr_api.post(f"/api/v1/dossiers/{pk}/nominees/", {
        "kind": "individual", "full_name": "Nguyễn  Văn An", "citizen_id": "020185222333",
        "birth_date": "1985-03-02", "position": "Chuyên viên"}, format="json")
    assert person.status_code == 201, person.content
    person = person.json()
    assert person["name"] == "Nguyễn Văn An" and person["citizen_id_masked"] == "*********333"

    # the status says what is missing, in Vietnamese, as the page's checklist does
    status = hr_api.get(f"/api/v1/dossiers/{pk}/status/").json()
    assert status["open_task"]["step"] == "proposal" and any("Thiếu" in p for p in status["problems"])

    upload(hr_api, pk, "to-trinh")
    assert hr_api.post(f"/api/v1/dossiers/{pk}/complete-step/", {"step": "proposal"},
                       format="json").json()["status"] == DossierStatus.PROPOSAL_READY
    council = hr_api.post(f"/api/v1/dossiers/{pk}/council/", {
        "held_on": "2023-12-01", "members_total": 9, "members_present": 8,
        "votes": {str(collective["id"]): 8, str(person["id"]): 7}}, format="json")
    assert council.status_code == 200, council.content
    upload(hr_api, pk, "bien-ban-hop-xet")
    hr_api.post(f"/api/v1/dossiers/{pk}/complete-step/", {"step": "council"}, format="json")
    for nominee in (collective, person):
        upload(hr_api, pk, "bao-cao-thanh-tich", nominee=nominee["id"])
    done = hr_api.post(f"/api/v1/dossiers/{pk}/complete-step/", {"step": "reports"}, format="json").json()
    assert done["status"] == DossierStatus.REPORTS_COMPLETE and len(done["documents"]) == 4

    submitted = hr_api.post(f"/api/v1/dossiers/{pk}/submit/", {"comment": "Gửi qua API"}, format="json")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == DossierStatus.SUBMITTED and submitted.json()["submitted_at"]

    # the same events as the pages write, by the system's service account
    client, _secret = hr
    events = DossierEvent.objects.filter(dossier_id=pk)
    assert set(events.values_list("actor_id", flat=True)) == {client.service_user_id}
    assert events.filter(kind=EventKind.UPLOAD).count() == 4
    assert events.filter(kind=EventKind.TRANSITION, to_status=DossierStatus.SUBMITTED).exists()
    timeline = hr_api.get(f"/api/v1/dossiers/{pk}/timeline/").json()
    assert [e["kind"] for e in timeline][:1] == ["created"] and timeline[-1]["to_status"] == "submitted"
    assert timeline[-1]["actor"] == "Phần mềm nhân sự Sở Tư pháp"
    # the flow moved on: the appraiser of Sở TT&TT has the task
    task = DossierTask.objects.get(dossier_id=pk, status__in=["NEW", "ASSIGNED"])
    assert task.step == "appraisal" and task.unit_id == w.stt.pk
    # one person by CCCD, the name NFC-normalised and tidied by the service
    assert Person.objects.filter(citizen_id="020185222333").count() == 1


def test_submit_after_the_window_is_refused_with_the_pages_message(world, hr_api, time_machine):
    w = world
    time_machine.move_to(dt.datetime(2023, 12, 5, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False)
    pk = hr_api.post("/api/v1/dossiers/", {"campaign": w.campaign.pk, "award_form": w.form.pk},
                     format="json").json()["id"]
    nominee = hr_api.post(f"/api/v1/dossiers/{pk}/nominees/", {"kind": "collective", "unit": w.unit.pk},
                          format="json").json()
    upload(hr_api, pk, "to-trinh")
    hr_api.post(f"/api/v1/dossiers/{pk}/complete-step/", {"step": "proposal"}, format="json")
    hr_api.post(f"/api/v1/dossiers/{pk}/council/", {"held_on": "2023-12-01", "members_total": 5,
                                                    "members_present": 5, "votes": {str(nominee["id"]): 5}},
                format="json")
    upload(hr_api, pk, "bien-ban-hop-xet")
    hr_api.post(f"/api/v1/dossiers/{pk}/complete-step/", {"step": "council"}, format="json")
    upload(hr_api, pk, "bao-cao-thanh-tich", nominee=nominee["id"])
    hr_api.post(f"/api/v1/dossiers/{pk}/complete-step/", {"step": "reports"}, format="json")

    time_machine.move_to(dt.datetime(2023, 12, 7, 0, 0, 1, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False)
    body = assert_problem(hr_api.post(f"/api/v1/dossiers/{pk}/submit/", {}, format="json"), 409,
                          contains="Ngoài thời gian nhận hồ sơ")
    assert body["type"].endswith("/window-closed")
    assert hr_api.get(f"/api/v1/dossiers/{pk}/").json()["status"] == DossierStatus.REPORTS_COMPLETE


def test_missing_documents_are_named_each_as_a_problem(world, hr_api, in_window):
    w = world
    pk = hr_api.post("/api/v1/dossiers/", {"campaign": w.campaign.pk, "award_form": w.form.pk},
                     format="json").json()["id"]
    body = assert_problem(hr_api.post(f"/api/v1/dossiers/{pk}/complete-step/", {"step": "proposal"},
                                      format="json"), 422)
    assert body["detail"] == "Hồ sơ chưa đủ điều kiện để chuyển bước:"
    assert "Thiếu Tờ trình đề nghị khen thưởng." in body["problems"]
    assert "Chưa có tập thể hoặc cá nhân nào được đề nghị khen thưởng." in body["problems"]


def test_a_bad_upload_is_refused_by_content_with_the_pages_message(world, hr_api, in_window):
    w = world
    pk = hr_api.post("/api/v1/dossiers/", {"campaign": w.campaign.pk, "award_form": w.form.pk},
                     format="json").json()["id"]
    response = hr_api.post(f"/api/v1/dossiers/{pk}/documents/", {
        "document_type": "to-trinh", "file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf")}, format="multipart")
    assert_problem(response, 400, contains="không phải PDF, Word, JPG hoặc PNG hợp lệ")
    missing = assert_problem(hr_api.post(f"/api/v1/dossiers/{pk}/nominees/", {"kind": "individual"},
                                         format="json"), 400)
    assert missing["detail"] == "Hãy nhập họ và tên cá nhân được đề nghị."
