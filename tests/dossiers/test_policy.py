"""One policy (issue 17): dossiers.policy answers "may this user do X now" for the services' guard and
the page alike. Pinned over the path: what the page offers each person is exactly what the services
then accept, and templates read it from `actions` (no status strings)."""

import pytest
from django.test import Client
from django.urls import reverse

from dossiers.errors import DossierError, InvalidState, NotPermitted
from dossiers.models import DossierStatus, Step, kind_of
from dossiers.policy import Action, actions_for, may, permitted, possible
from workflows import services
from workflows.walk import Actors, add_nominees, walk


def actors(world):
    return Actors(officer=world.alice, head=world.henry, appraiser=world.bob, home_affairs=world.nora,
                  chairman=world.chris)


def dossier_at(world, status):
    dossier = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit,
                                      actor=world.alice)
    add_nominees(dossier, world.alice, collectives=[world.unit])
    return walk(dossier, actors(world), until=status)


EXPECTED = {  # status → {action: the people who may} (everyone else may not)
    DossierStatus.DRAFT: {"prepare": {"alice"}, "edit_nominees": {"alice", "henry"}, "withdraw": {"henry"}},
    DossierStatus.REPORTS_COMPLETE: {"submit": {"henry"}, "withdraw": {"henry"}},
    DossierStatus.SUBMITTED: {"review": {"bob"}, "return_": {"bob"}, "reject": {"bob"}, "withdraw": {"henry"}},
    DossierStatus.APPRAISED: {"review": {"nora"}, "return_": {"nora"}, "reject": {"nora"}, "withdraw": {"henry"}},
    DossierStatus.AWAITING_DECISION: {"decide": {"chris"}, "return_": {"chris"}, "reject": {"chris"},
                                      "withdraw": {"henry"}},
    DossierStatus.DECIDED: {"rate": {"alice", "henry"}},
}
PEOPLE = ("alice", "henry", "bob", "nora", "chris", "charlie")
ACTIONS = ("prepare", "edit_nominees", "submit", "resubmit", "withdraw", "review", "return_", "reject", "decide",
           "rate")


@pytest.mark.parametrize("status", list(EXPECTED))
def test_who_may_do_what_at_each_step(world, in_window, status):
    dossier = dossier_at(world, status)
    for name in PEOPLE:
        actions = actions_for(getattr(world, name), dossier)
        for action in ACTIONS:
            assert getattr(actions, action) is (name in EXPECTED[status].get(action, set())), (status, name, action)


def test_a_returned_dossier_may_be_resubmitted_by_its_unit_only(world, in_window):
    dossier = dossier_at(world, DossierStatus.SUBMITTED)
    services.dossier_return(dossier=dossier, actor=world.bob, reasons=["Thiếu chữ ký."])
    dossier.refresh_from_db()
    assert dossier.current_kind is None and dossier.resumes_at == Step.APPRAISAL
    assert [n for n in PEOPLE if actions_for(getattr(world, n), dossier).resubmit] == ["alice", "henry"]
    assert not possible(dossier, Action.REVIEW) and not may(world.bob, dossier, Action.RETURN)


def test_the_services_refuse_what_the_policy_refuses_and_say_which_refusal(world, in_window):
    dossier = dossier_at(world, DossierStatus.SUBMITTED)
    # not for you: another unit's reviewer role is not the appraising unit's
    assert possible(dossier, Action.REVIEW) and not permitted(world.nora, dossier, Action.REVIEW)
    with pytest.raises(NotPermitted):
        services.dossier_approve_step(dossier=dossier, actor=world.nora)
    # not now: the decision is not the step in progress
    assert permitted(world.chris, dossier, Action.SUBMIT) is False
    with pytest.raises(DossierError):
        services.dossier_decide(dossier=dossier, actor=world.chris, outcomes={})
    with pytest.raises(InvalidState):
        services.dossier_resubmit(dossier=dossier, actor=world.alice)
    # what the policy allows, the service does
    assert may(world.bob, dossier, Action.REVIEW)
    assert services.dossier_approve_step(dossier=dossier, actor=world.bob).status == DossierStatus.APPRAISED


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_offers_what_the_policy_allows(world, in_window):
    dossier = dossier_at(world, DossierStatus.REPORTS_COMPLETE)
    page = client_for(world.henry).get(reverse("dossiers:detail", args=[dossier.pk]))
    assert page.context["actions"].submit and 'id="btn-submit"' in page.content.decode()
    page = client_for(world.alice).get(reverse("dossiers:detail", args=[dossier.pk]))
    assert not page.context["actions"].submit and page.context["actions"].awaits_head
    assert 'id="btn-submit"' not in page.content.decode()


def test_step_capabilities_replace_the_step_groupings():
    assert [s for s in Step if kind_of(s).is_preparation] == [Step.PROPOSAL, Step.COUNCIL, Step.REPORTS]
    # issue 12: the council vote, the tờ trình upward and the central decision start as review steps
    assert [s for s in Step if kind_of(s).is_review] == [Step.APPRAISAL, Step.HOME_AFFAIRS, Step.PROVINCE_COUNCIL,
                                                         Step.UPWARD, Step.CENTRAL_DECISION]
    assert [s for s in Step if kind_of(s).is_consultation] == [Step.CONSULTATION]
    assert [s for s in Step if kind_of(s).is_posting] == [Step.POSTING]
    assert [s for s in Step if kind_of(s).concludes] == [Step.DECISION, Step.CENTRAL_DECISION]
    assert [s for s in Step if kind_of(s).owes_apology] == [
        Step.APPRAISAL, Step.HOME_AFFAIRS, Step.CONSULTATION, Step.POSTING, Step.PROVINCE_COUNCIL, Step.DECISION,
        Step.UPWARD, Step.CENTRAL_DECISION]
    assert [s for s in Step if kind_of(s).always_on_path] == [Step.PROPOSAL, Step.SUBMISSION, Step.DECISION]
