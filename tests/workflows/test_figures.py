"""The dashboard's summary (workflows.figures, issue 11 item 2): after real transitions (submit,
return, late resubmission, approve, decide, rate, a step left overdue) the dashboard read from the
summary equals the figures recomputed directly from the dossiers and tasks, for every role and per
campaign; the page says when the figures were computed, or that they never were."""

import dataclasses
import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.urls import reverse
from viewflow.workflow.status import STATUS

from dossiers import lateness
from dossiers.models import DossierStatus, ReturnRequest, Role, ServiceRating, Step, Unit, step_label
from dossiers.selectors import visible_dossiers
from dossiers.services import dossier_rate, return_reply
from tests.web.conftest import client_for  # noqa: F401
from workflows import figures, selectors, services
from workflows.flows import ACTIVE
from workflows.models import REVISION, DashboardFigure, DossierTask
from workflows.walk import Actors, add_nominees, walk

pytestmark = pytest.mark.django_db
HCM = dt.timezone(dt.timedelta(hours=7))


def recompute(user, *, campaign=None, now) -> selectors.Dashboard:
    """The dashboard as it was computed before the summary: aggregates over the visible dossiers'
    tasks, returns and ratings, at request time."""
    dossiers = visible_dossiers(user)
    if campaign is not None:
        dossiers = dossiers.filter(campaign=campaign)
    counts = dict(dossiers.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    tasks = DossierTask.objects.filter(dossier__in=dossiers, flow_task_type="HUMAN")
    open_tasks = tasks.filter(status__in=ACTIVE)
    timing = tasks.filter(due_at__isnull=False).aggregate(
        n=Count("pk", filter=Q(status=STATUS.DONE, finished__isnull=False)),
        on_time=Count("pk", filter=lateness.on_time_q()), judged=Count("pk", filter=lateness.judged_q(now)))
    duration = ExpressionWrapper(F("finished") - F("created"), output_field=DurationField())
    per_step = {row["step"]: row for row in tasks.filter(status=STATUS.DONE, finished__isnull=False)
                .values("step").annotate(n=Count("pk"), avg=Avg(duration)).order_by()}
    resubmitted = ReturnRequest.objects.filter(dossier__in=dossiers, resolved_at__isnull=False).aggregate(
        n=Count("pk"), late=Count("pk", filter=Q(late=True)))
    ratings = ServiceRating.objects.filter(dossier__in=dossiers)
    stats = ratings.aggregate(n=Count("pk"), avg=Avg("score"), happy=Count("pk", filter=Q(score__gte=4)))
    histogram = dict(ratings.values_list("score").annotate(n=Count("pk")).values_list("score", "n"))
    return selectors.Dashboard(
        by_status=[(v, label, counts.get(v, 0)) for v, label in DossierStatus.choices], total=sum(counts.values()),
        open_tasks=open_tasks.count(),
        due_soon=open_tasks.filter(due_at__gte=now, due_at__lte=now + selectors.DUE_SOON).count(),
        overdue=open_tasks.filter(lateness.overdue_q(now)).count(),
        on_time_rate=lateness.on_time_rate(timing["on_time"], timing["judged"]), finished_tasks=timing["n"],
        step_days=[(step_label(s), per_step[s]["avg"].total_seconds() / 86400, per_step[s]["n"])
                   for s in [s.value for s in Step] + [REVISION] if s in per_step],
        rating_count=stats["n"], satisfaction_rate=(100.0 * stats["happy"] / stats["n"]) if stats["n"] else None,
        rating_average=stats["avg"], rating_histogram=[(s, histogram.get(s, 0)) for s in range(5, 0, -1)],
        resubmissions=resubmitted["n"], late_resubmissions=resubmitted["late"])


def assert_same(summary: selectors.Dashboard, direct: selectors.Dashboard, who: str):
    for field in dataclasses.fields(selectors.Dashboard):
        if field.name == "refreshed_at":
            continue
        got, want = getattr(summary, field.name), getattr(direct, field.name)
        if field.name == "step_days":
            assert [(str(label), n) for label, _d, n in got] == [(str(label), n) for label, _d, n in want], who
            assert [d for _l, d, _n in got] == pytest.approx([d for _l, d, _n in want]), who
        elif isinstance(want, float):
            assert got == pytest.approx(want), (who, field.name)
        else:
            assert got == want, (who, field.name)


@pytest.fixture
def people(world):
    admin = get_user_model().objects.create_superuser("root", password="pw")
    return [world.alice, world.henry, world.bob, world.nora, world.chris, world.charlie, admin]


def check_all(world, people, now):
    """Refresh at `now`, then each user's dashboard equals the direct figures, for all campaigns and
    for the world's campaign."""
    figures.refresh(now)
    for user in people:
        for campaign in (None, world.campaign):
            assert_same(selectors.dashboard(user, campaign=campaign),
                        recompute(user, campaign=campaign, now=now), f"{user.username} {campaign}")


def test_summary_equals_a_direct_recomputation_after_real_transitions(world, people, time_machine):
    acts = Actors(officer=world.alice, head=world.henry, appraiser=world.bob, home_affairs=world.nora,
                  chairman=world.chris)

    units = iter(range(1, 10))

    def new(until, mine=False):
        unit, officer, head = world.unit, world.alice, world.henry
        if not mine:
            n = next(units)
            unit = Unit.objects.create(name=f"Đơn vị {n}", level=world.unit.level, parent=world.unit.parent)
            officer, head = world.user(f"canbo{n}", unit, Role.UNIT_OFFICER), world.user(f"ld{n}", unit, Role.UNIT_HEAD)
        dossier = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=unit, actor=officer)
        add_nominees(dossier, officer, collectives=[unit])
        dossier = walk(dossier, dataclasses.replace(acts, officer=officer, head=head), until=until)
        return dossier, officer

    def at(*args):
        moment = dt.datetime(*args, tzinfo=HCM)
        time_machine.move_to(moment, tick=False)
        return moment

    at(2023, 12, 5, 9, 0)
    returned, _o = new(DossierStatus.SUBMITTED, mine=True)
    new(DossierStatus.DRAFT)
    decided, officer = new(DossierStatus.DECIDED)
    dossier_rate(dossier=decided, actor=officer, score=4)
    new(DossierStatus.SUBMITTED)
    now = at(2023, 12, 5, 10, 0)
    services.dossier_return(dossier=returned, actor=world.bob, reasons=[
        {"text": "Biên bản thiếu chữ ký thư ký", "document_type": "bien-ban-hop-xet"}, "Bổ sung ý kiến của Đảng ủy"])
    check_all(world, people, now)      # the returned dossier stays in the appraiser's figures (its history)
    bob = selectors.dashboard(world.bob)
    assert dict((v, n) for v, _l, n in bob.by_status)[DossierStatus.RETURNED] == 1

    returned.refresh_from_db()
    return_reply(dossier=returned, actor=world.alice, replies={0: "Biên bản đã có chữ ký ở trang 3.",
                                                                1: "Đã có ý kiến, xem trang 2."})
    now = at(2023, 12, 14, 9, 0)       # past the supplement deadline: a late resubmission
    returned = services.dossier_resubmit(dossier=returned, actor=world.alice)
    check_all(world, people, now)
    assert (selectors.dashboard(world.bob).resubmissions, selectors.dashboard(world.bob).late_resubmissions) == (1, 1)

    now = at(2023, 12, 15, 9, 0)
    services.dossier_approve_step(dossier=returned, actor=world.bob, comment="Đạt")
    check_all(world, people, now)

    now = at(2024, 2, 1, 9, 0)         # every open review step is overdue by now
    check_all(world, people, now)
    stats = selectors.dashboard(world.bob)
    assert stats.overdue >= 2 and stats.rating_count == 1 and stats.satisfaction_rate == 100.0
    # the summary is small: one dossier row and a few step rows per key, not one per dossier or task
    assert DashboardFigure.objects.count() < DossierTask.objects.count()


def test_the_page_says_when_the_figures_were_computed(world, in_window, client_for):
    page = client_for(world.bob).get(reverse("workflows:dashboard")).content.decode()
    assert 'id="figures-refreshed"' in page and "chưa được tổng hợp" in page     # never refreshed: said so
    figures.refresh(dt.datetime(2023, 12, 5, 8, 42, tzinfo=HCM))
    page = client_for(world.bob).get(reverse("workflows:dashboard")).content.decode()
    assert "Số liệu cập nhật lúc 08:42 05/12/2023" in page and "chưa được tổng hợp" not in page


def test_the_page_defaults_to_the_current_campaign_and_offers_all(world, in_window, client_for):
    figures.refresh()
    client = client_for(world.bob)
    assert client.get(reverse("workflows:dashboard")).context["campaign"] == world.campaign
    assert client.get(reverse("workflows:dashboard"), {"campaign": "all"}).context["campaign"] is None


def test_the_periodic_job_refreshes(world, in_window):
    from workflows.tasks import dashboard_refresh

    assert figures.last_refresh() is None
    dashboard_refresh.call_local()
    assert figures.last_refresh() is not None
