"""Statements per path move on PostgreSQL (issue 11.3): a count, never a timing. The service's own
transaction is a savepoint inside the test's, so its SAVEPOINT and RELEASE stand where BEGIN and COMMIT
stand in production (bench/bench_path.py counts the same way)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers.audit import event_content, link
from dossiers.models import DossierEvent, DossierStatus
from dossiers.rules import AuthorityMiddleware
from workflows import services
from workflows.flows import ACTIVE
from workflows.models import DossierTask
from workflows.walk import Actors, add_nominees, walk

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="statement counts are PostgreSQL's")]

APPROVE_STEP_STATEMENTS = 7      # BEGIN/COMMIT included; 17 before issue 11.3, 11 after its first slice


def in_request(call):
    """Run `call` as a request would: the actor's roles cached for its duration (AuthorityMiddleware)."""
    return AuthorityMiddleware(lambda request: call())(None)


@pytest.fixture
def submitted(world, in_window):
    dossier = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit,
                                      actor=world.alice)
    add_nominees(dossier, world.alice, collectives=[world.unit])
    actors = Actors(officer=world.alice, head=world.henry, appraiser=world.bob, home_affairs=world.nora,
                    chairman=world.chris)
    return walk(dossier, actors, until=DossierStatus.SUBMITTED)


def test_one_approve_step_sends_at_most_the_counted_statements(world, submitted):
    with CaptureQueriesContext(connection) as queries:
        dossier = in_request(lambda: services.dossier_approve_step(dossier=submitted, actor=world.bob))
    statements = [q["sql"] for q in queries.captured_queries]
    assert dossier.status == DossierStatus.APPRAISED
    assert len(statements) <= APPROVE_STEP_STATEMENTS, "\n".join(s[:150] for s in statements)
    # the move is whole: one open task, for the next step, after the completed one
    (task,) = DossierTask.objects.filter(dossier=dossier, status__in=ACTIVE)
    assert task.step == dossier.current_step and task.due_at is not None
    assert list(task.previous.values_list("step", flat=True)) == ["appraisal"]


def test_the_event_inserted_in_one_statement_verifies(world, submitted):
    """The chain link computed by PostgreSQL is the one `link` computes (Vietnamese comment, nested data)."""
    services.dossier_approve_step(dossier=submitted, actor=world.bob, comment="Đồng ý — chuyển Sở Nội vụ “ngay”")
    last, before = DossierEvent.objects.filter(dossier=submitted).order_by("-seq")[:2]
    assert last.seq == before.seq + 1 and last.prev_hash == before.hash
    assert last.hash == link(last.prev_hash, event_content(lambda name: getattr(last, name)))
