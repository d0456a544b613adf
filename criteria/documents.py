"""Auto-filled documents (PDF, WeasyPrint, shipped Tinos fonts): the form-07 achievement report of a
nominee, and the appraising unit's tờ trình and consolidated list (danh sách tổng hợp). Everything
the system knows is filled in; only the free-text parts (ReportDraft) are written by the unit."""

import contextlib
import contextvars
import datetime as dt
import hashlib
import os
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.errors import NotPermitted
from dossiers.models import (
    Dossier, DossierStatus, EventKind, Membership, Nominee, NomineeKind, Outcome, Role, Step, regime_form,
)
from dossiers.rules import can_view_dossier
from dossiers.policy import Action, require
from dossiers.services import lock_dossier, record_event
from dossiers.text import clean_text, in_official_language

from .metrics import can_import
from .models import METRICS, ReportDraft
from .services import build_lines, criteria_for, current_evaluation, fmt, latest_import, related_unit_ids, unit_figures

FONT_DIR = settings.BASE_DIR / "static" / "fonts"
FORWARDED = [DossierStatus.APPRAISED, DossierStatus.AWAITING_DECISION, DossierStatus.DECIDED]


def vn_date(day: dt.date) -> str:
    d = f"{day.day:02d}" if day.day < 10 else str(day.day)
    m = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {d} tháng {m} năm {day.year}"


_render_cache: contextvars.ContextVar[Path | None] = contextvars.ContextVar("render_cache", default=None)


@contextlib.contextmanager
def renders_kept_in(folder: Path):
    """Within the block, a page already rendered once (the same template, HTML, fonts and WeasyPrint) is read
    back from ``folder`` instead of laid out again. For the demo loader, which makes some eighty PDFs each time
    it runs, most of them the same from one run to the next; what users ask for is always rendered anew."""
    token = _render_cache.set(Path(folder))
    try:
        yield
    finally:
        _render_cache.reset(token)


def _fonts_stamp() -> str:
    return ",".join(f"{font.name}:{font.stat().st_size}" for font in sorted(FONT_DIR.glob("*.ttf")))


def render_pdf(template: str, context: dict) -> bytes:
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    html = render_to_string(template, context)
    folder = _render_cache.get()
    if folder is not None:
        key = hashlib.sha256("\0".join((weasyprint.__version__, _fonts_stamp(), template, html)).encode())
        kept = folder / f"{key.hexdigest()}.pdf"
        if kept.exists():
            return kept.read_bytes()
    pdf = weasyprint.HTML(string=html, base_url=str(FONT_DIR) + "/").write_pdf(font_config=FontConfiguration())
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        partial = kept.with_name(f"{kept.name}.{os.getpid()}.part")
        partial.write_bytes(pdf)
        os.replace(partial, kept)  # another process writing the same page at once leaves one whole file
    return pdf


def form_refs(campaign) -> dict:
    """The pinned regime's form references for the pre-filled documents ("Mẫu số 07, Nghị định
    91/2017/NĐ-CP"), by document type; empty strings when the regime lists no form number."""
    refs = {}
    for code in ("to-trinh", "bien-ban-hop-xet", "bao-cao-thanh-tich", "tong-hop"):
        form = regime_form(campaign, code)
        refs[code.replace("-", "_")] = form.reference if form and form.number else ""
    report = regime_form(campaign, "bao-cao-thanh-tich")
    refs["report_name"] = report.display_name if report else _("Báo cáo thành tích")
    return refs


def head_of(unit) -> Membership | None:
    return (Membership.objects.filter(unit=unit, role=Role.UNIT_HEAD, is_active=True).select_related("user")
            .order_by("pk").first())


def signer_name(membership: Membership | None) -> str:
    if membership is None:
        return ""
    return membership.user.get_full_name() or membership.user.get_username()


def criterion_rows(nominee: Nominee) -> tuple[list[dict], object]:
    """One row per criterion: requirement, result, verdict — from the frozen evaluation when there is
    one, else computed now from the newest figures."""
    evaluation = current_evaluation(nominee)
    if evaluation is not None:
        lines, metric_import = list(evaluation.lines.all()), evaluation.metric_import
    else:
        lines, metric_import, _f = build_lines(nominee, criteria_for(nominee))
    rows = []
    for line in lines:
        if line.is_judged:
            requirement, result = _("Hội đồng / chuyên viên đánh giá"), line.note or "—"
        else:
            requirement = f"{line.get_comparison_display()} {fmt(line.threshold)}%" if line.threshold is not None \
                else (line.note or "—")
            if line.plan_value is not None and line.threshold is not None:
                requirement += _(" (kế hoạch %(plan)s%% + %(n)s điểm)") % {
                    "plan": fmt(line.plan_value), "n": fmt(line.threshold - line.plan_value)}
            result = f"{fmt(line.value)}%" if line.value is not None else _("Chưa có số liệu")
        verdict = {True: _("Đạt"), False: _("Không đạt"), None: _("Chưa xác định")}[line.passed]
        rows.append({"name": line.criterion_name, "requirement": requirement, "result": result,
                     "verdict": verdict, "passed": line.passed})
    return rows, metric_import


