"""Pages: import a dossier's nominees (unit officer, head), provision units and accounts (administrator);
each with its template to download and a row-by-row report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dossiers.errors import DossierError
from dossiers.policy import Action, may
from dossiers.rules import is_admin
from dossiers.selectors import visible_dossier_or_404

from . import services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def nominees(request, pk):
    dossier = visible_dossier_or_404(request.user, pk)
    if not may(request.user, dossier, Action.EDIT_NOMINEES):
        raise Http404
    context = {"dossier": dossier, "report": None, "error": None}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = _("Hãy chọn tệp Excel để nhập.")
            return render(request, "imports/nominees.html", context, status=400)
        try:
            report = services.nominees_import(dossier=dossier, actor=request.user, file=upload)
        except DossierError as exc:
            context["error"] = str(exc)
            return render(request, "imports/nominees.html", context, status=400)
        if report.ok:
            messages.success(request, _("Đã nhập %(total)s dòng: %(new)s đối tượng mới, %(upd)s cập nhật.")
                             % {"total": report.rows_total, "new": report.created, "upd": report.updated})
            return redirect("dossiers:detail", pk=dossier.pk)
        context["report"] = report
        return render(request, "imports/nominees.html", context, status=400)
    return render(request, "imports/nominees.html", context)


@login_required
@require_GET
def nominee_template(request):
    return _xlsx(services.nominee_template(), "mau-nhap-doi-tuong.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def provision(request):
    if not is_admin(request.user):
        raise Http404
    context = {"report": None, "error": None}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = _("Hãy chọn tệp Excel để nhập.")
            return render(request, "imports/provision.html", context, status=400)
        try:
            report = services.provision_import(actor=request.user, file=upload)
        except DossierError as exc:
            context["error"] = str(exc)
            return render(request, "imports/provision.html", context, status=400)
        if report.ok:
            messages.success(request, _("Đã nhập %(total)s dòng: %(new)s mới, %(upd)s cập nhật.")
                             % {"total": report.rows_total, "new": report.created, "upd": report.updated})
            return redirect("imports:provision")
        context["report"] = report
        return render(request, "imports/provision.html", context, status=400)
    return render(request, "imports/provision.html", context)


@login_required
@require_GET
def provision_template(request):
    if not is_admin(request.user):
        raise Http404
    return _xlsx(services.provision_template(), "mau-nhap-don-vi-tai-khoan.xlsx")
