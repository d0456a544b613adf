"""The unit's moves from the dossier page: create, finish the preparation steps, submit, resubmit
(with the written replies to returned items), withdraw. Each POST calls workflows.services; a
DossierError comes back on the dossier page with the user's input kept."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dossiers import selectors as dossier_selectors
from dossiers import services as dossier_services
from dossiers.errors import DossierError, InvalidInput
from dossiers.models import AwardForm, Campaign, ReturnRequest, Unit
from dossiers.policy import Action, possible
from dossiers.views import check_seen_status, dossier_url, error_overrides, render_dossier

from .. import services
from ._common import _int


# --- the unit -------------------------------------------------------------------------------------
@login_required
@require_POST
def dossier_create(request):
    campaign = get_object_or_404(Campaign, pk=_int(request.POST.get("campaign")))
    award_form = get_object_or_404(AwardForm, pk=_int(request.POST.get("award_form")), campaign=campaign)
    unit = get_object_or_404(Unit, pk=_int(request.POST.get("unit")))
    try:
        dossier = services.dossier_create(campaign=campaign, award_form=award_form, unit=unit, actor=request.user)
    except DossierError as exc:
        messages.error(request, exc.message)
        return redirect("home")
    messages.success(request, _("Đã lập hồ sơ #%(pk)s. Hãy thêm đối tượng và tải lên các thành phần hồ sơ.")
                     % {"pk": dossier.pk})
    return redirect(dossier_url(dossier))


@login_required
@require_POST
def complete_steps(request, pk):
    """"Hoàn tất, trình thủ trưởng": finish every preparation step that is complete, in order, so an
    officer who prepared everything at once needs one click."""
    dossier = dossier_selectors.visible_dossier_or_404(request.user, pk)
    done = []
    try:
        check_seen_status(request, dossier)
        if not possible(dossier, Action.PREPARE):
            raise InvalidInput(_("Hồ sơ không còn ở bước chuẩn bị của đơn vị."))
        while possible(dossier, Action.PREPARE):
            step = dossier.current_step
            dossier = services.dossier_complete_step(dossier=dossier, actor=request.user, step=step)
            done.append(str(step.label))
    except DossierError as exc:
        if done:
            messages.success(request, _("Đã hoàn thành: %(steps)s.") % {"steps": ", ".join(done)})
        return render_dossier(request, dossier, status=exc.status_code, **error_overrides(exc))
    if possible(dossier, Action.SUBMIT):
        messages.success(request, _("Hồ sơ đã đủ thành phần và được trình thủ trưởng đơn vị ký gửi."))
    else:
        messages.success(request, _("Đã hoàn thành: %(steps)s.") % {"steps": ", ".join(done)})
    return redirect(dossier_url(dossier))


def _path_action(request, pk, act, success: str, **keep):
    """One move along the path from the dossier page: the service does the work; a refusal comes
    back on the same page with what was typed (`keep`) still in the form."""
    dossier = dossier_selectors.visible_dossier_or_404(request.user, pk)
    try:
        check_seen_status(request, dossier)
        act(dossier)
    except DossierError as exc:
        return render_dossier(request, dossier, status=exc.status_code, **keep, **error_overrides(exc))
    messages.success(request, success)
    return redirect(dossier_url(dossier))


@login_required
@require_POST
def dossier_submit(request, pk):
    comment = request.POST.get("comment", "")
    return _path_action(request, pk, lambda d: services.dossier_submit(dossier=d, actor=request.user,
                                                                      comment=comment),
                        _("Đã ký và gửi hồ sơ để thẩm định. In giấy tiếp nhận hồ sơ và hẹn trả kết quả từ "
                          "đường dẫn ở đầu trang."))


@login_required
@require_POST
def dossier_resubmit(request, pk):
    """The unit's written replies to returned items (reply_<n>) are saved first, whatever happens
    next; "save" stops there, otherwise the dossier is sent back (refused while an item is unanswered)."""
    dossier = dossier_selectors.visible_dossier_or_404(request.user, pk)
    comment = request.POST.get("comment", "")
    replies = {int(key[6:]): value for key, value in request.POST.items()
               if key.startswith("reply_") and key[6:].isdigit() and len(key) < 12}
    try:
        check_seen_status(request, dossier)
        if replies:
            dossier_services.return_reply(dossier=dossier, actor=request.user, replies=replies)
        if request.POST.get("action") == "save":
            messages.success(request, _("Đã lưu ý kiến của đơn vị."))
            return redirect(dossier_url(dossier))
        request_pk = ReturnRequest.objects.filter(dossier=dossier, resolved_at__isnull=True).values_list(
            "pk", flat=True).first()
        services.dossier_resubmit(dossier=dossier, actor=request.user, comment=comment)
    except DossierError as exc:
        return render_dossier(request, dossier, status=exc.status_code, replies_posted=replies, resubmit_comment=comment,
                              **error_overrides(exc))
    if ReturnRequest.objects.filter(pk=request_pk, late=True).exists():
        messages.warning(request, _("Đã gửi lại hồ sơ đã bổ sung, sau hạn bổ sung: lần gửi này được ghi nhận là "
                                    "quá hạn."))
    else:
        messages.success(request, _("Đã gửi lại hồ sơ đã bổ sung."))
    return redirect(dossier_url(dossier))


@login_required
@require_POST
def dossier_withdraw(request, pk):
    reason = request.POST.get("reason", "")
    return _path_action(request, pk, lambda d: services.dossier_withdraw(dossier=d, actor=request.user,
                                                                        reason=reason),
                        _("Đã rút hồ sơ."), withdraw_reason=reason)
