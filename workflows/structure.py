"""The province's structure as it changes: mergers of units (sáp nhập), units that stop (giải thể), and
the reassignment of an absent officer's open work (giao việc thay). Services, one transaction each,
called by the admin, the pages and the demo loader.

A merger never deletes: the absorbed unit keeps its dossiers, decisions and award history, records
its successor, the day it ended (`valid_to`) and stops acting (`is_active`); its accounts' roles are
granted again at the successor (leaders' only when asked) and their old memberships end; its open
tasks are readdressed to the successor, and each dossier concerned records it. Because a unit's roles
count at every unit merged into it (dossiers.rules), the successor's accounts see the absorbed units'
dossiers and act on their open work."""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from viewflow.workflow.status import STATUS

from dossiers.errors import InvalidInput, InvalidState, NotPermitted
from dossiers.models import Delegation, EventKind, Membership, Role, Unit
from dossiers.rules import forget_authority, has_role, is_admin, last_grant
from dossiers.services import lock_dossier, record_event
from dossiers.text import clean_line, clean_text

from .flows import ACTIVE
from .models import DossierTask

LEADER_ROLES = (Role.UNIT_HEAD, Role.CHAIRMAN)


@dataclass
class MergeReport:
    successor: Unit
    absorbed: list[Unit]
    roles_granted: list[Membership] = field(default_factory=list)
    leaders_not_moved: list[Membership] = field(default_factory=list)
    tasks_moved: int = 0
    dossiers: list[int] = field(default_factory=list)
    children_moved: int = 0
    delegations_ended: int = 0


def _day(value: dt.date) -> str:
    return date_format(value, "d/m/Y")


def _require_admin(actor) -> None:
    if not is_admin(actor):
        raise NotPermitted(_("Chỉ quản trị hệ thống được sáp nhập hoặc giải thể đơn vị."))


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


