"""Who may do what to which dossier: role at the acting unit (django-rules predicates).

One place answers "which roles does this user hold at this unit": `authority(user)`, read once per
request (the `AuthorityMiddleware` opens a per-request cache; outside a request every question reads
afresh, so a merger or a revoked role takes effect at once). It holds
- the user's own active memberships at units that still act;
- the delegations (ủy quyền / giao quyền) to the user valid today, while their leader still holds the
  role there;
- both spread over each unit's lineage: a unit's roles count at every unit merged into it, so the
  successor's accounts act on the absorbed units' open work and see their history.
A check granted by a delegation only is remembered (`last_grant`): the event the service then writes
records on whose behalf the actor acted."""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import rules
from django.db.models import CharField, IntegerField, JSONField, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import (
    STATUS_AT_STEP, Delegation, Dossier, DossierEvent, DossierStatus, Membership, Role, Step, Unit, acting_unit_q,
    kind_of,
)

_CACHE: ContextVar[dict | None] = ContextVar("khenthuong_authority", default=None)
_LAST_GRANT: ContextVar["Delegation | None"] = ContextVar("khenthuong_last_grant", default=None)


@dataclass
class Authority:
    """What one user may act as today: unit id → role → the delegation granting it (None: their own)."""

    by_unit: dict[int, dict[str, Delegation | None]] = field(default_factory=dict)
    # (unit, role) held by the user's own membership → that membership's (title, signs_for)
    titles: dict[tuple[int, str], tuple[str, str]] = field(default_factory=dict)

    def roles(self, unit_id) -> set[str]:
        return set(self.by_unit.get(unit_id, ()))

    def pairs(self) -> list[tuple[int, str]]:
        return [(unit_id, role) for unit_id, roles in self.by_unit.items() for role in roles]


def _lineage(unit_id: int, children: dict[int, list[int]]) -> set[int]:
    ids, frontier = {unit_id}, [unit_id]
    while frontier:
        frontier = [c for u in frontier for c in children.get(u, ()) if c not in ids]
        ids.update(frontier)
    return ids


_OWN, _DELEGATED, _MERGED = 0, 1, 2


def _authority_rows_query(user, today):
    """The query (UNION ALL) of what `_read_authority` needs in the common case: (kind, a, b, c, title,
    signs_for) rows, _OWN: (unit, role, -, title, signs_for) of an active membership; _DELEGATED: (unit,
    role, delegation id) of a delegation valid today; _MERGED: (unit, -, successor) of every merged unit
    (mergers are few)."""
    kind = lambda k: Value(k, output_field=IntegerField())  # noqa: E731
    blank = Value("", output_field=CharField())
    own = (Membership.objects.filter(acting_unit_q("unit__"), user=user, is_active=True)
           .annotate(k=kind(_OWN), c=Value(None, output_field=IntegerField()))
           .order_by().values_list("k", "unit_id", "role", "c", "title", "signs_for"))
    delegated = (Delegation.objects.filter(acting_unit_q("unit__"), delegate=user, revoked_at__isnull=True,
                                           valid_from__lte=today, valid_to__gte=today)
                 .annotate(k=kind(_DELEGATED), t=blank, s=blank)
                 .order_by().values_list("k", "unit_id", "role", "pk", "t", "s"))
    merged = (Unit.objects.filter(successor__isnull=False)
              .annotate(k=kind(_MERGED), r=blank, t=blank, s=blank)
              .order_by().values_list("k", "pk", "r", "successor_id", "t", "s"))
    return own.union(delegated, merged, all=True)


def _authority_rows(user, today) -> list[tuple]:
    return list(_authority_rows_query(user, today))


def _read_authority(user) -> Authority:
    return _authority_from_rows(_authority_rows(user, timezone.localdate()))


def _authority_from_rows(rows) -> Authority:
    own = [(a, b, title, signs_for) for k, a, b, _c, title, signs_for in rows if k == _OWN]
    delegation_ids = [c for k, _a, _b, c, *_ in rows if k == _DELEGATED]
    delegations = []
    if delegation_ids:  # a delegation holds while its leader still holds the role there
        delegations = list(Delegation.objects.filter(pk__in=delegation_ids).select_related("delegator", "unit"))
        held = set(Membership.objects.filter(is_active=True, user_id__in={d.delegator_id for d in delegations})
                   .values_list("user_id", "unit_id", "role"))
        delegations = [d for d in delegations if (d.delegator_id, d.unit_id, d.role) in held]
    children: dict[int, list[int]] = {}
    for k, pk, _b, successor_id, *_ in rows:
        if k == _MERGED:
            children.setdefault(successor_id, []).append(pk)
    authority = Authority()
    for unit_id, role, title, signs_for in own:
        for unit in _lineage(unit_id, children):
            authority.by_unit.setdefault(unit, {})[role] = None
            authority.titles[(unit, role)] = (title, signs_for)
    for delegation in delegations:
        for unit in _lineage(delegation.unit_id, children):
            authority.by_unit.setdefault(unit, {}).setdefault(delegation.role, delegation)
    return authority


