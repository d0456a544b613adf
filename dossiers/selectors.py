"""Reads for the dossier pages: what a user may see, each step's checklist, the timeline.
Nothing here writes; nothing here imports `workflows` (tasks are read through `dossier.tasks`)."""

import functools
import operator
from dataclasses import dataclass, field

from django.db.models import Case, CharField, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact, GreaterThanOrEqual
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.status import STATUS

from .models import (
    STEP_KINDS, ActingUnitSource, Campaign, ConsultedAgency, Document, Dossier, DossierEvent, DossierStatus, Membership, Nominee,
    RequirementScope, ReturnRequest, Role, Step, StepRule, kind_of, STATUS_AT_STEP, canonical_rank,
)
from .rules import acting_pairs, can_view_dossier, is_admin, statuses_from

UNIT_ROLES = (Role.UNIT_OFFICER, Role.UNIT_HEAD)
OPEN_TASK_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


# A step's acting unit as a field of the dossier, when its StepRule names none (Dossier.step_config).
ACTING_UNIT_FIELD = {
    ActingUnitSource.DOSSIER_UNIT: "unit_id",
    ActingUnitSource.APPRAISING_UNIT: "campaign__appraising_unit_id",
    ActingUnitSource.HOME_AFFAIRS_UNIT: "campaign__home_affairs_unit_id",
    ActingUnitSource.DECIDING_UNIT: "award_form__deciding_unit_id",
}


def visible_dossiers(user):
    """Every dossier `user` may see, as one SQL query (after two small reads of the forms' configuration:
    reordered paths, acting-unit sources in use), from the predicates of `rules.can_view_dossier`:
    administrators see all; a unit's officer and head their unit's dossiers; a reviewer (appraiser,
    Sở Nội vụ, signer) the dossiers that have reached their step at a unit where they act. As
    `Dossier.step_config` and `rules.has_reached`, it reads each step's StepRule: its role, its acting
    unit or `acting_unit_source` (a decision by the proposing unit's own head), and its position on the
    configured path (a step "reached" is one at or before where the dossier stands or stood).
    Lists, counts, reports, exports and the dashboard read this; tests pin it to the predicate."""
    return Dossier.objects.filter(visibility_q(user))


def reached_by_history(reordered: list | None = None):
    """`reached(step)` for Dossier rows: at the step or past it on the configured path, now or in the
    event log (has_reached_q)."""
    reordered = reordered_forms() if reordered is None else reordered
    return functools.partial(has_reached_q, reordered=reordered)


def visibility_q(user, *, submitted: Q | None = None, reached=None) -> Q:
    """`visible_dossiers` as a condition, over any model that has the dossier's `unit`, `campaign`,
    `award_form` and `status` fields: Dossier itself, or a summary row keyed by them (the dashboard's
    figures), which passes its own `submitted` condition and `reached(step)` (a stored position)."""
    if submitted is None:
        submitted = Q(submitted_at__isnull=False)
    if not user or not user.is_authenticated:
        return Q(pk__in=[])
    if is_admin(user):
        return Q()
    reached = reached or reached_by_history()
    pairs = acting_pairs(user)  # own and delegated roles, at each unit and the units merged into it
    visible = Q(unit_id__in={unit for unit, role in pairs if role in UNIT_ROLES})
    roles = {role for _unit, role in pairs}
    overrides = {}  # the acting-unit sources forms name per step, besides the kind's (one query)
    for step, source in (StepRule.objects.exclude(acting_unit_source="")
                         .values_list("step", "acting_unit_source").distinct()):
        overrides.setdefault(step, set()).add(source)
    for step, kind in STEP_KINDS.items():
        if kind.is_unit_work:
            continue
        rule = StepRule.objects.filter(award_form=OuterRef("award_form"), step=step)
        by_step = Q(pk__in=[])
        for role in roles:
            # the step's role: the StepRule's when it names one, else the kind's (as Dossier.step_config)
            units = {unit for unit, held in pairs if held == role}
            by_role = rule.filter(role__in=[role, ""] if role == kind.role else [role])
            on_path = Q(Exists(by_role))
            if kind.always_on_path and role == kind.role:
                on_path |= ~Q(Exists(rule)) & _unconfigured_on_path(kind)
            by_step |= on_path & _acts_here(kind, rule, by_role, units, overrides.get(step, ()))
        visible |= submitted & by_step & reached(step)
    visible |= consulted_q(pairs, submitted=submitted, reached=reached)
    return visible


