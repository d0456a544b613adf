"""Helpers for the deadline tests."""

import datetime as dt

from django.test import TestCase

from dossiers.models import Step, StepRule
from workflows import services
from workflows.flows import ACTIVE
from workflows.models import DossierTask
from workflows.walk import Actors, add_nominees

VN = dt.timezone(dt.timedelta(hours=7))


def at(*args) -> dt.datetime:
    """A local (Asia/Ho_Chi_Minh) moment."""
    return dt.datetime(*args, tzinfo=VN)


def actors(world) -> Actors:
    return Actors(officer=world.alice, head=world.henry, appraiser=world.bob, home_affairs=world.nora,
                  chairman=world.chris)


def set_lead(world, step: Step, days: int) -> None:
    StepRule.objects.filter(award_form=world.form, step=step).update(lead_days=days)


def submitted_dossier(world, time_machine, when: dt.datetime):
    """A dossier prepared on 05/12/2023 and submitted at `when` (inside the window 04–06/12/2023)."""
    time_machine.move_to(at(2023, 12, 5, 8, 0), tick=False)
    dossier = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit,
                                      actor=world.alice)
    add_nominees(dossier, world.alice, collectives=[world.unit])
    from workflows.walk import prepare

    dossier = prepare(dossier, actors(world))
    time_machine.move_to(when, tick=False)
    return services.dossier_submit(dossier=dossier, actor=world.henry)


def open_task(dossier) -> DossierTask:
    return DossierTask.objects.get(dossier=dossier, status__in=ACTIVE)



def committed(fn, *args, **kwargs):
    """Run `fn` and then its on-commit callbacks (queued jobs, mail), as a real commit would."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return fn(*args, **kwargs)
