"""Delegation (ủy quyền / giao quyền): a leader hands their role at a unit to a deputy of the same unit
for a date range. While it holds, dossiers.rules gives the deputy the role (one place); events name the
leader (`on_behalf_of`); decisions print KT. or TUQ. before the leader's title."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..errors import InvalidInput, InvalidState, NotPermitted
from ..models import DELEGABLE_ROLES, Delegation, DelegationKind, Membership, Role, Unit
from ..rules import forget_authority, is_admin
from ..text import clean_line


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def _day(value) -> str:
    return date_format(value, "d/m/Y")


def may_delegate_for(actor, unit: Unit, delegator) -> bool:
    """The leader themself, or an administrator (of the system or of the unit) recording it for them."""
    if is_admin(actor):
        return True
    return actor.pk == delegator.pk


def delegable_roles(user, unit: Unit) -> list[str]:
    """The leader's roles `user` holds at `unit` by their own membership (a delegated role is not
    delegated again)."""
    return list(Membership.objects.filter(user=user, unit=unit, is_active=True, role__in=DELEGABLE_ROLES,
                                          unit__is_active=True, unit__successor__isnull=True)
                .values_list("role", flat=True))


@transaction.atomic
def delegation_create(*, unit: Unit, delegator, delegate, role: str, kind: str, valid_from: dt.date,
                      valid_to: dt.date, actor, basis: str = "") -> Delegation:
    if not may_delegate_for(actor, unit, delegator):
        raise NotPermitted(_("Chỉ người đứng đầu (hoặc quản trị hệ thống) được ủy quyền vai trò của người đứng đầu."))
    if kind not in DelegationKind.values:
        raise InvalidInput(_("Hình thức ủy quyền không hợp lệ."))
    if role not in DELEGABLE_ROLES:
        raise InvalidInput(_("Chỉ ủy quyền được vai trò của người đứng đầu (thủ trưởng đơn vị, người ký quyết định)."))
    if not isinstance(valid_from, dt.date) or not isinstance(valid_to, dt.date):
        raise InvalidInput(_("Hãy nhập thời hạn ủy quyền: từ ngày, đến hết ngày (ngày/tháng/năm)."))
    if valid_to < valid_from:
        raise InvalidInput(_("Thời hạn ủy quyền không hợp lệ: ngày kết thúc %(to)s trước ngày bắt đầu %(from)s.")
                           % {"to": _day(valid_to), "from": _day(valid_from)})
    today = timezone.localdate()
    if valid_to < today:
        raise InvalidInput(_("Thời hạn ủy quyền đã qua: ngày kết thúc %(to)s trước hôm nay (%(today)s).")
                           % {"to": _day(valid_to), "today": _day(today)})
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not unit.acts:
        raise InvalidState(_("%(unit)s đã thôi hoạt động: không thể ủy quyền tại đơn vị này.") % {"unit": unit.name})
    role_name = Role(role).label
    if role not in delegable_roles(delegator, unit):
        raise InvalidInput(_("%(name)s không giữ vai trò “%(role)s” tại %(unit)s nên không thể ủy quyền vai trò này.")
                           % {"name": _name(delegator), "role": role_name, "unit": unit.name})
    if delegate.pk == delegator.pk:
        raise InvalidInput(_("Không thể tự ủy quyền cho chính mình."))
    if not delegate.is_active:
        raise InvalidInput(_("Tài khoản %(name)s đã bị khóa.") % {"name": _name(delegate)})
    if not Membership.objects.filter(user=delegate, unit=unit, is_active=True).exists():
        raise InvalidInput(_("%(name)s không công tác tại %(unit)s: chỉ ủy quyền cho cấp phó hoặc cán bộ của chính "
                             "đơn vị.") % {"name": _name(delegate), "unit": unit.name})
    overlapping = (Delegation.objects.filter(unit=unit, role=role, delegator=delegator, revoked_at__isnull=True)
                   .filter(Q(valid_from__lte=valid_to) & Q(valid_to__gte=valid_from)).select_related("delegate").first())
    if overlapping is not None:
        raise InvalidState(_("Đã có ủy quyền “%(role)s” cho %(name)s từ ngày %(from)s đến hết ngày %(to)s, trùng thời "
                             "gian: hãy chấm dứt ủy quyền đó trước.")
                           % {"role": role_name, "name": _name(overlapping.delegate),
                              "from": _day(overlapping.valid_from), "to": _day(overlapping.valid_to)})
    delegation = Delegation.objects.create(unit=unit, role=role, kind=kind, delegator=delegator, delegate=delegate,
                                           valid_from=valid_from, valid_to=valid_to, basis=clean_line(basis)[:255],
                                           created_by=actor)
    forget_authority()
    return delegation


@transaction.atomic
def delegation_revoke(*, delegation: Delegation, actor) -> Delegation:
    """End a delegation now (chấm dứt ủy quyền): the leader, the deputy, or an administrator."""
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if not (is_admin(actor) or actor.pk in (delegation.delegator_id, delegation.delegate_id)):
        raise NotPermitted(_("Chỉ người ủy quyền, người được ủy quyền hoặc quản trị hệ thống được chấm dứt ủy quyền."))
    if delegation.revoked_at is not None:
        raise InvalidState(_("Ủy quyền này đã chấm dứt ngày %(day)s.")
                           % {"day": _day(timezone.localtime(delegation.revoked_at))})
    delegation.revoked_at, delegation.revoked_by = timezone.now(), actor
    delegation.save(update_fields=["revoked_at", "revoked_by"])
    forget_authority()
    return delegation