def past_awards(nominee: Nominee) -> list[str]:
    """Awards the system already holds for this unit (and the units it absorbed) or person."""
    others = Nominee.objects.filter(outcome=Outcome.AWARDED).exclude(pk=nominee.pk) \
        .select_related("dossier__award_form", "dossier__campaign")
    if nominee.kind == NomineeKind.COLLECTIVE:
        others = others.filter(unit_id__in=related_unit_ids(nominee.unit))
    else:
        others = others.filter(person_id=nominee.person_id)
    items = []
    for other in others.order_by("dossier__decided_at"):
        when = timezone.localtime(other.dossier.decided_at).year if other.dossier.decided_at else ""
        items.append(f"{other.dossier.award_form.name} ({when}) — {other.dossier.campaign.plan_number}")
    return items


def form07_context(nominee: Nominee) -> dict:
    dossier = nominee.dossier
    campaign, unit = dossier.campaign, dossier.unit
    subject = nominee.unit if nominee.kind == NomineeKind.COLLECTIVE else unit
    metric_import = latest_import(campaign)
    figures, source = unit_figures(metric_import, subject)
    rows, used_import = criterion_rows(nominee)
    draft = ReportDraft.objects.filter(nominee=nominee).first() or ReportDraft(nominee=nominee)
    summary = ""
    if figures.get("received") is not None and figures.get("digitized") is not None:
        summary = _("Trong thời gian thi đua từ %(start)s đến %(end)s, %(unit)s đã tiếp nhận %(received)s hồ sơ thủ tục "
                    "hành chính, số hóa %(digitized)s hồ sơ, đạt tỷ lệ %(rate)s%%.") % {
            "start": campaign.period_start.strftime("%d/%m/%Y"), "end": campaign.period_end.strftime("%d/%m/%Y"),
            "unit": subject.name, "received": f"{int(figures['received']):,}".replace(",", "."),
            "digitized": f"{int(figures['digitized']):,}".replace(",", "."),
            "rate": fmt(figures.get("digitization_rate"))}
    figure_rows = [{"label": METRICS[slug][0], "value": (fmt(v) + "%") if METRICS[slug][1] else
                    f"{int(v):,}".replace(",", ".")} for slug in METRICS if (v := figures.get(slug)) is not None]
    return {
        "nominee": nominee, "dossier": dossier, "campaign": campaign, "unit": unit, "subject": subject,
        "parent_name": (unit.parent.name if unit.parent else "UBND tỉnh Lạng Sơn").upper(),
        "is_collective": nominee.kind == NomineeKind.COLLECTIVE,
        "summary": summary, "figure_rows": figure_rows, "source": source, "criterion_rows": rows,
        "used_import": used_import, "draft": draft, "past_awards": past_awards(nominee),
        "head": head_of(unit), "head_name": signer_name(head_of(unit)),
        "today": vn_date(timezone.localdate()), "form_ref": form_refs(campaign)["bao_cao_thanh_tich"],
    }


@in_official_language
def form07_pdf(*, nominee: Nominee, actor) -> bytes:
    if not can_view_dossier(actor, nominee.dossier):
        raise NotPermitted()
    return render_pdf("criteria/pdf/form07.html", form07_context(nominee))


@transaction.atomic
def report_draft_save(*, nominee: Nominee, actor, situation: str, duties: str, measures: str,
                      past_awards: str) -> ReportDraft:
    """The unit writes the free-text parts of its achievement report (the figures are not editable)."""
    dossier = lock_dossier(nominee.dossier_id, seen_status=None)
    require(actor, dossier, Action.EDIT_REPORTS,
            not_now=_("Báo cáo thành tích chỉ sửa được khi hồ sơ còn ở đơn vị."))
    draft, _created = ReportDraft.objects.update_or_create(nominee=nominee, defaults={
        "situation": clean_text(situation), "duties": clean_text(duties), "measures": clean_text(measures),
        "past_awards": clean_text(past_awards), "updated_by": actor, "updated_at": timezone.now()})
    record_event(dossier=dossier, actor=actor, kind=EventKind.NOTE,
                 comment=_("Cập nhật phần lời văn báo cáo thành tích của %(name)s") % {"name": nominee.name},
                 data={"report_draft": draft.pk, "nominee": nominee.pk})
    return draft


