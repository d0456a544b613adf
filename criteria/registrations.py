"""Emulation registration (đăng ký thi đua): at the start of the year each unit registers the titles
and award forms it aims for (how many collectives, how many individuals) and its targets; the
province's office (Ban Thi đua – Khen thưởng of Sở Nội vụ, the campaign's home-affairs unit) confirms
the list or returns a registration with a reason. At year end a criterion of mode “registered”
checks each nominee against the confirmed registration (see `registration_check`), hard or soft as
the rulebook file says, like every other criterion."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dossiers.errors import InvalidInput, InvalidState, NotPermitted
from dossiers.models import AwardForm, Campaign, DossierStatus, Nominee, NomineeKind, Role, Unit
from dossiers.rules import is_admin, roles_at
from dossiers.text import clean_text

from .models import EmulationRegistration, RegistrationLine, RegistrationRule, RegistrationStatus

UNIT_ROLES = {Role.UNIT_OFFICER, Role.UNIT_HEAD}
MAX_COUNT = 999


@dataclass(frozen=True)
class LineInput:
    award_form: AwardForm
    nominee_kind: str
    count: int


def may_register(user, unit: Unit) -> bool:
    return bool(roles_at(user, unit.pk) & UNIT_ROLES)


def may_confirm(user, campaign: Campaign) -> bool:
    """The campaign's office for emulation and commendation (Sở Nội vụ, Ban TĐKT) or an administrator."""
    return is_admin(user) or Role.HOME_AFFAIRS in roles_at(user, campaign.home_affairs_unit_id)


def registration_open(campaign: Campaign, *, today=None) -> bool:
    rule = RegistrationRule.objects.filter(campaign=campaign).first()
    today = today or timezone.localdate()
    return rule is not None and rule.opens <= today <= rule.closes


@transaction.atomic
def registration_submit(*, campaign: Campaign, unit: Unit, actor, lines: list[LineInput],
                        targets: str = "") -> EmulationRegistration:
    """A unit's officer or head sends (or, until confirmed, sends again) the unit's registration."""
    if not may_register(actor, unit):
        raise NotPermitted(_("Chỉ cán bộ thi đua hoặc thủ trưởng của đơn vị được đăng ký thi đua cho đơn vị."))
    rule = RegistrationRule.objects.filter(campaign=campaign).first()
    if rule is None:
        raise InvalidState(_("Đợt “%(plan)s” không có đăng ký thi đua đầu năm.") % {"plan": campaign.plan_number})
    today = timezone.localdate()
    if not rule.opens <= today <= rule.closes:
        raise InvalidState(_("Đăng ký thi đua của đợt “%(plan)s” nhận từ %(opens)s đến hết %(closes)s.") % {
            "plan": campaign.plan_number, "opens": rule.opens.strftime("%d/%m/%Y"),
            "closes": rule.closes.strftime("%d/%m/%Y")})
    problems = []
    seen = set()
    for line in lines:
        if line.award_form.campaign_id != campaign.pk:
            problems.append(_("“%(form)s” không thuộc đợt thi đua này.") % {"form": line.award_form.name})
        if line.nominee_kind not in NomineeKind.values:
            problems.append(_("Loại đối tượng không hợp lệ."))
        if not isinstance(line.count, int) or not 1 <= line.count <= MAX_COUNT:
            problems.append(_("Số lượng đăng ký “%(form)s” phải từ 1 đến %(max)s.") % {
                "form": line.award_form.name, "max": MAX_COUNT})
        key = (line.award_form.pk, line.nominee_kind)
        if key in seen:
            problems.append(_("“%(form)s” được đăng ký hai lần cho cùng loại đối tượng.") % {
                "form": line.award_form.name})
        seen.add(key)
    if not lines:
        problems.append(_("Hãy đăng ký ít nhất một danh hiệu hoặc hình thức khen thưởng."))
    if problems:
        raise InvalidInput(_("Bản đăng ký thi đua chưa hợp lệ:"), problems=problems)
    registration = (EmulationRegistration.objects.select_for_update()
                    .filter(campaign=campaign, unit=unit).first())
    if registration is not None and registration.is_confirmed:
        raise InvalidState(_("Bản đăng ký thi đua của %(unit)s đã được xác nhận; muốn thay đổi, hãy liên hệ Ban Thi "
                             "đua – Khen thưởng.") % {"unit": unit.name})
    if registration is None:
        registration = EmulationRegistration(campaign=campaign, unit=unit)
    registration.status = RegistrationStatus.SUBMITTED
    registration.targets = clean_text(targets)
    registration.submitted_by = actor
    registration.submitted_at = timezone.now()
    registration.reviewed_by, registration.reviewed_at, registration.review_note = None, None, ""
    registration.save()
    registration.lines.all().delete()
    RegistrationLine.objects.bulk_create([
        RegistrationLine(registration=registration, award_form=line.award_form, nominee_kind=line.nominee_kind,
                         count=line.count) for line in lines])
    return registration