def _acts_here(kind, rule, by_role, units, overrides=()) -> Q:
    """The step's acting unit is one of `units`: the StepRule's unit; else the unit its
    `acting_unit_source` names; else the kind's (also for an always-on step the form does not configure)."""
    acts = Q(Exists(by_role.filter(acting_unit_id__in=units)))
    for source, field_name in ACTING_UNIT_FIELD.items():
        if source != kind.acting_unit and source not in overrides:
            continue  # no form names this source for this step
        sources = [source, ""] if source == kind.acting_unit else [source]
        named = Q(Exists(by_role.filter(acting_unit__isnull=True, acting_unit_source__in=sources)))
        if source == kind.acting_unit:
            named |= ~Q(Exists(rule))
        acts |= Q(**{f"{field_name}__in": units}) & named  # the cheap test first
    return acts


def _unconfigured_on_path(kind) -> Q:
    """An always-on kind the form does not configure is on the path, except a concluding one when the
    form configures another concluding kind (the central decision replaces the decision)."""
    if not kind.concludes:
        return Q(pk__isnull=False)
    others = [step for step, other in STEP_KINDS.items() if other.concludes and other is not kind]
    return ~Q(Exists(StepRule.objects.filter(award_form=OuterRef("award_form"), step__in=others)))


# Where a step stands on a form's configured path, as one integer: its position (StepRule.position, 0 when
# the form does not order its steps or does not configure it), then its kind's canonical rank: the order
# of `Dossier.path()`. Exact for forms whose steps are all positioned (rulebooks: the loader requires
# every always-on step) or none (forms made before issue 12).
_RANKS = len(Step) + 1
OFF_PATH_STATUSES = [DossierStatus.RETURNED, DossierStatus.WITHDRAWN, DossierStatus.REJECTED]
_DECIDED_KEY = 1_000_000


def _step_key(step, form):
    position = Subquery(StepRule.objects.filter(award_form=form, step=step).values("position")[:1])
    return Coalesce(position, Value(0)) * Value(_RANKS) + Value(canonical_rank(step))


def _status_key(status: str, status_in_rule, form):
    """The key of the step where a status stands (`decided` after every step, any other status -1):
    `status` names the field on the row, `status_in_rule` and `form` reach the row from a StepRule query."""
    at_step = Case(*[When(Exact(status_in_rule, Value(STATUS_AT_STEP[step])), then=Value(step.value)) for step in Step],
                   default=Value(""), output_field=CharField())
    position = Subquery(StepRule.objects.filter(award_form=form, step=at_step).values("position")[:1])
    ranks = [When(**{status: STATUS_AT_STEP[step]}, then=Value(canonical_rank(step))) for step in Step]
    rank = Case(*ranks, When(**{status: DossierStatus.DECIDED}, then=Value(_DECIDED_KEY)), default=Value(-1),
                output_field=IntegerField())
    return Coalesce(position, Value(0)) * Value(_RANKS) + rank


def has_reached_q(step, reordered: list | None = None) -> Q:
    """The dossier is at `step` or has been at it or past it on its configured path (`rules.has_reached`).
    On a form whose steps follow the kinds' canonical order (every form but a reordered one) that is a
    status from the step on in that order, now or in the event log; on a reordered form, its status
    (else, once off the path, a status of its event log) stands at or after the step by position."""
    canonical = statuses_from(step)
    in_order = Q(status__in=canonical) | Q(Exists(DossierEvent.objects.filter(dossier=OuterRef("pk"),
                                                                             to_status__in=canonical)))
    now = GreaterThanOrEqual(_status_key("status", OuterRef("status"), OuterRef("award_form")),
                             _step_key(step, OuterRef("award_form")))
    history = (DossierEvent.objects.filter(dossier=OuterRef("pk"), to_status__isnull=False)
               .alias(key=_status_key("to_status", OuterRef("to_status"), OuterRef(OuterRef("award_form"))))
               .filter(key__gte=_step_key(step, OuterRef(OuterRef("award_form")))))
    # only a dossier no longer on its path (returned, withdrawn, rejected) stood further along than it stands:
    # a working dossier resumes where it was returned from, a decided one is past every step
    by_position = Q(now) | (Q(status__in=OFF_PATH_STATUSES) & Q(Exists(history)))
    reordered = reordered_forms() if reordered is None else reordered
    if not reordered:
        return in_order
    return (~Q(award_form_id__in=reordered) & in_order) | (Q(award_form_id__in=reordered) & by_position)


