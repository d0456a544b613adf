"""A panel that fails says so on the page (issue 17.4), instead of silently leaving it out."""

import pytest
from django.urls import reverse

from dossiers.models import DossierStatus
from workflows.views import reviewing

from .test_work_pages import make_dossier

pytestmark = pytest.mark.django_db


def test_a_failing_criteria_panel_is_reported_on_the_review_page(world, in_window, client_for, monkeypatch, caplog):
    dossier = make_dossier(world, until=DossierStatus.SUBMITTED)
    real = reviewing.render_to_string

    def broken(template, *args, **kwargs):
        if template == "criteria/_evaluation.html":
            raise ZeroDivisionError("division by zero")
        return real(template, *args, **kwargs)

    monkeypatch.setattr(reviewing, "render_to_string", broken)
    page = client_for(world.bob).get(reverse("workflows:review", args=[dossier.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="criteria-unavailable"' in html and "Không hiển thị được phần đánh giá tiêu chí" in html
    assert "criteria panel failed for dossier" in caplog.text
