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
    # issue 12's kinds are among them: waiting on consultation answers, at the provincial council, awaiting
    # the central decision, decided by the central level, and a decision by the unit's own head
    statuses = {(d.campaign.rulebook.split("@")[0], d.status) for d in dossiers}
    assert {("lang-son-de-nghi-cap-tren-2025", DossierStatus.IN_CONSULTATION),
            ("lang-son-de-nghi-cap-tren-2025", DossierStatus.AWAITING_CENTRAL),
            ("lang-son-de-nghi-cap-tren-2025", DossierStatus.DECIDED),
            ("lang-son-thuong-xuyen-2025", DossierStatus.AT_PROVINCE_COUNCIL)} <= statuses
    assert any(r.acting_unit_source for d in dossiers for r in d.award_form.step_rules.all())
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


# --- beyond the demo: a path in another order, a step acting at the proposing unit ------------------------
def _form(world, steps, code):
    """An award form with `steps` [(Step, acting_unit_source)] in that order (positions 1..n)."""
    from dossiers.models import AwardForm, DocumentRequirement, StepRule

    form = AwardForm.objects.create(campaign=world.campaign, code=code, name=f"Hình thức {code}",
                                    deciding_unit=world.province, signer_office="CHỦ TỊCH UBND TỈNH")
    for position, (step, source) in enumerate(steps, start=1):
        StepRule.objects.create(award_form=form, step=step, lead_days=5, position=position, acting_unit_source=source)
    for requirement in world.form.requirements.all():
        if requirement.step in dict(steps):
            DocumentRequirement.objects.create(award_form=form, step=requirement.step,
                                               document_type=requirement.document_type, scope=requirement.scope)
    return form


UNIT_STEPS = [(Step.PROPOSAL, ""), (Step.COUNCIL, ""), (Step.REPORTS, ""), (Step.SUBMISSION, "")]


def _agree(users, dossiers):
    for user in users:
        expected = {d.pk for d in dossiers if can_view_dossier(user, d)}
        seen = set(visible_dossiers(user).filter(pk__in=[d.pk for d in dossiers]).values_list("pk", flat=True))
        assert seen == expected, user.username


def test_the_queryset_follows_the_configured_order_and_the_acting_unit_source(world, in_window):
    """Sở Nội vụ before the appraisal (not the kinds' canonical order): the appraiser sees the dossier only
    once it reaches the appraisal. A decision made at the proposing unit (`acting_unit_source`
    dossier_unit, the kind's role): the province's Chủ tịch never sees it, the unit's own Chủ tịch does,
    from the decision on."""
    from dossiers.models import ActingUnitSource, Role
    from workflows import services
    from workflows.walk import Actors, add_nominees, walk

    own_chair = world.user("dung", world.unit, Role.CHAIRMAN, title="Giám đốc")
    reordered = _form(world, UNIT_STEPS + [(Step.HOME_AFFAIRS, ""), (Step.APPRAISAL, ""), (Step.DECISION, "")],
                      "dao-thu-tu")
    own = _form(world, UNIT_STEPS + [(Step.HOME_AFFAIRS, ""), (Step.DECISION, ActingUnitSource.DOSSIER_UNIT)],
                "tai-don-vi")
    actors = Actors(officer=world.alice, head=world.henry, appraiser=world.bob, home_affairs=world.nora,
                    chairman=own_chair)
    users = [world.alice, world.henry, world.bob, world.nora, world.chris, own_chair, world.charlie]
    dossiers = []
    people = [{"full_name": "Nguyễn Văn An", "citizen_id": "020190001234", "position": "Chuyên viên"},
              {"full_name": "Trần Thị Bình", "citizen_id": "020191005678", "position": "Chuyên viên"}]
    for form, person in zip((reordered, own), people):
        dossier = services.dossier_create(campaign=world.campaign, award_form=form, unit=world.unit,
                                          actor=world.alice)
        add_nominees(dossier, world.alice, individuals=[person])
        dossiers.append(walk(dossier, actors, until=DossierStatus.REPORTS_COMPLETE))
    first, second = (walk(d, actors, until=DossierStatus.APPRAISED) for d in dossiers)  # both at Sở Nội vụ
    assert first.path()[4:] == [Step.HOME_AFFAIRS, Step.APPRAISAL, Step.DECISION]
    assert not can_view_dossier(world.bob, first) and first not in visible_dossiers(world.bob)
    _agree(users, [first, second])
    first = walk(first, actors, until=DossierStatus.SUBMITTED)     # now at the appraisal, after Sở Nội vụ
    assert first in visible_dossiers(world.bob)
    second = walk(second, actors, until=DossierStatus.AWAITING_DECISION)
    assert second.step_config(Step.DECISION).acting_unit_id == world.unit.pk
    assert second not in visible_dossiers(world.chris) and not can_view_dossier(world.chris, second)
    assert second in visible_dossiers(own_chair)
    _agree(users, [first, second])
    second = walk(second, actors)                                  # decided by the unit's own Chủ tịch
    assert second.status == DossierStatus.DECIDED
    _agree(users, [first, second])