def reordered_forms() -> list[int]:
    """Award forms whose configured positions put a step before one of a lower canonical rank (one
    query; none among the shipped rulebooks, whose paths keep the canonical order)."""
    def rank(field):
        return Case(*[When(**{field: step.value}, then=Value(canonical_rank(step))) for step in Step],
                    default=Value(-1), output_field=IntegerField())
    later_lower = (StepRule.objects.filter(award_form=OuterRef("award_form"), position__gt=OuterRef("position"))
                   .alias(rank=rank("step")).filter(rank__lt=OuterRef("rank")))
    return list(StepRule.objects.filter(position__gt=0).alias(rank=rank("step")).filter(Exists(later_lower))
                .values_list("award_form_id", flat=True).distinct())


def consulted_q(pairs, *, submitted: Q | None = None, reached=None) -> Q:
    """Dossiers that reached a consultation step where one of the user's (unit, role) pairs is a
    consulted agency with the step's role (`rules.is_consulted`, as a query)."""
    if submitted is None:
        submitted = Q(submitted_at__isnull=False)
    q = Q(pk__in=[])
    for step, kind in STEP_KINDS.items():
        if not kind.is_consultation:
            continue
        agencies = ConsultedAgency.objects.filter(step_rule__award_form=OuterRef("award_form"), step_rule__step=step)
        by_pair = []
        for unit_id, role in pairs:
            role_q = Q(step_rule__role=role) | (Q(step_rule__role="") if role == kind.role else Q(pk__in=[]))
            by_pair.append(Q(unit_id=unit_id) & role_q)
        if not by_pair:
            continue
        by_pair = functools.reduce(operator.or_, by_pair)
        reached = reached or reached_by_history()
        q |= submitted & Q(Exists(agencies.filter(by_pair))) & reached(step)
    return q


def visible_dossier_or_404(user, pk) -> Dossier:
    """The dossier when `user` may see it; otherwise 404, so another unit's dossier does not leak."""
    dossier = (Dossier.objects.select_related("campaign", "award_form", "unit", "signed_by")
               .filter(pk=pk).first())
    if dossier is None or not can_view_dossier(user, dossier):
        raise Http404
    return dossier


def unit_memberships(user):
    return (Membership.objects.filter(user=user, is_active=True, role__in=UNIT_ROLES,
                                      unit__successor__isnull=True).select_related("unit"))


def unit_dossiers(user):
    """The dossiers of the user's units, the units merged into them included (their history is ours)."""
    unit_ids = {unit_id for unit_id, role in acting_pairs(user) if role in UNIT_ROLES}
    return (Dossier.objects.filter(unit_id__in=unit_ids)
            .select_related("campaign", "award_form", "unit").prefetch_related("nominees__person",
                                                                              "nominees__unit"))


@dataclass
class OpenCampaign:
    campaign: Campaign
    closes_at: object
    seconds_left: int
    is_open: bool
    offers: list = field(default_factory=list)  # (unit, award_form, existing dossier or None)


