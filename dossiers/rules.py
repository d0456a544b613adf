"""Who may do what to which dossier: role at the acting unit (django-rules predicates)."""

import rules

from .models import STATUS_AT_STEP, Dossier, DossierEvent, DossierStatus, Membership, Role, Step, kind_of


def roles_at(user, unit_id) -> set[str]:
    """The active roles of `user` at a unit that can still act (merged units cannot)."""
    if not user or not user.is_authenticated or unit_id is None:
        return set()
    # Not cached on the user object: a merger or a revoked role must take effect at once.
    return set(
        Membership.objects.filter(user=user, unit_id=unit_id, is_active=True,
                                  unit__successor__isnull=True).values_list("role", flat=True)
    )


def can_act(user, dossier: Dossier, step: Step) -> bool:
    """`user` holds the step's role at the unit that acts at that step for this dossier."""
    config = dossier.step_config(step)
    return config.role in roles_at(user, config.acting_unit_id)


@rules.predicate
def is_unit_member(user, dossier):
    return bool(roles_at(user, dossier.unit_id) & {Role.UNIT_OFFICER, Role.UNIT_HEAD})


def statuses_from(step: Step) -> list[str]:
    """The statuses a dossier has held once it has reached `step`: the step's own and every later one
    in the kinds' canonical order (for queries over many dossiers; one dossier: `Dossier.statuses_from`,
    which follows its configured order)."""
    steps = list(Step)
    return [STATUS_AT_STEP[s] for s in steps[steps.index(step):]] + [DossierStatus.DECIDED]


def has_reached(dossier: Dossier, step: Step) -> bool:
    """The dossier is at `step` or has been at it or past it on its configured path (read from its
    event log: a dossier returned, withdrawn or rejected after reaching a step has reached it)."""
    reached = dossier.statuses_from(step) if step in dossier.path() else statuses_from(step)
    if dossier.status in reached:
        return True
    return DossierEvent.objects.filter(dossier=dossier, to_status__in=reached).exists()


@rules.predicate
def is_reviewer(user, dossier):
    """Reviewers see a dossier once it has reached them: the appraiser from the appraisal step,
    Sở Nội vụ from its check, the signer from the decision; never a unit's draft."""
    if dossier.submitted_at is None:
        return False
    return any(can_act(user, dossier, step) and has_reached(dossier, step)
               for step in dossier.path() if not kind_of(step).is_unit_work)


@rules.predicate
def is_consulted(user, dossier):
    """A consulted agency's people (the consultation step's role at that agency) see the dossier once
    it has reached the consultation: they give their opinion on it."""
    if dossier.submitted_at is None:
        return False
    for step in dossier.path():
        if kind_of(step).is_consultation:
            config = dossier.step_config(step)
            if any(config.role in roles_at(user, unit_id) for unit_id, _days in config.consulted) \
                    and has_reached(dossier, step):
                return True
    return False


@rules.predicate
def is_admin(user):
    return bool(user and user.is_authenticated and (user.is_superuser or
                Membership.objects.filter(user=user, role=Role.ADMIN, is_active=True).exists()))


can_view_dossier = is_unit_member | is_reviewer | is_consulted | is_admin
rules.add_perm("dossiers.view_dossier", can_view_dossier)
rules.add_perm("dossiers.edit_dossier", is_unit_member)
