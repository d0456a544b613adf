"""Guard against N+1 queries (issue 11, item 5): every main page issues the same number of SQL
queries on a small data set and on a larger one (more dossiers in every state, more nominees on the
dossier looked at, more campaigns, more late steps with apology letters, more issued decisions).
A page whose count grows with the rows fails here, whatever its speed."""

import datetime as dt
import itertools
import os

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from criteria.setup import seed_criteria
from dossiers.models import DossierStatus, Role, Unit
from dossiers.setup import provincial_campaign
from workflows import deadlines, figures, services
from workflows.flows import ACTIVE
from workflows.models import DossierTask
from workflows.walk import Actors, add_nominees, walk

pytestmark = pytest.mark.django_db

VN = dt.timezone(dt.timedelta(hours=7))
BUILD_AT = dt.datetime(2023, 12, 5, 9, 0, tzinfo=VN)     # inside the campaign's window
LOOK_AT = dt.datetime(2024, 1, 15, 9, 0, tzinfo=VN)      # every review step is late by then
_serial = itertools.count(1)


def _citizen_id() -> str:
    return f"0201{next(_serial):08d}"


class Data:
    """Adds batches to the world: each batch has `size` units, each with one dossier at the appraisal
    (with an apology letter for its step), one awaiting the decision, one decided in a signed
    Quyết định, a returned one and a draft; one more campaign; and a probe dossier (at the
    appraisal) with `probe_nominees` individuals, the one the dossier and review pages show."""

    def __init__(self, world, time_machine):
        self.world, self.time_machine = world, time_machine
        self.units = 0
        world.sam = world.user("sam", world.stt, Role.UNIT_HEAD, title="Giám đốc")
        world.admin = get_user_model().objects.create_superuser("root", password="pw")
        seed_criteria(world.form, collective=False)     # the review and dossier pages show them per nominee

    def _unit(self):
        self.units += 1
        w = self.world
        unit = Unit.objects.create(name=f"Đơn vị thử {self.units}", level=w.levels["huyen"], parent=w.province)
        officer = w.user(f"canbo{self.units}", unit, Role.UNIT_OFFICER)
        head = w.user(f"lanhdao{self.units}", unit, Role.UNIT_HEAD)
        return unit, Actors(officer=officer, head=head, appraiser=w.bob, home_affairs=w.nora, chairman=w.chris)

    def _dossier(self, until, individuals=1):
        unit, actors = self._unit()
        dossier = services.dossier_create(campaign=self.world.campaign, award_form=self.world.form, unit=unit,
                                          actor=actors.officer)
        people = [{"full_name": f"Nguyễn Văn {i}", "citizen_id": _citizen_id()} for i in range(individuals)]
        add_nominees(dossier, actors.officer, collectives=[unit], individuals=people)
        return walk(dossier, actors, until=until), actors

    def batch(self, size: int, probe_nominees: int):
        w = self.world
        self.time_machine.move_to(BUILD_AT, tick=False)
        for _i in range(size):
            at_appraisal, _a = self._dossier(DossierStatus.SUBMITTED)
            task = DossierTask.objects.get(dossier=at_appraisal, status__in=ACTIVE)
            deadlines.apology_issue(task=task, actor=w.bob, reason="Cần thêm thời gian")
            self._dossier(DossierStatus.AWAITING_DECISION)
            self._dossier(DossierStatus.DRAFT)
            returned, _a = self._dossier(DossierStatus.SUBMITTED)
            services.dossier_return(dossier=returned, actor=w.bob, reasons=["Bổ sung số liệu"])
            awaiting, _a = self._dossier(DossierStatus.AWAITING_DECISION)
            services.decision_sign(dossiers=[awaiting], actor=w.chris,
                                   outcomes={n.pk: True for n in awaiting.nominees.all()},
                                   number=f"{self.units}/QĐ-UBND", signed_on=BUILD_AT.date())
            provincial_campaign(province=w.province, appraising=w.stt, home_affairs=w.snv,
                                plan_number=f"{self.units}/KH-UBND", title="Đợt thêm",
                                period=(dt.date(2023, 1, 1), dt.date(2023, 11, 30)),
                                window=(dt.date(2023, 12, 1), dt.date(2023, 12, 31)))
        probe, actors = self._dossier(DossierStatus.SUBMITTED, individuals=probe_nominees)
        self.time_machine.move_to(LOOK_AT, tick=False)
        figures.refresh()     # the dashboard reads the summary the minute job keeps
        return probe, actors


def _pages(world, probe, actors):
    """(name, user or None, url) of each main page; user None: no login (the public register)."""
    return [
        ("inbox", world.bob, reverse("workflows:inbox")),
        ("dossier (unit)", actors.officer, reverse("dossiers:detail", args=[probe.pk])),
        ("dossier (appraiser)", world.bob, reverse("dossiers:detail", args=[probe.pk])),
        ("review", world.bob, reverse("workflows:review", args=[probe.pk])),
        ("decisions", world.chris, reverse("workflows:decisions")),
        ("dashboard", world.bob, reverse("workflows:dashboard")),
        ("dashboard (all campaigns)", world.bob, reverse("workflows:dashboard") + "?campaign=all"),
        ("dashboard (unit head)", world.sam, reverse("workflows:dashboard")),
        ("deadlines (appraiser)", world.bob, reverse("deadlines:overview")),
        ("deadlines (head)", world.sam, reverse("deadlines:overview")),
        ("criteria campaigns", world.bob, reverse("criteria:campaigns")),
        ("criteria report", world.bob, reverse("criteria:reports", args=[world.campaign.pk])),
        ("admin dossiers", world.admin, reverse("admin:dossiers_dossier_changelist")),
        ("public register", None, reverse("register:index")),
    ]


def _count(user, url) -> int:
    client = Client()
    if user is not None:
        client.force_login(user)
    assert client.get(url).status_code == 200, url       # warm: sessions, content types, translations
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    if os.environ.get("QUERY_COUNTS_SQL") and os.environ["QUERY_COUNTS_SQL"] in url:   # debugging: the SQL
        for q in queries.captured_queries:
            print("SQL", q["sql"][:300])
    return len(queries)


def test_every_main_page_issues_the_same_queries_on_more_data(world, time_machine):
    data = Data(world, time_machine)
    probe, actors = data.batch(size=1, probe_nominees=1)
    small = {name: _count(user, url) for name, user, url in _pages(world, probe, actors)}
    probe, actors = data.batch(size=3, probe_nominees=4)
    large = {name: _count(user, url) for name, user, url in _pages(world, probe, actors)}
    for name in small:   # `pytest -s` shows the table (issue 11's query table)
        print(f"queries {name}: {small[name]} -> {large[name]}")
    grown = {name: (small[name], large[name]) for name in small if small[name] != large[name]}
    assert not grown, f"queries grow with the data (small, larger): {grown}"
