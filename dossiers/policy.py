"""May this user do X to this dossier now? One answer per action, used alike by the path services'
guard, the dossier page, the templates (`dossier.actions_for(user)` / the `actions` context) and
the API. Two questions kept apart (wagtail mixes them; we don't):

- permitted: may this user do it at all — a role at the unit that acts (`dossiers.rules`);
- possible: may anyone do it now — the FSM's `can_proceed` and the current step's capabilities.

Nothing here compares a status or a step: the state is asked of the FSM and of the step's kind."""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _
from django_fsm import can_proceed

from .errors import InvalidState, NotPermitted
from .models import Dossier, Role, kind_of
from .rules import can_act, can_view_dossier, has_role, is_unit_member, roles_at, why_refused


class Action(StrEnum):
    VIEW = "view"
    EDIT = "edit"  # documents and the council result
    EDIT_NOMINEES = "edit_nominees"
    PREPARE = "prepare"  # complete the unit's preparation step in progress
    SUBMIT = "submit"  # the unit head signs and sends
    RESUBMIT = "resubmit"  # send back a returned dossier
    WITHDRAW = "withdraw"
    REVIEW = "review"  # approve the review step in progress
    RETURN = "return"  # send back to the unit for changes
    REJECT = "reject"  # rule out
    DECIDE = "decide"
    RATE = "rate"  # the unit rates the service once there is a result
    EDIT_REPORTS = "edit_reports"  # the free text of the achievement reports (before they are done)
    JUDGE_CRITERIA = "judge_criteria"  # re-evaluate, assess, override the criteria at the step judging them
    COUNCIL_VOTE = "council_vote"  # record the provincial council's meeting and votes
    SEND_UPWARD = "send_upward"  # sign the tờ trình to the central level
    RECORD_CENTRAL = "record_central"  # record the central decision


# Actions whose actor is the role of the step in progress: without a step, there is nobody to ask.
_AT_CURRENT_STEP = {Action.PREPARE, Action.REVIEW, Action.RETURN, Action.REJECT, Action.DECIDE,
                    Action.COUNCIL_VOTE, Action.SEND_UPWARD, Action.RECORD_CENTRAL}


def _current_kind_has(dossier: Dossier, capability: str) -> bool:
    kind = dossier.current_kind
    return bool(kind and getattr(kind, capability))


def possible(dossier: Dossier, action: Action) -> bool:
    """Whether the dossier's state allows `action` now, whoever asks."""
    match action:
        case Action.VIEW:
            return True
        case Action.EDIT:
            return dossier.unit_may_edit
        case Action.EDIT_NOMINEES:
            return dossier.unit_may_edit_nominees
        case Action.PREPARE:
            return (_current_kind_has(dossier, "is_preparation")
                    and can_proceed(dossier.transition_for(dossier.current_step), check_conditions=False))
        case Action.SUBMIT:
            return _current_kind_has(dossier, "is_submission") and can_proceed(dossier.submit, check_conditions=False)
        case Action.RESUBMIT:
            return can_proceed(dossier.resubmit, check_conditions=False)
        case Action.WITHDRAW:
            return can_proceed(dossier.withdraw, check_conditions=False)
        case Action.REVIEW:
            return (_current_kind_has(dossier, "is_review")
                    and can_proceed(dossier.transition_for(dossier.current_step), check_conditions=False))
        case Action.RETURN:
            return _current_kind_has(dossier, "may_return") and can_proceed(dossier.return_for_changes)
        case Action.REJECT:
            return _current_kind_has(dossier, "may_return") and can_proceed(dossier.reject)
        case Action.DECIDE:
            return _current_kind_has(dossier, "is_decision") and can_proceed(dossier.decide)
        case Action.RATE:
            return dossier.has_result
        case Action.EDIT_REPORTS:
            return dossier.unit_may_edit_reports
        case Action.JUDGE_CRITERIA:
            return _current_kind_has(dossier, "judges_criteria")
        case Action.COUNCIL_VOTE:
            return _current_kind_has(dossier, "records_council_vote")
        case Action.SEND_UPWARD:
            return _current_kind_has(dossier, "sends_upward")
        case Action.RECORD_CENTRAL:
            return _current_kind_has(dossier, "records_central_decision")
    raise ValueError(action)


def permitted(user, dossier: Dossier, action: Action) -> bool:
    """Whether `user` holds the role this action needs (whatever the state)."""
    match action:
        case Action.VIEW:
            return bool(can_view_dossier(user, dossier))
        case Action.EDIT | Action.EDIT_NOMINEES | Action.EDIT_REPORTS | Action.RESUBMIT | Action.RATE:
            return bool(is_unit_member(user, dossier))
        case Action.WITHDRAW:
            return has_role(user, dossier.unit_id, (Role.UNIT_HEAD,))
        case Action.SUBMIT:
            return any(can_act(user, dossier, step) for step in dossier.path() if kind_of(step).is_submission)
        case Action.JUDGE_CRITERIA:
            return any(can_act(user, dossier, step) for step in dossier.path() if kind_of(step).judges_criteria)
    if action in _AT_CURRENT_STEP:
        step = dossier.current_step
        return step is not None and can_act(user, dossier, step)
    raise ValueError(action)