def _locked_for_review(registration: EmulationRegistration, actor) -> EmulationRegistration:
    registration = EmulationRegistration.objects.select_for_update().select_related("campaign", "unit").get(
        pk=registration.pk)
    if not may_confirm(actor, registration.campaign):
        raise NotPermitted(_("Chỉ Ban Thi đua – Khen thưởng (Sở Nội vụ) của đợt thi đua xác nhận đăng ký thi đua."))
    if registration.status != RegistrationStatus.SUBMITTED:
        raise InvalidState(_("Bản đăng ký của %(unit)s không chờ xác nhận (%(status)s).") % {
            "unit": registration.unit.name, "status": registration.get_status_display()})
    return registration


@transaction.atomic
def registration_confirm(*, registration: EmulationRegistration, actor, note: str = "") -> EmulationRegistration:
    registration = _locked_for_review(registration, actor)
    registration.status = RegistrationStatus.CONFIRMED
    registration.reviewed_by, registration.reviewed_at = actor, timezone.now()
    registration.review_note = clean_text(note)[:500]
    registration.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    return registration


@transaction.atomic
def registration_return(*, registration: EmulationRegistration, actor, note: str) -> EmulationRegistration:
    registration = _locked_for_review(registration, actor)
    note = clean_text(note)
    if len(note) < 5:
        raise InvalidInput(_("Hãy ghi lý do trả lại bản đăng ký để đơn vị sửa."))
    registration.status = RegistrationStatus.RETURNED
    registration.reviewed_by, registration.reviewed_at = actor, timezone.now()
    registration.review_note = note[:500]
    registration.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    return registration


def registration_check(nominee: Nominee) -> tuple[bool, str, str]:
    """(passed, source, note) of the registration criterion for a nominee: its dossier's unit (or a
    unit it absorbed) has a confirmed registration in the dossier's campaign for the nominee's award
    form and kind, and the unit's live proposals of that kind stay within the registered number."""
    from .services import related_unit_ids

    dossier = nominee.dossier
    units = related_unit_ids(dossier.unit)
    registrations = list(EmulationRegistration.objects.filter(campaign_id=dossier.campaign_id, unit_id__in=units)
                         .select_related("unit"))
    confirmed = [r for r in registrations if r.is_confirmed]
    kind_label = NomineeKind(nominee.kind).label.lower()
    if not confirmed:
        note = (_("%(unit)s có đăng ký thi đua nhưng chưa được Ban TĐKT xác nhận.") if registrations else
                _("%(unit)s không đăng ký thi đua đầu năm.")) % {"unit": dossier.unit.name}
        return False, "", note
    lines = list(RegistrationLine.objects.filter(registration__in=confirmed, award_form_id=dossier.award_form_id,
                                                 nominee_kind=nominee.kind))
    source = "; ".join(_("Đăng ký thi đua của %(unit)s, xác nhận %(at)s") % {
        "unit": r.unit.name, "at": date_format(timezone.localtime(r.reviewed_at), "d/m/Y")} for r in confirmed)
    if not lines:
        return False, source[:500], _("Không đăng ký “%(form)s” (%(kind)s) đầu năm.") % {
            "form": dossier.award_form.name, "kind": kind_label}
    registered = sum(line.count for line in lines)
    proposed = (Nominee.objects.filter(dossier__campaign_id=dossier.campaign_id, dossier__unit_id__in=units,
                                       dossier__award_form_id=dossier.award_form_id, kind=nominee.kind)
                .exclude(dossier__status__in=[DossierStatus.WITHDRAWN]).count())
    if proposed > registered:
        return False, source[:500], _("Đề nghị %(proposed)s %(kind)s “%(form)s”, vượt số đã đăng ký (%(registered)s).") % {
            "proposed": proposed, "registered": registered, "kind": kind_label, "form": dossier.award_form.name}
    return True, source[:500], _("Đã đăng ký %(registered)s %(kind)s “%(form)s”.") % {
        "registered": registered, "kind": kind_label, "form": dossier.award_form.name}


def registrations_for(campaign: Campaign):
    return (EmulationRegistration.objects.filter(campaign=campaign).select_related("unit", "submitted_by", "reviewed_by")
            .prefetch_related("lines__award_form").order_by("status", "unit__name"))