def authority(user) -> Authority:
    """The user's authority, read once per request (see the module's docstring)."""
    if not user or not user.is_authenticated:
        return Authority()
    cache = _CACHE.get()
    if cache is None:
        return _read_authority(user)
    if user.pk not in cache:
        cache[user.pk] = _read_authority(user)
    return cache[user.pk]


def authority_to_read(user) -> RawSQL | None:
    """When `user`'s authority is not read yet in the open cache (a request's, or a path move's
    `authority_scope`): an expression giving its rows as JSON, for a statement the caller sends
    anyway (the path move's locking statement); its value goes to `authority_read`. Else None."""
    cache = _CACHE.get()
    if cache is None or not user or not user.is_authenticated or user.pk in cache:
        return None
    sql, params = _authority_rows_query(user, timezone.localdate()).query.sql_with_params()
    return RawSQL(f"(SELECT jsonb_agg(jsonb_build_array(r.k, r.unit_id, r.role, r.c, r.title, r.signs_for)) FROM ({sql}) AS r)", params,
                  output_field=JSONField())


def authority_read(user, rows) -> None:
    """Cache `user`'s authority from the rows `authority_to_read` fetched."""
    cache = _CACHE.get()
    if cache is not None:
        cache[user.pk] = _authority_from_rows([tuple(row) for row in rows or ()])


class AuthorityMiddleware:
    """Opens the per-request cache of `authority` (and forgets the last grant) around each request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token, grant = _CACHE.set({}), _LAST_GRANT.set(None)
        try:
            return self.get_response(request)
        finally:
            _CACHE.reset(token)
            _LAST_GRANT.reset(grant)


@contextmanager
def authority_scope():
    """Outside a request, read each user's authority once for the duration of the block (a path move:
    its permission check, its signature block); inside one, the request's cache already does."""
    if _CACHE.get() is not None:
        yield
        return
    token = _CACHE.set({})
    try:
        yield
    finally:
        _CACHE.reset(token)


def forget_authority() -> None:
    """After a change of roles inside a request (a merger, a delegation), read them again."""
    cache = _CACHE.get()
    if cache is not None:
        cache.clear()


def roles_at(user, unit_id) -> set[str]:
    """The roles `user` may act in at a unit: own or delegated, held there or at its successor."""
    if unit_id is None:
        return set()
    return authority(user).roles(unit_id)


def acting_pairs(user) -> list[tuple[int, str]]:
    """Every (unit, role) at which `user` may act now (the inbox's addresses)."""
    return authority(user).pairs()


def has_role(user, unit_id, roles) -> bool:
    """`user` holds one of `roles` at the unit. Remembers whether a delegation alone granted it (the
    next event written names the leader): an own role is preferred."""
    if unit_id is None:
        return False
    held = authority(user).by_unit.get(unit_id, {})
    found = [held[r] for r in roles if r in held]
    if not found:
        return False
    _LAST_GRANT.set(None if any(d is None for d in found) else found[0])
    return True


def last_grant(actor) -> Delegation | None:
    """The delegation that granted `actor`'s last successful check, if a delegation alone did."""
    grant = _LAST_GRANT.get()
    return grant if grant is not None and actor is not None and grant.delegate_id == getattr(actor, "pk", None) \
        else None


def why_refused(user, unit_id, roles) -> str | None:
    """A refusal's reason when it is not simply "not your role": the user's unit was merged or closed,
    or their delegation there has expired, not begun, or was ended. None otherwise. (Only read on a
    refusal.)"""
    if not user or not user.is_authenticated or unit_id is None:
        return None
    roles = set(roles)
    day = timezone.localdate()
    unit = Unit.objects.filter(pk=unit_id).select_related("successor").first()
    if unit is None:
        return None
    lineage = unit.current_successor().lineage_ids()
    # their role there was at a unit that stopped (the merger ended the membership too)
    stale = (Membership.objects.filter(user=user, unit_id__in=lineage, role__in=roles)
             .exclude(acting_unit_q("unit__")).select_related("unit", "unit__successor").first())
    if stale is not None:
        old = stale.unit
        if old.successor_id:
            return (_("Đơn vị %(old)s đã sáp nhập vào %(new)s (ngày %(date)s): tài khoản của bạn tại đơn vị cũ không "
                      "còn được thao tác. Đề nghị quản trị cấp vai trò tại %(new)s.")
                    % {"old": old.name, "new": old.current_successor().name,
                       "date": date_format(timezone.localtime(old.merged_at), "d/m/Y") if old.merged_at else "?"})
        return (_("Đơn vị %(old)s đã thôi hoạt động từ ngày %(date)s: tài khoản của bạn tại đơn vị này không còn "
                  "được thao tác.") % {"old": old.name,
                                        "date": date_format(old.valid_to, "d/m/Y") if old.valid_to else "?"})
    delegation = (Delegation.objects.filter(delegate=user, unit_id__in=lineage, role__in=roles)
                  .select_related("delegator", "unit").order_by("-valid_to", "-pk").first())
    if delegation is None:
        return None
    names = {"leader": delegation.delegator.get_full_name() or delegation.delegator.get_username(),
             "unit": delegation.unit.name, "role": delegation.get_role_display(),
             "from": date_format(delegation.valid_from, "d/m/Y"), "to": date_format(delegation.valid_to, "d/m/Y")}
    if delegation.revoked_at is not None:
        return (_("Ủy quyền của %(leader)s cho bạn (%(role)s, %(unit)s) đã bị chấm dứt ngày %(date)s.")
                % {**names, "date": date_format(timezone.localtime(delegation.revoked_at), "d/m/Y")})
    if delegation.valid_to < day:
        return (_("Ủy quyền của %(leader)s cho bạn (%(role)s, %(unit)s) đã hết hạn: chỉ có hiệu lực từ ngày "
                  "%(from)s đến hết ngày %(to)s.") % names)
    if delegation.valid_from > day:
        return (_("Ủy quyền của %(leader)s cho bạn (%(role)s, %(unit)s) chưa có hiệu lực: có hiệu lực từ ngày "
                  "%(from)s đến hết ngày %(to)s.") % names)
    if not Membership.objects.filter(user=delegation.delegator, unit=delegation.unit, role=delegation.role,
                                     is_active=True).exists():
        return (_("Ủy quyền của %(leader)s cho bạn (%(role)s, %(unit)s) không còn hiệu lực: người ủy quyền không "
                  "còn giữ vai trò này.") % names)
    return None