@transaction.atomic
def unit_merge(*, absorbed: list[Unit], successor: Unit, on: dt.date, actor, basis: str = "",
               move_leaders: bool = False) -> MergeReport:
    """Merge `absorbed` into `successor` from day `on` (the absorbed units' last day is the day
    before). Roles are granted again at the successor (leaders' only with `move_leaders`: a successor
    usually keeps its own head); delegations at the absorbed units end; sub-units move under the
    successor; open tasks are readdressed to it."""
    _require_admin(actor)
    if not isinstance(on, dt.date):
        raise InvalidInput(_("Hãy nhập ngày sáp nhập (ngày/tháng/năm)."))
    basis = clean_line(basis)[:255]
    ids = sorted({u.pk for u in absorbed})
    if not ids:
        raise InvalidInput(_("Hãy chọn ít nhất một đơn vị bị sáp nhập."))
    if successor.pk in ids:
        raise InvalidInput(_("Đơn vị kế thừa %(unit)s không thể đồng thời là đơn vị bị sáp nhập.")
                           % {"unit": successor.name})
    locked = {u.pk: u for u in Unit.objects.select_for_update().filter(pk__in=[*ids, successor.pk]).order_by("pk")}
    successor = locked[successor.pk]
    if not successor.acts:
        raise InvalidState(_("Đơn vị kế thừa %(unit)s đã thôi hoạt động (sáp nhập hoặc giải thể): hãy chọn đơn vị "
                             "đang hoạt động.") % {"unit": successor.name})
    units = [locked[pk] for pk in ids]
    problems = [_("%(unit)s đã sáp nhập vào %(successor)s từ trước.") % {"unit": u.name,
                                                                           "successor": u.current_successor().name}
                if u.successor_id else _("%(unit)s đã thôi hoạt động từ ngày %(day)s.")
                % {"unit": u.name, "day": _day(u.valid_to) if u.valid_to else "?"}
                for u in units if not u.acts]
    problems += [_("%(unit)s bắt đầu hoạt động từ ngày %(from)s, sau ngày sáp nhập %(day)s.")
                 % {"unit": u.name, "from": _day(u.valid_from), "day": _day(on)}
                 for u in units if u.valid_from and u.valid_from >= on]
    if problems:
        raise InvalidState(_("Không thể sáp nhập:"), problems=problems)

    now = timezone.now()
    merged_at = timezone.make_aware(dt.datetime.combine(on, dt.time.min))
    report = MergeReport(successor=successor, absorbed=units)
    for unit in units:
        unit.successor, unit.merged_at, unit.valid_to, unit.is_active = successor, merged_at, on - dt.timedelta(days=1), False
        unit.save(update_fields=["successor", "merged_at", "valid_to", "is_active"])
    report.children_moved = Unit.objects.filter(parent_id__in=ids, is_active=True, successor__isnull=True).update(
        parent=successor)
    report.delegations_ended = Delegation.objects.filter(unit_id__in=ids, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=actor)

    for membership in (Membership.objects.filter(unit_id__in=ids, is_active=True).select_related("user", "unit")
                       .order_by("pk")):
        if membership.role in LEADER_ROLES and not move_leaders:
            report.leaders_not_moved.append(membership)
        else:
            granted, created = Membership.objects.get_or_create(
                user=membership.user, unit=successor, role=membership.role,
                defaults={"title": membership.title, "signs_for": membership.signs_for})
            if not created and not granted.is_active:
                granted.is_active = True
                granted.save(update_fields=["is_active"])
            report.roles_granted.append(granted)
    Membership.objects.filter(unit_id__in=ids, is_active=True).update(is_active=False)

    names = {u.pk: u.name for u in units}
    tasks = list(DossierTask.objects.filter(unit_id__in=ids, status__in=ACTIVE).order_by("dossier_id", "pk"))
    for dossier_id in sorted({t.dossier_id for t in tasks if t.dossier_id}):
        dossier = lock_dossier(dossier_id)
        mine = [t for t in tasks if t.dossier_id == dossier_id]
        record_event(dossier=dossier, actor=actor, kind=EventKind.NOTE,
                     comment=_("%(old)s sáp nhập vào %(new)s từ ngày %(day)s: việc “%(steps)s” chuyển sang %(new)s.")
                     % {"old": ", ".join(sorted({names[t.unit_id] for t in mine})), "new": successor.name,
                        "day": _day(on), "steps": ", ".join(str(t.step_label) for t in mine)},
                     data={"merger": {"from": sorted({t.unit_id for t in mine}), "to": successor.pk,
                                      "on": on.isoformat(), "basis": basis, "tasks": [t.pk for t in mine]}})
        report.dossiers.append(dossier_id)
    report.tasks_moved = DossierTask.objects.filter(pk__in=[t.pk for t in tasks]).update(unit=successor)
    forget_authority()
    return report


@transaction.atomic
def unit_close(*, unit: Unit, on: dt.date, actor) -> Unit:
    """A unit that stops without a successor (giải thể; e.g. the district level on 01/07/2025): its last
    day is the day before `on`; its accounts stop acting. Refused while it still has open work (merge
    it into the unit that takes that work over instead)."""
    _require_admin(actor)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not unit.acts:
        raise InvalidState(_("%(unit)s đã thôi hoạt động.") % {"unit": unit.name})
    open_tasks = DossierTask.objects.filter(unit=unit, status__in=ACTIVE).count()
    if open_tasks:
        raise InvalidState(_("%(unit)s còn %(n)s việc đang xử lý: hãy sáp nhập vào đơn vị kế thừa công việc này "
                             "thay vì giải thể.") % {"unit": unit.name, "n": open_tasks})
    unit.valid_to, unit.is_active = on - dt.timedelta(days=1), False
    unit.save(update_fields=["valid_to", "is_active"])
    Membership.objects.filter(unit=unit, is_active=True).update(is_active=False)
    Delegation.objects.filter(unit=unit, revoked_at__isnull=True).update(revoked_at=timezone.now(), revoked_by=actor)
    forget_authority()
    return unit


