"""The demo holds the province of 2023 next to today's (issue 13.4): the 2023 campaign keeps Sở TT&TT and
the districts; the 2026 campaign is appraised by Sở Khoa học và Công nghệ and joined by communes and wards."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from dossiers.models import Campaign, Role, Unit, units_at
from dossiers.rules import roles_at
from dossiers.selectors import visible_dossiers

pytestmark = pytest.mark.django_db


def test_the_demo_has_the_2023_units_and_todays(capsys):
    call_command("seed_demo")
    users = {u.username: u for u in get_user_model().objects.all()}
    old = Campaign.objects.get(plan_number="170/KH-UBND")
    live = Campaign.objects.get(plan_number="45/KH-UBND")
    tttt = Unit.objects.get(name="Sở Thông tin và Truyền thông")
    khcn = Unit.objects.get(name="Sở Khoa học và Công nghệ")
    assert old.appraising_unit == tttt and live.appraising_unit == khcn
    assert tttt.successor == khcn and not tttt.acts and tttt.valid_to == dt.date(2025, 2, 28)
    assert Unit.objects.get(name="Sở Kế hoạch và Đầu tư").successor.name == "Sở Tài chính"
    # 2023: districts; today: communes and wards only, no district level
    assert {d.unit.level.code for d in old.dossiers.all()} >= {"huyen"}
    assert {d.unit.level.code for d in live.dossiers.all()} <= {"tinh", "xa"}
    assert not [d for d in live.dossiers.all() if "huyện" in d.unit.name]
    assert {d.unit.name for d in live.dossiers.all()} >= {"UBND xã Cao Lộc", "UBND phường Lương Văn Tri"}
    today = units_at(dt.date(2026, 12, 1))
    assert not today.filter(level__code="huyen").exists() and not today.filter(pk=tttt.pk).exists()
    assert units_at(dt.date(2023, 12, 5)).filter(name="UBND huyện Cao Lộc").exists()
    # the appraiser's account moved with the merger: it acts for Sở KH&CN and still on 2023's open dossiers
    assert Role.APPRAISER in roles_at(users["thamdinh_tttt"], khcn.pk)
    assert Role.APPRAISER in roles_at(users["thamdinh_tttt"], tttt.pk)
    assert not roles_at(users["giamdoc_tttt"], tttt.pk)
    # the returned 2023 dossier of huyện Lộc Bình is still answered by its officer, now of xã Lộc Bình
    returned = old.dossiers.get(unit__name="UBND huyện Lộc Bình")
    assert returned in visible_dossiers(users["canbo_locbinh"])
    assert "thamdinh_tttt" in capsys.readouterr().out
