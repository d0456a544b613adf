"""Accounts: lockout (django-axes) per username and per client with a Vietnamese message saying when
to retry, unlock by an administrator, every failure logged; password change for every user, reset by
e-mail, validators; sessions that expire after inactivity and end everywhere on a password change."""

import datetime as dt
import logging
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.test import Client

User = get_user_model()
pytestmark = pytest.mark.django_db
GOOD = "Lang-Son-2024-an-toan"


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
    settings.AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()
    return settings


@pytest.fixture
def user(db):
    return User.objects.create_user("canbo", "canbo@langson.gov.vn", GOOD, first_name="Nguyễn Thị Lan")


def login(client, username, password, ip="198.51.100.1"):
    return client.post("/dang-nhap/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_lockout_per_username_says_when_to_retry(axes_on, user, time_machine, caplog):
    time_machine.move_to(dt.datetime(2024, 3, 4, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False)
    client = Client()
    caplog.set_level(logging.INFO)
    assert login(client, "canbo", "sai-1", ip="198.51.100.1").status_code == 200
    assert login(client, "canbo", "sai-2", ip="198.51.100.2").status_code == 200
    locked = login(client, "canbo", "sai-3", ip="198.51.100.3")      # three clients, one username
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "Tạm khóa đăng nhập" in text and "sai mật khẩu 3 lần" in text
    assert "thử lại sau 09:15 ngày 04/03/2024" in text               # 15 minutes from now, local time
    assert locked["Retry-After"] == "900"
    # the right password does not get in while locked, from anywhere
    assert login(Client(), "canbo", GOOD, ip="192.0.2.50").status_code == 429
    # every failure is logged with the username and the client
    failures = [r.getMessage() for r in caplog.records if r.getMessage().startswith("login failed")]
    assert failures[:3] == [f"login failed: username='canbo' client=198.51.100.{n}" for n in (1, 2, 3)]
    from axes.models import AccessFailureLog

    assert AccessFailureLog.objects.filter(username="canbo").count() >= 3
    # after the cool-off the right password works again
    time_machine.move_to(dt.datetime(2024, 3, 4, 9, 31, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False)
    assert login(Client(), "canbo", GOOD, ip="192.0.2.50").status_code == 302


def test_lockout_per_client_across_usernames(axes_on, user):
    client = Client()
    for name in ("a", "b", "c"):                                       # guessing names from one address
        response = login(client, name, "x", ip="203.0.113.9")
    assert response.status_code == 429
    assert login(Client(), "canbo", GOOD, ip="203.0.113.9").status_code == 429    # that client is locked
    assert login(Client(), "canbo", GOOD, ip="198.51.100.77").status_code == 302  # the user is not


def test_lockout_answers_json_to_scripts(axes_on, user):
    for _ in range(3):
        response = Client().post("/dang-nhap/", {"username": "canbo", "password": "x"},
                                 HTTP_ACCEPT="application/json")
    assert response.status_code == 429 and response.json()["retry_at"]


def test_administrator_unlocks(axes_on, user, admin_client):
    for _ in range(3):
        login(Client(), "canbo", "x")
    assert login(Client(), "canbo", GOOD, ip="192.0.2.1").status_code == 429
    # the admin sees the attempts (django-axes' admin) ...
    page = admin_client.get("/admin/axes/accessattempt/")
    assert page.status_code == 200 and "canbo" in page.content.decode()
    # ... and unlocks the user (the command does the same as deleting the attempt in the admin)
    call_command("axes_reset_username", "canbo")
    assert login(Client(), "canbo", GOOD, ip="192.0.2.1").status_code == 302


def test_success_resets_the_count(axes_on, user):
    login(Client(), "canbo", "x")
    login(Client(), "canbo", "x")
    assert login(Client(), "canbo", GOOD).status_code == 302
    login(Client(), "canbo", "x")
    login(Client(), "canbo", "x")
    assert login(Client(), "canbo", GOOD).status_code == 302


def test_every_user_can_change_the_password_from_the_top_bar(user):
    client = Client()
    client.force_login(user)
    home = client.get("/").content.decode()
    assert 'href="/mat-khau/doi/"' in home and "Đổi mật khẩu" in home
    page = client.get("/mat-khau/doi/")
    assert page.status_code == 200 and "Mật khẩu mới" in page.content.decode()

    def change(new):
        return client.post("/mat-khau/doi/", {"old_password": GOOD, "new_password1": new, "new_password2": new})

    for bad, reason in (("canbo12345", "quá giống với Tên đăng nhập"), ("20231204157", "hoàn toàn là số"),
                        ("Ng-7x", "quá ngắn: cần ít nhất 10 ký tự"), ("password123", "quá phổ biến"),
                        ("nguyenthilan", "quá giống với Tên"), ("Canbo-2024!", "chứa tên đăng nhập")):
        response = change(bad)
        assert response.status_code == 200, bad
        assert reason in response.content.decode(), (bad, reason)
    user.refresh_from_db()
    assert user.check_password(GOOD)
    done = change("Mua-xuan-Lang-Son-24")
    assert done.status_code == 302 and done["Location"] == "/mat-khau/doi/xong/"
    user.refresh_from_db()
    assert user.check_password("Mua-xuan-Lang-Son-24")


def test_a_password_change_ends_every_other_session(user):
    office, phone = Client(), Client()
    assert login(office, "canbo", GOOD).status_code == 302
    assert login(phone, "canbo", GOOD, ip="198.51.100.9").status_code == 302
    assert phone.get("/").status_code == 200
    new = "Mua-xuan-Lang-Son-24"
    office.post("/mat-khau/doi/", {"old_password": GOOD, "new_password1": new, "new_password2": new})
    assert office.get("/").status_code == 200                           # the session that changed it stays
    response = phone.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_password_reset_by_email(user, settings):
    settings.SITE_URL = "https://khenthuong.example.vn"
    client = Client()
    page = client.get("/dang-nhap/").content.decode()
    assert 'href="/mat-khau/quen/"' in page
    assert client.post("/mat-khau/quen/", {"email": "nobody@example.com"}).status_code == 302
    assert len(mail.outbox) == 0                                        # unknown address: nothing, no hint
    response = client.post("/mat-khau/quen/", {"email": "canbo@langson.gov.vn"})
    assert response.status_code == 302 and response["Location"] == "/mat-khau/quen/da-gui/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Đặt lại mật khẩu — Hệ thống thi đua, khen thưởng"
    assert "Kính gửi Nguyễn Thị Lan" in message.body and "Tên đăng nhập: canbo" in message.body
    found = re.search(r"https://khenthuong\.example\.vn(/mat-khau/dat-lai/\S+/)", message.body)
    assert found, message.body
    link = found.group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and "Đặt mật khẩu mới" in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "12345678901", "new_password2": "12345678901"})
    assert weak.status_code == 200 and "hoàn toàn là số" in weak.content.decode()
    new = "Mua-xuan-Lang-Son-24"
    done = client.post(set_url, {"new_password1": new, "new_password2": new})
    assert done.status_code == 302 and done["Location"] == "/mat-khau/dat-lai/xong/"
    assert login(Client(), "canbo", new).status_code == 302
    again = Client().get(link, follow=True).content.decode()            # the link works once
    assert "không còn hiệu lực" in again


def test_a_session_expires_after_inactivity_and_activity_keeps_it(user, settings, time_machine):
    settings.SESSION_COOKIE_AGE = 60 * 60
    start = dt.datetime(2024, 3, 4, 8, 0, tzinfo=dt.timezone.utc)
    time_machine.move_to(start, tick=False)
    client = Client()
    assert login(client, "canbo", GOOD).status_code == 302
    for minutes in (40, 80, 120):                                       # a request every 40 minutes
        time_machine.move_to(start + dt.timedelta(minutes=minutes), tick=False)
        assert client.get("/").status_code == 200, minutes
    time_machine.move_to(start + dt.timedelta(minutes=120 + 61), tick=False)   # 61 idle minutes
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