def open_campaigns_for(user, *, now=None) -> list[OpenCampaign]:
    """Campaigns still receiving dossiers (or about to), with each award form the user's units may
    propose and the dossier already opened for it, if any."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    memberships = list(unit_memberships(user).select_related("unit__parent__parent"))
    if not memberships:
        return []
    campaigns = Campaign.objects.filter(window_closes__gte=today).prefetch_related("award_forms").order_by(
        "window_closes")
    existing = {(d.campaign_id, d.award_form_id, d.unit_id): d for d in
                Dossier.objects.filter(unit_id__in=[m.unit_id for m in memberships],
                                       campaign__window_closes__gte=today).exclude(status=DossierStatus.WITHDRAWN)}
    result = []
    units = {m.unit_id: m.unit for m in memberships}.values()
    for campaign in campaigns:
        if campaign.window_close_at < now:
            continue
        item = OpenCampaign(campaign=campaign, closes_at=campaign.window_close_at,
                            seconds_left=int((campaign.window_close_at - now).total_seconds()),
                            is_open=campaign.is_window_open(now))
        for unit in units:
            if campaign.issuing_unit_id not in _ancestor_ids(unit):
                continue  # an agency's own campaign (Giấy khen) is for the units under that agency
            for form in campaign.award_forms.all():
                item.offers.append((unit, form, existing.get((campaign.pk, form.pk, unit.pk))))
        if item.offers:
            result.append(item)
    return result


def _ancestor_ids(unit) -> set[int]:
    """The unit and every unit above it."""
    ids, current = set(), unit
    while current is not None and current.pk not in ids:
        ids.add(current.pk)
        current = current.parent
    return ids


@dataclass
class ChecklistRow:
    """One required component (for one nominee when the requirement is per nominee)."""

    requirement: object
    nominee: Nominee | None
    document: Document | None
    reasons: list[str]
    replaced_after_return: bool = False

    @property
    def state(self) -> str:
        if self.is_returned:
            return "returned"
        return "present" if self.is_present else "missing"

    @property
    def is_returned(self) -> bool:
        return bool(self.reasons) and not self.replaced_after_return

    @property
    def is_present(self) -> bool:
        return not self.is_returned and self.document is not None

    @property
    def key(self) -> str:
        return f"{self.requirement.document_type.code}-{self.nominee.pk if self.nominee else 0}"


@dataclass
class ChecklistStep:
    step: Step
    rows: list[ChecklistRow]
    problems: list[str]
    is_current: bool
    is_done: bool

    @property
    def label(self):
        return self.step.label

    @property
    def returned(self) -> int:
        """Rows still marked “Bị trả lại” (a step with one is not “Đã xong”)."""
        return sum(1 for row in self.rows if row.state == "returned")

    @property
    def kind(self):
        return kind_of(self.step)


def open_task(dossier: Dossier):
    """The dossier's open human task (its step, due date), read through the `tasks` relation that
    workflows declares: the domain never imports workflows."""
    return dossier.tasks.filter(status__in=OPEN_TASK_STATUSES, flow_task_type="HUMAN").first()


def open_return_request(dossier: Dossier) -> ReturnRequest | None:
    if not dossier.is_returned:
        return None
    return ReturnRequest.objects.filter(dossier=dossier, resolved_at__isnull=True).select_related("actor").first()


def checklist(dossier: Dossier, *, return_request: ReturnRequest | None = None) -> list[ChecklistStep]:
    """For each of the unit's steps on the path: what is required, what is present, and what was
    returned and why (from the open return request, matched by document type and nominee)."""
    nominees = list(dossier.nominees.select_related("person", "unit"))
    requirements = list(dossier.award_form.requirements.select_related("document_type"))
    documents = {(d.document_type_id, d.nominee_id): d for d in
                 dossier.documents.filter(is_current=True).select_related("document_type")}
    reasons: dict[tuple, list[str]] = {}
    if return_request:
        for reason in return_request.reasons:
            code = reason.get("document_type")
            if code:
                reasons.setdefault((code, reason.get("nominee")), []).append(reason["text"])
    path = dossier.path()
    current = dossier.current_step  # none while returned: no step is in progress
    current_index = path.index(current) if current in path else (len(path) if dossier.submitted_at else 0)
    steps = []
    for index, step in enumerate(path):
        if not kind_of(step).is_preparation:
            continue
        rows = []
        for req in (r for r in requirements if r.step == step):
            targets = nominees if req.scope == RequirementScope.NOMINEE else [None]
            for nominee in targets:
                document = documents.get((req.document_type_id, nominee.pk if nominee else None))
                texts = list(reasons.get((req.document_type.code, nominee.pk if nominee else None), []))
                if nominee is not None:
                    # a reason about the document type in general applies to every nominee's copy
                    texts += reasons.get((req.document_type.code, None), [])
                replaced = bool(texts and document and return_request
                                and document.uploaded_at > return_request.created_at)
                rows.append(ChecklistRow(requirement=req, nominee=nominee, document=document, reasons=texts,
                                         replaced_after_return=replaced))
        steps.append(ChecklistStep(step=step, rows=rows, problems=dossier.step_problems(step),
                                   is_current=step == current, is_done=index < current_index))
    return steps


@dataclass
class ReturnItem:
    """One item of a return request (phiếu yêu cầu bổ sung) and how the unit answered it: a new
    version of the document uploaded after the return, or a written reply, or nothing yet."""

    index: int
    text: str
    document_type: object | None
    nominee: Nominee | None
    reply: str
    old_document: Document | None  # the version the reviewer returned
    new_document: Document | None  # the newest version uploaded after the return

    @property
    def answered(self) -> bool:
        return bool(self.reply or self.new_document)

    @property
    def label(self) -> str:
        if self.document_type is None:
            return str(_("Yêu cầu chung"))
        name = self.document_type.name
        return f"{name} — {self.nominee.name}" if self.nominee else name


def return_items(dossier: Dossier, request: ReturnRequest) -> list[ReturnItem]:
    """Each returned item with the unit's reply and the document versions before and after the return
    (a reason about a document type in general is answered by a new version of any copy of it)."""
    from .models import DocumentType

    reasons = list(request.reasons or [])
    codes = {r.get("document_type") for r in reasons if r.get("document_type")}
    types = {t.code: t for t in DocumentType.objects.filter(code__in=codes)}
    nominees = {n.pk: n for n in dossier.nominees.select_related("person", "unit")}
    documents = list(dossier.documents.filter(document_type__code__in=codes)
                     .select_related("document_type", "uploaded_by").order_by("uploaded_at", "version", "pk"))
    until = request.resolved_at
    items = []
    for index, reason in enumerate(reasons):
        code, nominee_id = reason.get("document_type"), reason.get("nominee")
        matching = [d for d in documents if d.document_type.code == code
                    and (nominee_id is None or d.nominee_id == nominee_id)]
        before = [d for d in matching if d.uploaded_at <= request.created_at]
        after = [d for d in matching if d.uploaded_at > request.created_at and (until is None or d.uploaded_at <= until)]
        items.append(ReturnItem(index=index, text=reason.get("text", ""), document_type=types.get(code),
                                nominee=nominees.get(nominee_id), reply=(request.replies or {}).get(str(index), ""),
                                old_document=before[-1] if before else None,
                                new_document=after[-1] if after else None))
    return items


def nominee_changes(dossier: Dossier, request: ReturnRequest) -> list[DossierEvent]:
    """Nominees the unit added or removed while the dossier was returned."""
    events = DossierEvent.objects.filter(dossier=dossier, kind="nominee", created_at__gt=request.created_at)
    if request.resolved_at:
        events = events.filter(created_at__lte=request.resolved_at)
    return list(events.order_by("created_at", "pk"))


def last_answered_return(dossier: Dossier, step) -> ReturnRequest | None:
    """The latest return from `step` that the unit answered (for the reviewer's next review)."""
    return (ReturnRequest.objects.filter(dossier=dossier, step=step, resolved_at__isnull=False)
            .select_related("actor").order_by("-resolved_at").first())


@dataclass
class DecisionResult:
    """A Quyết định that covers this dossier, as recorded on its event log by the certificates app."""

    decision: int
    number: str
    signed_on: object
    signer_name: str
    signer_lines: list
    issued: dict  # nominee pk → {"certificate", "token", "code"}
    revoked: bool = False


def decision_results(dossier: Dossier) -> list[DecisionResult]:
    """The decisions covering the dossier (newest first), with each awarded nominee's certificate."""
    import datetime as dt

    results: dict[int, DecisionResult] = {}
    for event in DossierEvent.objects.filter(dossier=dossier, kind="decision").order_by("created_at", "pk"):
        data = event.data or {}
        pk = data.get("decision")
        if not pk:
            continue
        if data.get("revoked"):
            if pk in results:
                results[pk].revoked = True
            continue
        signer = data.get("signer") or {}
        results[pk] = DecisionResult(
            decision=pk, number=data.get("number", ""),
            signed_on=dt.date.fromisoformat(data["signed_on"]) if data.get("signed_on") else None,
            signer_name=signer.get("name", ""), signer_lines=signer.get("lines", []),
            issued={item["nominee"]: item for item in data.get("issued", [])})
    return sorted(results.values(), key=lambda r: -r.decision)


def general_reasons(return_request: ReturnRequest | None) -> list[dict]:
    if not return_request:
        return []
    return [r for r in return_request.reasons if not r.get("document_type")]


def timeline(dossier: Dossier):
    return DossierEvent.objects.filter(dossier=dossier).select_related("actor").order_by("-created_at", "-pk")


def current_documents(dossier: Dossier):
    return (dossier.documents.filter(is_current=True).select_related("document_type", "nominee__person",
                                                                     "nominee__unit")
            .order_by("document_type__name", "nominee_id"))


def unit_choices_for_collective(dossier: Dossier):
    """Collectives a unit may propose: itself and the units under it."""
    from .models import Unit

    return Unit.objects.filter(Q(pk=dossier.unit_id) | Q(parent_id=dossier.unit_id), successor__isnull=True)


def known_person_for_unit(unit, citizen_id: str) -> dict | None:
    """Auto-fill (seed 002: forms filled from data already held): a person this unit (or a unit it
    absorbed) proposed before, found by CCCD. Only the unit's own history, so the lookup reveals
    nothing the unit did not already hold."""
    if not (len(citizen_id) == 12 and citizen_id.isdigit()):
        return None
    nominee = (Nominee.objects.filter(person__citizen_id=citizen_id, dossier__unit_id__in=unit.lineage_ids())
               .select_related("person").order_by("-created_at").first())
    if nominee is None:
        return None
    person = nominee.person
    return {"full_name": person.full_name, "birth_date": person.birth_date.isoformat() if person.birth_date else "",
            "position": nominee.position, "workplace": nominee.workplace}


# --- the new kinds' work on the dossier page (issue 12) ------------------------------------------------
@dataclass
class AgencyOpinion:
    """One consulted agency on the dossier page and the review page: its answer, or none yet."""

    agency_id: int
    agency: str
    answer: object  # ConsultationAnswer | None
    due_at: object  # the agency task's due date
    open: bool  # its task is still open


def consultation_outcome(dossier: Dossier) -> list[AgencyOpinion]:
    """Each consulted agency of the dossier's consultation step, with its answer and its due date."""
    from .models import ConsultationAnswer, Unit

    steps = [s for s in dossier.path() if kind_of(s).is_consultation]
    if not steps:
        return []
    agencies = [unit_id for unit_id, _days in dossier.step_config(steps[0]).consulted]
    answers = {a.agency_id: a for a in ConsultationAnswer.objects.filter(dossier=dossier).select_related("answered_by")}
    tasks = {}
    for unit_id, due_at, status in (dossier.tasks.filter(step=steps[0]).order_by("created")
                                    .values_list("unit_id", "due_at", "status")):
        tasks[unit_id] = (due_at, status in OPEN_TASK_STATUSES)
    names = dict(Unit.objects.filter(pk__in=agencies).values_list("pk", "name"))
    return [AgencyOpinion(agency_id=pk, agency=names.get(pk, ""), answer=answers.get(pk),
                          due_at=tasks.get(pk, (None, False))[0], open=tasks.get(pk, (None, False))[1])
            for pk in agencies]


def answerable_agencies(user, dossier: Dossier) -> list:
    """The consulted agencies where `user` holds the step's role and whose task is open now."""
    from .models import Unit
    from .rules import roles_at

    if dossier.status != DossierStatus.IN_CONSULTATION:
        return []
    config = dossier.step_config(dossier.current_step)
    mine = [unit_id for unit_id, _days in config.consulted if config.role in roles_at(user, unit_id)]
    if not mine:
        return []
    open_ids = set(dossier.tasks.filter(step=dossier.current_step, unit_id__in=mine, status__in=OPEN_TASK_STATUSES)
                   .values_list("unit_id", flat=True))
    return list(Unit.objects.filter(pk__in=open_ids).order_by("name"))


def current_posting(dossier: Dossier):
    """The dossier's latest public posting with its objections (None when it never was posted)."""
    from .models import PublicPosting

    if not any(kind_of(step).is_posting for step in dossier.path()):
        return None  # no query for the forms without a posting step
    return (PublicPosting.objects.filter(dossier=dossier).prefetch_related("objections__resolved_by",
                                                                           "objections__received_by")
            .order_by("-opened_at", "-pk").first())
