"""One visibility: `selectors.visible_dossiers(user)` (SQL) gives exactly the dossiers for which
`rules.can_view_dossier(user, dossier)` holds, for every demo user and every demo dossier; and a
reviewer sees a dossier only once it has reached their step."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from dossiers.models import Dossier, DossierStatus, Step
from dossiers.rules import can_view_dossier, has_reached
from dossiers.selectors import visible_dossiers
from workflows import figures
from workflows import selectors as work_selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo", verbosity=0)


def test_the_queryset_is_the_predicate_over_every_demo_user_and_dossier(demo):
    dossiers = list(Dossier.objects.select_related("campaign", "award_form", "unit"))
    users = list(get_user_model().objects.all())
    assert len(dossiers) >= 10 and len(users) >= 7
    figures.refresh()
    for user in users:
        expected = {d.pk for d in dossiers if can_view_dossier(user, d)}
        assert set(visible_dossiers(user).values_list("pk", flat=True)) == expected, user.username
        # the dashboard's summary rows, filtered by the same condition, count the same set
        assert work_selectors.dashboard(user).total == len(expected), user.username


def test_reviewers_see_a_dossier_from_their_own_step(demo):
    User = get_user_model()
    appraiser, home_affairs, chairman = (User.objects.get(username=name) for name in
                                         ("thamdinh_tttt", "chuyenvien_noivu", "phochutich"))
    submitted = Dossier.objects.filter(status=DossierStatus.SUBMITTED).exclude(
        events__to_status__in=[DossierStatus.APPRAISED, DossierStatus.AWAITING_DECISION]).first()
    assert submitted is not None and not has_reached(submitted, Step.HOME_AFFAIRS)
    assert can_view_dossier(appraiser, submitted)
    assert not can_view_dossier(home_affairs, submitted) and not can_view_dossier(chairman, submitted)
    assert submitted not in visible_dossiers(home_affairs) and submitted not in visible_dossiers(chairman)
    decided = Dossier.objects.filter(status=DossierStatus.DECIDED, award_form__code="bang-khen").first() \
        or Dossier.objects.filter(status=DossierStatus.DECIDED).first()
    for user in (appraiser, home_affairs, chairman):
        if decided.award_form.step_rules.filter(step=Step.HOME_AFFAIRS).exists() or user != home_affairs:
            assert decided in visible_dossiers(user), user.username
    drafts = Dossier.objects.filter(status=DossierStatus.DRAFT)
    assert drafts.exists()
    for user in (appraiser, home_affairs, chairman):
        assert not visible_dossiers(user).filter(pk__in=drafts).exists()