def can_act(user, dossier: Dossier, step: Step) -> bool:
    """`user` holds the step's role at the unit that acts at that step for this dossier."""
    config = dossier.step_config(step)
    return has_role(user, config.acting_unit_id, {config.role})


def why_cannot_act(user, dossier: Dossier, step: Step) -> str | None:
    config = dossier.step_config(step)
    return why_refused(user, config.acting_unit_id, {config.role})


@rules.predicate
def is_unit_member(user, dossier):
    return has_role(user, dossier.unit_id, (Role.UNIT_OFFICER, Role.UNIT_HEAD))


def statuses_from(step: Step) -> list[str]:
    """The statuses a dossier has held once it has reached `step`: the step's own and every later one
    in the kinds' canonical order (for queries over many dossiers; one dossier: `Dossier.statuses_from`,
    which follows its configured order)."""
    steps = list(Step)
    return [STATUS_AT_STEP[s] for s in steps[steps.index(step):]] + [DossierStatus.DECIDED]


def reach_position(step: Step) -> int:
    """`step`'s place in the kinds' canonical order (as `statuses_from`)."""
    return list(Step).index(step)


def status_reach() -> dict[str, int]:
    """status → the furthest canonical position a dossier holding it has reached (the status of a
    step that shares it with an earlier step counts for the later one; decided is past every step;
    draft-like and final statuses that belong to no step are absent). Over the statuses a dossier has
    held, max(status_reach) >= reach_position(step) exactly when one of them is in statuses_from(step):
    a summary row keeps that one number instead of the dossier's history."""
    positions: dict[str, int] = {}
    for index, step in enumerate(Step):
        positions[STATUS_AT_STEP[step]] = index
    positions[DossierStatus.DECIDED] = len(Step)
    return positions


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


@dataclass(frozen=True)
class Capacity:
    """How a signer signs at a unit: their title, and the capacity line above it (KT. CHỦ TỊCH, TUQ. …)."""

    title: str
    capacity: str
    signs_for: str = ""
    delegation: Delegation | None = None


def signing_capacity(user, unit_id, role) -> Capacity | None:
    """The signature block of `user` signing in `role` at a unit: by their own membership (KT. when
    they sign for the head, `Membership.signs_for`), else by a delegation valid today — KT. (giao
    quyền) or TUQ. (ủy quyền ký) before the delegating leader's title, over the deputy's own title."""
    if not has_role(user, unit_id, {role}):
        return None
    held = authority(user)
    delegation = held.by_unit.get(unit_id, {}).get(role)
    if delegation is None:
        # their own membership at the unit, or at the unit it was merged into (read with the roles)
        if (unit_id, role) not in held.titles:
            return None
        title, signs_for = held.titles[(unit_id, role)]
        signs_for = signs_for.strip().upper()
        return Capacity(title=title.strip(), capacity=f"KT. {signs_for}" if signs_for else "", signs_for=signs_for)
    leader = (Membership.objects.filter(user_id=delegation.delegator_id, unit_id=delegation.unit_id,
                                        role=delegation.role, is_active=True).first())
    own = (Membership.objects.filter(user=user, unit_id=delegation.unit_id, is_active=True).exclude(title="")
           .order_by("pk").first())
    head = ((leader.signs_for or leader.title) if leader else "").strip().upper()
    return Capacity(title=own.title.strip() if own else "", capacity=f"{delegation.prefix} {head}".strip(),
                    signs_for=head, delegation=delegation)
