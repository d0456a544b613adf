"""Reads for the API: the dossiers a caller may list (the same rule as `dossiers.rules.can_view_dossier`,
as one query for paging), and a person's award history for the roles allowed to see it."""

from django.db.models import Exists, OuterRef, Q

from certificates.models import Certificate, Decision
from dossiers.models import (
    STEP_KINDS, ActingUnitSource, Dossier, DossierEvent, Membership, Nominee, Outcome, Person, Role, StepRule,
)
from dossiers.rules import is_admin, statuses_from
from dossiers.selectors import consulted_q

# Who sees a person's whole award history (they check "one achievement, one award" across the province).
HISTORY_ROLES = {Role.APPRAISER, Role.HOME_AFFAIRS, Role.CHAIRMAN, Role.ADMIN}
# Where a step's acting unit comes from when its StepRule names none (Dossier.step_config), as a lookup.
DEFAULT_ACTING_UNIT = {
    ActingUnitSource.DOSSIER_UNIT: "unit_id",
    ActingUnitSource.APPRAISING_UNIT: "campaign__appraising_unit_id",
    ActingUnitSource.HOME_AFFAIRS_UNIT: "campaign__home_affairs_unit_id",
    ActingUnitSource.DECIDING_UNIT: "award_form__deciding_unit_id",
}


def _units_with(user, roles) -> list[int]:
    return list(Membership.objects.filter(user=user, is_active=True, role__in=roles, unit__successor__isnull=True)
                .values_list("unit_id", flat=True))


def visible_dossiers(user):
    """Dossiers `user` may see, as one query for filters and paging: the unit's own (officer, head);
    those that reached a reviewer step the user acts at (the StepRule's acting unit, or the step
    kind's default), from that step on; all for an administrator. Mirrors
    `dossiers.rules.can_view_dossier` (is_unit_member | is_reviewer | is_admin); the detail views use
    that predicate itself, and tests/api/test_access.py compares the two."""
    base = Dossier.objects.select_related("campaign", "award_form", "unit")
    if not user or not user.is_authenticated:
        return base.none()
    if is_admin(user):
        return base.all()
    q = Q(unit_id__in=_units_with(user, [Role.UNIT_OFFICER, Role.UNIT_HEAD]))
    for step, kind in STEP_KINDS.items():
        if kind.is_unit_work:
            continue
        units = _units_with(user, [kind.role])
        if not units:
            continue
        rules = StepRule.objects.filter(award_form=OuterRef("award_form"), step=step)
        on_path = Q(pk__isnull=False) if kind.always_on_path else Exists(rules)
        by_rule = Exists(rules.filter(acting_unit_id__in=units))
        by_default = (on_path & ~Exists(rules.filter(acting_unit__isnull=False))
                      & Q(**{f"{DEFAULT_ACTING_UNIT[kind.acting_unit]}__in": units}))
        reached = statuses_from(step)
        has_reached = Q(status__in=reached) | Exists(
            DossierEvent.objects.filter(dossier=OuterRef("pk"), to_status__in=reached))
        q |= Q(submitted_at__isnull=False) & (by_rule | by_default) & has_reached
    q |= consulted_q(list(Membership.objects.filter(user=user, is_active=True, unit__successor__isnull=True)
                          .values_list("unit_id", "role")))
    return base.filter(q)


def may_see_history(user, person: Person) -> bool:
    """Reviewers, signers and administrators see anyone's history; a unit sees the history of people
    it (or a unit it absorbed) proposed, never a stranger's: a CCCD is not a way to look people up."""
    if not user or not user.is_authenticated:
        return False
    if is_admin(user) or _units_with(user, HISTORY_ROLES):
        return True
    lineage = set()
    for membership in Membership.objects.filter(user=user, is_active=True, unit__successor__isnull=True,
                                                role__in=[Role.UNIT_OFFICER, Role.UNIT_HEAD]).select_related("unit"):
        lineage |= membership.unit.lineage_ids()
    return person.nominations.filter(dossier__unit_id__in=lineage).exists()


def person_history(person: Person) -> list[dict]:
    """Every award of the person with its decision and certificate (the API's and the page's rows)."""
    from django.urls import reverse

    rows = []
    for certificate in person_awards(person):
        decision = certificate.decision
        rows.append({
            "decision_number": decision.number, "decision_date": decision.signed_on,
            "decision_id": decision.pk, "certificate_id": certificate.pk,
            "award_form": decision.award_form.name, "campaign": str(decision.award_form.campaign),
            "unit": certificate.nominee.dossier.unit.name, "outcome": certificate.nominee.outcome,
            "register_code": certificate.register_code,
            "revoked": certificate.revoked_at is not None or decision.is_revoked,
            "verify_path": reverse("certificates:verify", args=[certificate.token]),
            "issuer": decision.issuing_unit.name, "central": False,
        })
    rows += central_awards(person)
    rows.sort(key=lambda row: row["decision_date"], reverse=True)
    return rows


def central_awards(person: Person) -> list[dict]:
    """Awards of the central level (Bằng khen của Thủ tướng, Huân chương…) recorded by the province from
    the central decision: no certificate is printed in the province, so no register code nor
    verification link."""
    rows = []
    nominees = (Nominee.objects.filter(person=person, outcome=Outcome.AWARDED, dossier__central_decision__isnull=False)
                .select_related("dossier__central_decision", "dossier__award_form__campaign", "dossier__unit"))
    for nominee in nominees:
        decision = nominee.dossier.central_decision
        rows.append({
            "decision_number": decision.number, "decision_date": decision.signed_on, "decision_id": None,
            "certificate_id": None, "award_form": nominee.dossier.award_form.name,
            "campaign": str(nominee.dossier.award_form.campaign), "unit": nominee.dossier.unit.name,
            "outcome": nominee.outcome, "register_code": "", "revoked": False, "verify_path": "",
            "issuer": decision.issuer, "central": True,
        })
    return rows


def person_awards(person: Person) -> list[Certificate]:
    """Every award of the person: certificates of issued (or revoked) decisions, newest first."""
    return list(Certificate.objects.filter(nominee__person=person)
                .select_related("decision__award_form__campaign", "nominee__dossier__unit", "decision__issuing_unit")
                .order_by("-decision__signed_on", "-pk"))


def visible_decisions(user):
    """Decisions as the pages show them (`certificates.selectors.can_view_decision`: the issuing
    unit, the campaign's appraising unit and Sở Nội vụ, administrators), and also to a unit the
    decisions that award its own nominees (its HR system records them)."""
    decisions = Decision.objects.select_related("award_form__campaign", "issuing_unit")
    if not user or not user.is_authenticated:
        return decisions.none()
    if is_admin(user):
        return decisions.all()
    units = _units_with(user, list(Role.values))
    own = _units_with(user, [Role.UNIT_OFFICER, Role.UNIT_HEAD])
    return decisions.filter(
        Q(issuing_unit_id__in=units) | Q(award_form__campaign__appraising_unit_id__in=units)
        | Q(award_form__campaign__home_affairs_unit_id__in=units)
        | Q(pk__in=Certificate.objects.filter(nominee__dossier__unit_id__in=own).values("decision_id")))