def may(user, dossier: Dossier, action: Action) -> bool:
    return possible(dossier, action) and permitted(user, dossier, action)


def require(user, dossier: Dossier, action: Action, *, not_now: str | None = None,
            not_yours: str | None = None) -> None:
    """The service guard: NotPermitted for the wrong person, InvalidState for the wrong moment.
    For an action done by the role of the step in progress the moment is checked first (the step
    says whose role counts)."""
    if action in _AT_CURRENT_STEP and not possible(dossier, action):
        raise InvalidState(not_now or _not_now(dossier))
    if not permitted(user, dossier, action):
        raise NotPermitted(refusal(user, dossier, action) or not_yours)
    if not possible(dossier, action):
        raise InvalidState(not_now or _not_now(dossier))


def refusal(user, dossier: Dossier, action: Action) -> str | None:
    """Why `user` may not do `action` when it is more than "not your role": the unit was merged or
    closed, the delegation expired (dossiers.rules.why_refused); read only on a refusal."""
    if action in _AT_CURRENT_STEP or action in (Action.SUBMIT, Action.JUDGE_CRITERIA):
        if action in _AT_CURRENT_STEP:
            steps = [dossier.current_step] if dossier.current_step else []
        else:
            capability = "is_submission" if action == Action.SUBMIT else "judges_criteria"
            steps = [step for step in dossier.path() if getattr(kind_of(step), capability)]
        for step in steps:
            config = dossier.step_config(step)
            reason = why_refused(user, config.acting_unit_id, {config.role})
            if reason:
                return reason
        return None
    roles = {Role.UNIT_HEAD} if action == Action.WITHDRAW else {Role.UNIT_OFFICER, Role.UNIT_HEAD}
    return why_refused(user, dossier.unit_id, roles)


def _not_now(dossier: Dossier) -> str:
    return (_("Không thể thực hiện thao tác này khi hồ sơ đang ở trạng thái “%(status)s”.")
            % {"status": dossier.get_status_display()})


def may_open_review(user, dossier: Dossier) -> bool:
    """The review page (documents side by side; approve, return, rule out): the actor of a review
    step in progress, the signer at the decision step (who may return from there), or the office at
    a posting step (which returns or rules out a dossier when it upholds an objection)."""
    return may(user, dossier, Action.REVIEW) or may(user, dossier, Action.DECIDE) or may(user, dossier, Action.RETURN)


def may_open_dossier(user, unit) -> bool:
    """A unit's officer or head may open its dossier for a campaign's award form (a merged or closed unit
    opens none: its successor does)."""
    return unit.acts and bool(roles_at(user, unit.pk) & {Role.UNIT_OFFICER, Role.UNIT_HEAD})


@dataclass(frozen=True)
class Actions:
    """What one user may do to one dossier now: the page's buttons, the API's links."""

    is_unit: bool
    edit: bool
    edit_nominees: bool
    prepare: bool
    submit: bool
    awaits_head: bool  # the unit's own people see it waiting for the head's signature
    resubmit: bool
    withdraw: bool
    review: bool
    return_: bool
    reject: bool
    decide: bool
    rate: bool

    @property
    def any_next(self) -> bool:
        return self.prepare or self.submit or self.resubmit or self.review or self.decide or self.rate

    @property
    def reviewer_acts(self) -> bool:
        """The reviewer or signer of the step in progress may open the review page and act there."""
        return self.review or self.return_ or self.decide


def actions_for(user, dossier: Dossier) -> Actions:
    is_unit = bool(is_unit_member(user, dossier))
    submit = may(user, dossier, Action.SUBMIT)
    return Actions(
        is_unit=is_unit,
        edit=is_unit and possible(dossier, Action.EDIT),
        edit_nominees=is_unit and possible(dossier, Action.EDIT_NOMINEES),
        prepare=may(user, dossier, Action.PREPARE),
        submit=submit,
        awaits_head=is_unit and not submit and possible(dossier, Action.SUBMIT),
        resubmit=is_unit and possible(dossier, Action.RESUBMIT),
        withdraw=may(user, dossier, Action.WITHDRAW),
        review=may(user, dossier, Action.REVIEW),
        return_=may(user, dossier, Action.RETURN),
        reject=may(user, dossier, Action.REJECT),
        decide=may(user, dossier, Action.DECIDE),
        rate=is_unit and possible(dossier, Action.RATE) and not hasattr(dossier, "rating"),
    )
