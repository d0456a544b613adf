"""Pages of the criteria app: metrics import, campaign reports (charts + Excel), a dossier's
criteria (evaluation, override, assessments, auto-filled documents). Views only call services."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dossiers.errors import DossierError
from dossiers.models import Campaign, Dossier, Membership, Nominee, Role
from dossiers.rules import can_view_dossier, is_admin, is_unit_member, roles_at
from dossiers.spreadsheets import xlsx_without_formulas

from . import charts, documents, exports, metrics, services
from .errors import ImportRejected
from .forms import AssessmentForm, MetricImportForm, OverrideForm, ReportDraftForm
from .models import Criterion, MetricImport, ReportDraft
from .selectors import campaign_report

log = logging.getLogger("khenthuong.criteria")
REPORT_ROLES = {Role.APPRAISER, Role.HOME_AFFAIRS, Role.CHAIRMAN, Role.ADMIN, Role.UNIT_HEAD}
CAMPAIGNS_PAGE_SIZE = 50


def can_see_reports(user, campaign) -> bool:
    if is_admin(user):
        return True
    return any(roles_at(user, unit_id) & REPORT_ROLES for unit_id in
               {campaign.appraising_unit_id, campaign.home_affairs_unit_id, campaign.issuing_unit_id} - {None})


def _reportable_campaigns(user):
    """The campaigns whose reports `user` may see, as one query (can_see_reports for every campaign:
    a role of REPORT_ROLES at the campaign's appraising, home-affairs or issuing unit; all for an admin)."""
    campaigns = Campaign.objects.select_related("appraising_unit", "issuing_unit").order_by("-window_opens", "-pk")
    if is_admin(user):
        return campaigns
    units = Membership.objects.filter(user=user, is_active=True, unit__successor__isnull=True,
                                      role__in=REPORT_ROLES).values("unit_id")
    return campaigns.filter(Q(appraising_unit__in=units) | Q(home_affairs_unit__in=units) | Q(issuing_unit__in=units))


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
def campaign_list(request):
    page = Paginator(_reportable_campaigns(request.user), CAMPAIGNS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "criteria/campaigns.html", {"campaigns": page.object_list, "page": page,
                                                        "can_import": metrics.can_import_any(request.user)})


@login_required
def reports(request, pk):
    campaign = get_object_or_404(Campaign, pk=pk)
    if not can_see_reports(request.user, campaign):
        raise Http404
    report = campaign_report(campaign, request.user)
    levels = report["status"]["levels"]
    status_rows = report["status"]["rows"]
    summary = report["evaluation"]
    context = {
        **report,
        "can_import": metrics.can_import(request.user, campaign),
        "chart_status": charts.stacked_chart([(r["status"], r["by_level"]) for r in status_rows],
                                             [lv.name for lv in levels], title=_("Hồ sơ theo trạng thái và cấp")),
        "chart_nominees": charts.stacked_chart([(r["status"], [r["collectives"], r["individuals"]])
                                                for r in status_rows], [_("Tập thể"), _("Cá nhân")],
                                               title=_("Đối tượng theo trạng thái hồ sơ")),
        "chart_on_time": charts.bar_chart([(s["label"], s["rate"]) for s in report["timeliness"]["steps"]],
                                          title=_("Tỷ lệ đúng hạn theo bước (%)"), suffix="%", max_value=100,
                                          color=charts.PALETTE[1]),
        "chart_step_days": charts.bar_chart([(s["label"], s["avg_days"]) for s in report["timeliness"]["steps"]],
                                            title=_("Số ngày xử lý trung bình theo bước"), formatter=charts.days_label),
        "chart_unit_days": charts.bar_chart([(u["label"], u["avg_days"]) for u in report["timeliness"]["units"]],
                                            title=_("Số ngày xử lý trung bình theo đơn vị"), formatter=charts.days_label,
                                            color=charts.PALETTE[2]),
        "chart_criteria": charts.bar_chart([(c["name"], c["rate"]) for c in report["criteria"]],
                                           title=_("Tỷ lệ đạt theo tiêu chí (%)"), suffix="%", max_value=100,
                                           color=charts.PALETTE[1]),
        "chart_evaluation": charts.stacked_chart(
            [(_("Tập thể"), [summary.get("passed", 0), summary.get("overridden", 0), summary.get("failed", 0),
                             summary.get("pending", 0)])],
            [_("Đạt"), _("Không đạt, có vượt quyền"), _("Không đạt"), _("Chưa đối chiếu")],
            title=_("Kết quả đối chiếu tiêu chí của tập thể"),
            colors=[charts.PALETTE[1], charts.PALETTE[2], charts.PALETTE[3], charts.PALETTE[6]]),
        "chart_awards": charts.stacked_chart([(a["name"], [a["collectives"], a["individuals"]])
                                              for a in report["awards"]], [_("Tập thể"), _("Cá nhân")],
                                             title=_("Khen thưởng theo hình thức")),
    }
    return render(request, "criteria/reports.html", context)


@login_required
def reports_xlsx(request, pk):
    campaign = get_object_or_404(Campaign, pk=pk)
    if not can_see_reports(request.user, campaign):
        raise Http404
    response = HttpResponse(xlsx_without_formulas(exports.campaign_workbook(campaign, request.user)),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = slugify(campaign.plan_number) or "dot-thi-dua"
    response["Content-Disposition"] = f'attachment; filename="bao-cao-{name}.xlsx"'
    return response


@login_required
def metrics_upload(request):
    campaigns = [c for c in Campaign.objects.order_by("-window_opens") if metrics.can_import(request.user, c)]
    if not campaigns:
        raise Http404
    form = MetricImportForm(request.POST or None, request.FILES or None,
                            initial={"campaign": request.GET.get("campaign")})
    form.fields["campaign"].queryset = Campaign.objects.filter(pk__in=[c.pk for c in campaigns])
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = metrics.metrics_import(campaign=form.cleaned_data["campaign"], actor=request.user,
                                            file=form.cleaned_data["file"], note=form.cleaned_data["note"])
            messages.success(request, _("Đã nhập phiên bản %(v)s: %(units)s đơn vị, %(n)s số liệu.") % {
                "v": report.metric_import.version, "units": report.units, "n": report.figures})
        except ImportRejected as exc:
            report = exc.report
            messages.error(request, exc.message)
        except DossierError as exc:
            messages.error(request, str(exc))
    imports = MetricImport.objects.filter(campaign__in=campaigns).select_related("campaign", "uploaded_by")[:20]
    return render(request, "criteria/import.html", {"form": form, "report": report, "imports": imports})


@login_required
def metrics_template(request):
    response = HttpResponse(metrics.template_workbook(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-so-lieu.xlsx"'
    return response


def _dossier_for(request, pk) -> Dossier:
    dossier = get_object_or_404(Dossier.objects.select_related("campaign", "award_form", "unit"), pk=pk)
    if not can_view_dossier(request.user, dossier):
        raise Http404  # another unit's dossier: not found, not "forbidden"
    return dossier


@login_required
def dossier_criteria(request, pk, override_form=None, assessment_form=None):
    dossier = _dossier_for(request, pk)
    judged = {}
    for nominee in dossier.nominees.all():
        judged[nominee.pk] = list(Criterion.objects.filter(award_form=dossier.award_form, nominee_kind=nominee.kind,
                                                           mode="judged"))
    return render(request, "criteria/dossier.html", {
        "dossier": dossier, "nominees": list(dossier.nominees.select_related("unit", "person")),
        "judged": judged, "override_form": override_form, "assessment_form": assessment_form,
        "is_unit_member": is_unit_member(request.user, dossier),
        "may_reevaluate": services.may_reevaluate(request.user, dossier),
    })


@login_required
@require_POST
def dossier_evaluate(request, pk):
    dossier = _dossier_for(request, pk)
    try:
        evaluations = services.dossier_evaluate(dossier=dossier, actor=request.user)
        messages.success(request, _("Đã đối chiếu tiêu chí cho %(n)s đối tượng.") % {"n": len(evaluations)})
    except DossierError as exc:
        messages.error(request, str(exc))
    next_url = request.POST.get("next", "")
    # A local path only, redirected as a URL: redirect() would look a bare word up as a view name.
    if next_url.startswith("/") and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(next_url)
    return redirect("criteria:dossier", pk=dossier.pk)


@login_required
@require_POST
def dossier_override(request, pk):
    dossier = _dossier_for(request, pk)
    form = OverrideForm(request.POST)
    if form.is_valid():
        nominee = get_object_or_404(Nominee, pk=form.cleaned_data["nominee"], dossier=dossier)
        try:
            services.criteria_override(dossier=dossier, nominee=nominee, actor=request.user,
                                       reason=form.cleaned_data["reason"])
            messages.success(request, _("Đã ghi ý kiến vượt quyền cho %(name)s.") % {"name": nominee.name})
            return redirect("criteria:dossier", pk=dossier.pk)
        except DossierError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("Hãy ghi rõ lý do vượt quyền (ít nhất 10 ký tự)."))
    return dossier_criteria(request, pk, override_form=form)


@login_required
@require_POST
def dossier_assess(request, pk):
    dossier = _dossier_for(request, pk)
    form = AssessmentForm(request.POST)
    if form.is_valid():
        nominee = get_object_or_404(Nominee, pk=form.cleaned_data["nominee"], dossier=dossier)
        criterion = get_object_or_404(Criterion, pk=form.cleaned_data["criterion"])
        try:
            services.criterion_assess(nominee=nominee, criterion=criterion, actor=request.user,
                                      passed=form.cleaned_data["passed"], comment=form.cleaned_data["comment"])
            messages.success(request, _("Đã ghi đánh giá."))
            return redirect("criteria:dossier", pk=dossier.pk)
        except DossierError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("Hãy chọn đạt / không đạt và ghi nhận xét."))
    return dossier_criteria(request, pk, assessment_form=form)


@login_required
def form07(request, pk, nominee_pk):
    dossier = _dossier_for(request, pk)
    nominee = get_object_or_404(Nominee, pk=nominee_pk, dossier=dossier)
    pdf = documents.form07_pdf(nominee=nominee, actor=request.user)
    return _pdf(pdf, f"bao-cao-thanh-tich-{dossier.pk}-{nominee.pk}.pdf")


@login_required
def report_draft(request, pk, nominee_pk):
    dossier = _dossier_for(request, pk)
    nominee = get_object_or_404(Nominee, pk=nominee_pk, dossier=dossier)
    if not is_unit_member(request.user, dossier):
        raise Http404
    instance = ReportDraft.objects.filter(nominee=nominee).first()
    form = ReportDraftForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            documents.report_draft_save(nominee=nominee, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Đã lưu phần lời văn của báo cáo thành tích."))
            return redirect("criteria:dossier", pk=dossier.pk)
        except DossierError as exc:
            messages.error(request, str(exc))
    return render(request, "criteria/report_draft.html", {"dossier": dossier, "nominee": nominee, "form": form})


@login_required
def proposal_pdf(request, pk):
    campaign = get_object_or_404(Campaign, pk=pk)
    if not metrics.can_import(request.user, campaign):
        raise Http404
    return _pdf(documents.proposal_pdf(campaign=campaign, actor=request.user), f"to-trinh-{campaign.pk}.pdf")


@login_required
def consolidated_pdf(request, pk):
    campaign = get_object_or_404(Campaign, pk=pk)
    if not metrics.can_import(request.user, campaign):
        raise Http404
    return _pdf(documents.consolidated_pdf(campaign=campaign, actor=request.user), f"tong-hop-{campaign.pk}.pdf")