# --- Reassigning an absent officer's open work -------------------------------------------------------
def may_manage_unit(user, unit_id) -> bool:
    """An administrator of the unit (or of the system), or its head, hands out its work."""
    return bool(is_admin(user) or has_role(user, unit_id, (Role.ADMIN, Role.UNIT_HEAD)))


def open_tasks_of(absent, unit: Unit):
    """The open tasks at `unit` that are `absent`'s: taken by them, or addressed to a role that they
    hold there and nobody has taken yet."""
    roles = list(Membership.objects.filter(user=absent, unit=unit, is_active=True).values_list("role", flat=True))
    from django.db.models import Q

    return (DossierTask.objects.filter(unit=unit, status__in=ACTIVE, flow_task_type="HUMAN")
            .filter(Q(owner=absent) | Q(owner__isnull=True, role__in=roles))
            .select_related("dossier__unit", "owner").order_by("due_at", "pk"))


@transaction.atomic
def tasks_reassign(*, unit: Unit, absent, to, actor, reason: str, task_ids: list[int] | None = None) -> int:
    """Hand the open tasks of an absent officer at `unit` to a colleague who holds the task's role there
    (their own or by delegation); each dossier's log records from whom, to whom, why and by whom.
    Returns how many tasks moved."""
    if not may_manage_unit(actor, unit.pk):
        raise NotPermitted(_("Chỉ quản trị hoặc thủ trưởng của %(unit)s được giao lại việc của đơn vị.")
                           % {"unit": unit.name})
    grant = last_grant(actor)  # a deputy acting for the head hands out work on the head's behalf
    reason = clean_text(reason)
    if not reason:
        raise InvalidInput(_("Hãy ghi lý do giao lại việc (ví dụ: nghỉ phép, đi công tác)."))
    if to.pk == absent.pk:
        raise InvalidInput(_("Người nhận việc phải khác người vắng mặt."))
    if not to.is_active:
        raise InvalidInput(_("Tài khoản %(name)s đã bị khóa.") % {"name": _name(to)})
    tasks = list(open_tasks_of(absent, unit))
    if task_ids is not None:
        wanted = set(task_ids)
        tasks = [t for t in tasks if t.pk in wanted]
    if not tasks:
        raise InvalidState(_("%(name)s không có việc nào đang mở tại %(unit)s.") % {"name": _name(absent),
                                                                                   "unit": unit.name})
    problems = [_("Hồ sơ #%(pk)s (bước “%(step)s”): %(name)s không giữ vai trò “%(role)s” tại %(unit)s.")
                % {"pk": t.dossier_id, "step": t.step_label, "name": _name(to), "role": t.get_role_display(),
                   "unit": unit.name}
                for t in tasks if not has_role(to, unit.pk, {t.role})]
    if problems:
        raise InvalidState(_("Không thể giao lại việc: hãy ủy quyền hoặc cấp vai trò trước, hoặc chọn người khác."),
                           problems=problems)
    now = timezone.now()
    for dossier_id in sorted({t.dossier_id for t in tasks}):
        dossier = lock_dossier(dossier_id)
        mine = [t for t in tasks if t.dossier_id == dossier_id]
        record_event(dossier=dossier, actor=actor, kind=EventKind.NOTE,
                     on_behalf_of=grant.delegator if grant else None,
                     comment=_("Giao lại việc “%(steps)s” của %(absent)s cho %(to)s: %(reason)s")
                     % {"steps": ", ".join(str(t.step_label) for t in mine), "absent": _name(absent), "to": _name(to),
                        "reason": reason},
                     data={"reassigned": {"tasks": [t.pk for t in mine], "from": absent.pk, "to": to.pk,
                                          "unit": unit.pk, "reason": reason}})
    DossierTask.objects.filter(pk__in=[t.pk for t in tasks]).update(owner=to, status=STATUS.ASSIGNED, assigned=now)
    return len(tasks)

