"""Pages: the bell and notification list, the explanation form, the apology letter download, the
overview with statistics, and the administrator's calendar page."""

import pytest
from django.urls import reverse

from dossiers.models import DossierEvent, Step
from workflows import deadlines
from workflows.models import ApologyLetter, CalendarChange, LateExplanation, Notification

from .helpers import at, committed, open_task, set_lead, submitted_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def late(province, time_machine):
    set_lead(province, Step.APPRAISAL, 3)
    dossier = submitted_dossier(province, time_machine, at(2023, 12, 6, 10, 0))
    task = open_task(dossier)
    time_machine.move_to(at(2023, 12, 12, 0, 10), tick=False)
    committed(deadlines.scan)
    return dossier, task


def test_bell_list_and_mark_read(client, province, late):
    dossier, _task = late
    client.force_login(province.bob)
    response = client.get(reverse("deadlines:notifications"))
    assert response.status_code == 200
    assert response.context["notifications_unread"] == 1                # the request for an explanation
    assert 'id="bell-count">1<' in response.content.decode()
    assert client.get(reverse("deadlines:unread")).json() == {"unread": 1}
    notification = Notification.objects.get(user=province.bob)
    response = client.post(reverse("deadlines:notification_open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == notification.link
    assert str(dossier.pk) in notification.link
    assert client.get(reverse("deadlines:unread")).json() == {"unread": 0}
    client.force_login(province.charlie)
    assert client.post(reverse("deadlines:notification_open", args=[notification.pk])).status_code == 404


def test_read_all(client, province, late):
    client.force_login(province.henry)
    assert Notification.objects.filter(user=province.henry, read_at__isnull=True).count() == 1
    client.post(reverse("deadlines:read_all"))
    assert Notification.objects.filter(user=province.henry, read_at__isnull=True).count() == 0


def test_explanation_form(client, province, late):
    dossier, task = late
    item = LateExplanation.objects.get(task=task)
    url = reverse("deadlines:explanation", args=[item.pk])
    client.force_login(province.charlie)
    assert client.get(url).status_code == 404
    client.force_login(province.bob)
    assert client.get(url).status_code == 200
    response = client.post(url, {"text": "ngắn"})
    assert response.status_code == 400 and "ít nhất 10 ký tự" in response.content.decode()
    assert 'ngắn</textarea>' in response.content.decode()               # the user's input is kept
    response = client.post(url, {"text": "Chờ ý kiến của Sở Tài chính về số liệu."})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.submitted_by == province.bob
    assert DossierEvent.objects.filter(dossier=dossier, data__deadline="explanation").exists()


def test_apology_pdf_download(client, province, late):
    dossier, task = late
    letter = ApologyLetter.objects.get(task=task)
    url = reverse("deadlines:apology_pdf", args=[letter.pk])
    client.force_login(province.charlie)
    assert client.get(url).status_code == 404
    client.force_login(province.alice)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_overview_statistics_for_heads(client, province, late):
    client.force_login(province.sam)
    response = client.get(reverse("deadlines:overview"))
    assert response.status_code == 200
    assert response.context["stats"]["late"] == 1 and response.context["stats"]["unexplained"] == 1
    client.force_login(province.bob)
    response = client.get(reverse("deadlines:overview"))
    assert response.context["stats"] is None
    assert [row["task"].pk for row in response.context["rows"]] == [late[1].pk]


def test_officer_issues_apology_from_the_page(client, province, time_machine):
    set_lead(province, Step.APPRAISAL, 3)
    dossier = submitted_dossier(province, time_machine, at(2023, 12, 6, 10, 0))
    task = open_task(dossier)
    time_machine.move_to(at(2023, 12, 11, 14, 0), tick=False)
    client.force_login(province.bob)
    url = reverse("deadlines:apology_issue", args=[task.pk])
    response = client.post(url, {"reason": "Chờ xác minh.", "new_due_date": "2023-12-16"}, follow=True)
    assert "Ngày hẹn mới phải là ngày làm việc" in response.content.decode()
    client.post(url, {"reason": "Chờ xác minh.", "new_due_date": "2023-12-14"})
    assert ApologyLetter.objects.get(task=task).new_due_at == at(2023, 12, 14, 23, 59, 59, 999999)
    client.force_login(province.charlie)
    assert client.post(url, {"reason": "x"}).status_code == 404


def test_calendar_page_for_admins_only(client, province, time_machine):
    time_machine.move_to(at(2023, 12, 7, 9, 0), tick=False)
    url = reverse("deadlines:calendar")
    client.force_login(province.chris)
    assert client.get(url).status_code == 404
    province.chris.is_superuser = True
    province.chris.save()
    client.force_login(province.chris)
    response = client.post(url, {"day": "2023-12-29", "kind": "off", "note": "Nghỉ bù"})
    assert response.status_code == 302
    assert CalendarChange.objects.get().day.isoformat() == "2023-12-29"
    assert client.post(url, {"day": "xx"}).status_code == 400


def test_bell_context_only_for_signed_in_users(client, province):
    response = client.get(reverse("login"))
    assert response.context["notifications_enabled"] is False
    client.force_login(province.alice)
    response = client.get(reverse("deadlines:notifications"))
    assert response.context["notifications_enabled"] is True and response.context["notifications_unread"] == 0


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_calendar_page_and_admin_refuse_dates_outside_the_range(client, province, day):
    from dossiers.models import CalendarDay

    province.chris.is_superuser = province.chris.is_staff = True
    province.chris.save()
    client.force_login(province.chris)
    response = client.post(reverse("deadlines:calendar"), {"day": day, "kind": "off", "note": "Nhập nhầm"})
    assert response.status_code == 400
    assert "Ngày phải nằm trong khoảng từ 01/01/2000 đến 31/12/2100" in response.content.decode()
    response = client.post(reverse("admin:dossiers_calendarday_add"),
                           {"date": day, "is_working": "", "note": "Nhập nhầm"})
    assert response.status_code == 200          # the form again, with the message on the date
    assert "Ngày phải nằm trong khoảng từ 01/01/2000 đến 31/12/2100" in response.content.decode()
    assert not CalendarDay.objects.exists() and not CalendarChange.objects.exists()