def consolidated_rows(campaign, award_form=None) -> list[dict]:
    """Nominees the appraising unit forwarded (or that are decided), with their criteria results."""
    dossiers = Dossier.objects.filter(campaign=campaign, status__in=FORWARDED).select_related("unit__level",
                                                                                                "award_form")
    if award_form is not None:
        dossiers = dossiers.filter(award_form=award_form)
    rows = []
    for dossier in dossiers.order_by("unit__level__rank", "unit__name"):
        for nominee in dossier.nominees.select_related("unit", "person"):
            evaluation = current_evaluation(nominee)
            lines = {line.criterion_name: line for line in evaluation.lines.all()} if evaluation else {}
            rate = next((line for line in lines.values() if line.criterion and line.criterion.metric ==
                         "digitization_rate"), None)
            rows.append({
                "nominee": nominee, "dossier": dossier, "kind": nominee.get_kind_display(),
                "name": nominee.name, "unit": dossier.unit.name, "level": dossier.unit.level.name,
                "position": nominee.position,
                "rate": f"{fmt(rate.value)}%" if rate and rate.value is not None else "",
                "evaluation": (_("Đạt") if evaluation.passed else _("Không đạt")) if evaluation else
                _("Chưa đối chiếu"),
                "override": evaluation.override.reason if evaluation and evaluation.override else "",
                "votes": nominee.votes_for, "award_form": dossier.award_form.name,
            })
    return rows


def appraisal_context(campaign) -> dict:
    rows = consolidated_rows(campaign)
    appraising = campaign.appraising_unit
    received = Dossier.objects.filter(campaign=campaign, submitted_at__isnull=False).exclude(
        status=DossierStatus.WITHDRAWN).count()
    form = campaign.award_forms.order_by("pk").first()
    return {
        "campaign": campaign, "appraising": appraising, "rows": rows, "form": form,
        "collectives": [r for r in rows if r["nominee"].kind == NomineeKind.COLLECTIVE],
        "individuals": [r for r in rows if r["nominee"].kind == NomineeKind.INDIVIDUAL],
        "received": received, "forwarded": len({r["dossier"].pk for r in rows}),
        "overridden": sum(1 for r in rows if r["override"]),
        "head_name": signer_name(head_of(appraising)) if appraising else "",
        "today": vn_date(timezone.localdate()), "forms": form_refs(campaign),
    }


@in_official_language
def proposal_pdf(*, campaign, actor) -> bytes:
    """Tờ trình of the appraising unit to the deciding authority, with the list attached."""
    if not can_import(actor, campaign):
        raise NotPermitted()
    return render_pdf("criteria/pdf/to_trinh.html", appraisal_context(campaign))


@in_official_language
def consolidated_pdf(*, campaign, actor) -> bytes:
    if not can_import(actor, campaign):
        raise NotPermitted()
    return render_pdf("criteria/pdf/tong_hop.html", appraisal_context(campaign))


__all__ = ["form07_pdf", "proposal_pdf", "consolidated_pdf", "report_draft_save", "Step"]


# --- the unit's own documents, generated from its dossier (the demo seeds them as real PDFs) -----------
def unit_documents_context(dossier) -> dict:
    nominees = list(dossier.nominees.select_related("person", "unit"))
    from dossiers.models import CouncilMeeting

    meeting = CouncilMeeting.objects.filter(dossier=dossier).first()
    unit = dossier.unit
    return {
        "dossier": dossier, "campaign": dossier.campaign, "form": dossier.award_form, "unit": unit,
        "parent_name": (unit.parent.name if unit.parent_id else "UBND tỉnh Lạng Sơn").upper(),
        "collectives": [n for n in nominees if n.kind == NomineeKind.COLLECTIVE],
        "individuals": [n for n in nominees if n.kind == NomineeKind.INDIVIDUAL],
        "nominees": nominees, "meeting": meeting,
        "absent": meeting.members_total - meeting.members_present if meeting else None,
        "meeting_date": vn_date(meeting.held_on) if meeting else "",
        "head_name": signer_name(head_of(unit)), "today": vn_date(timezone.localdate()),
        "deciding": dossier.award_form.deciding_unit, "forms": form_refs(dossier.campaign),
    }


@in_official_language
def unit_proposal_pdf(*, dossier, actor) -> bytes:
    """Tờ trình đề nghị khen thưởng of the unit, with the list of its nominees (a second page)."""
    if not can_view_dossier(actor, dossier):
        raise NotPermitted()
    return render_pdf("criteria/pdf/unit_to_trinh.html", unit_documents_context(dossier))


@in_official_language
def council_minutes_pdf(*, dossier, actor) -> bytes:
    """Biên bản họp xét of the unit's council: attendance, then the vote for each nominee."""
    if not can_view_dossier(actor, dossier):
        raise NotPermitted()
    return render_pdf("criteria/pdf/bien_ban.html", unit_documents_context(dossier))
