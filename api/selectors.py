"""Reads for the API: the dossiers a caller may list (the same rule as `dossiers.rules.can_view_dossier`,
as one query for paging), and a person's award history for the roles allowed to see it."""

from django.db.models import Q

from certificates.models import Certificate, Decision
from dossiers import selectors as dossier_selectors
from dossiers.models import Membership, Nominee, Outcome, Person, Role
from dossiers.rules import is_admin

# Who sees a person's whole award history (they check "one achievement, one award" across the province).
HISTORY_ROLES = {Role.APPRAISER, Role.HOME_AFFAIRS, Role.CHAIRMAN, Role.ADMIN}
def _units_with(user, roles) -> list[int]:
    return list(Membership.objects.filter(user=user, is_active=True, role__in=roles, unit__successor__isnull=True)
                .values_list("unit_id", flat=True))


def visible_dossiers(user):
    """Dossiers `user` may list: `dossiers.selectors.visible_dossiers`, the one rule the pages, counts and
    exports read too (delegations, acting-unit sources, reordered paths, consulted agencies), with what the
    list prints; tests/api/test_access.py compares it with `can_view_dossier`."""
    return dossier_selectors.visible_dossiers(user).select_related("campaign", "award_form", "unit")


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
