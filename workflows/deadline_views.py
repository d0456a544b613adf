"""Pages for deadlines: notifications (bell, list, mark read), explanations (giải trình), apology
letters (issue, download), late-step statistics and the working-day calendar. Views only call
services and selectors; domain refusals are shown on the page."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dossiers.errors import DossierError, NotPermitted
from dossiers.forms import parse_day
from dossiers.models import CalendarDay, Membership, Role
from dossiers.rules import can_view_dossier, is_admin, roles_at
from dossiers.services import calendar_day_set

from . import deadlines, notifications
from .flows import ACTIVE
from .models import ApologyLetter, CalendarChange, DossierTask, LateExplanation, Notification


@login_required
@require_GET
def notification_list(request):
    page = Paginator(notifications.notifications_for(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_GET
def unread(request):
    return JsonResponse({"unread": notifications.unread_count(request.user)})


@login_required
@require_POST
def notification_open(request, pk):
    """Mark read and go to the dossier the notification is about."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    notifications.notification_mark_read(notification=notification, actor=request.user)
    if url_has_allowed_host_and_scheme(notification.link, allowed_hosts={request.get_host()}):
        return redirect(notification.link)
    return redirect("deadlines:notifications")


@login_required
@require_POST
def notifications_read_all(request):
    count = notifications.notifications_mark_all_read(actor=request.user)
    messages.success(request, _("Đã đánh dấu %(n)s thông báo là đã đọc.") % {"n": count})
    return redirect("deadlines:notifications")


def _is_head_or_admin(user) -> bool:
    return is_admin(user) or Membership.objects.filter(user=user, is_active=True,
                                                       role__in=[Role.UNIT_HEAD, Role.CHAIRMAN]).exists()


@login_required
@require_GET
def overview(request):
    """My steps that are late or due within the reminder window, explanations asked of me, and (for
    heads and admins) the statistics of late steps with and without an explanation."""
    pairs = list(Membership.objects.filter(user=request.user, is_active=True).values_list("unit_id", "role"))
    now = timezone.now()
    horizon = timezone.localdate(now)
    from dossiers import calendar
    from dossiers.models import local_day_end

    horizon_at = local_day_end(calendar.add_working_days(horizon, deadlines.reminder_days_before()))
    tasks = DossierTask.objects.none()
    for unit_id, role in pairs:
        tasks |= DossierTask.objects.filter(unit_id=unit_id, role=role)
    tasks = (tasks.filter(status__in=ACTIVE, due_at__lte=horizon_at)
             .select_related("dossier", "dossier__unit", "unit", "apology_letter").order_by("due_at")[:200])
    rows = [{"task": t, "overdue": t.due_at < now, "can_apologise": t.step in deadlines.ADMINISTRATION_STEPS,
             "letter": getattr(t, "apology_letter", None)} for t in tasks]
    context = {"rows": rows, "explanations": deadlines.explanations_for(request.user)[:100],
               "stats": deadlines.late_step_statistics(now=now) if _is_head_or_admin(request.user) else None,
               "today": horizon}
    return render(request, "deadlines/overview.html", context)


@login_required
@require_POST
def apology_issue(request, task_pk):
    task = get_object_or_404(DossierTask, pk=task_pk)
    if not roles_at(request.user, task.unit_id) & {task.role, Role.UNIT_HEAD}:
        raise Http404
    new_date = None
    raw = request.POST.get("new_due_date", "").strip()
    try:
        if raw:
            new_date = parse_day(raw)
        letter = deadlines.apology_issue(task=task, actor=request.user, reason=request.POST.get("reason", ""),
                                         new_due_date=new_date)
    except ValueError:
        messages.error(request, _("Ngày hẹn “%(raw)s” không hợp lệ.") % {"raw": raw})
    except DossierError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã phát hành phiếu xin lỗi số %(number)s.") % {"number": letter.number})
    return redirect("deadlines:overview")


@login_required
@require_GET
def apology_pdf(request, pk):
    letter = get_object_or_404(ApologyLetter.objects.select_related("dossier", "task"), pk=pk)
    allowed = can_view_dossier(request.user, letter.dossier) or roles_at(request.user, letter.issuing_unit_id)
    if not allowed:
        raise Http404
    if not letter.pdf:
        letter = deadlines.apology_render(letter.pk)
    response = FileResponse(letter.pdf.open("rb"), content_type="application/pdf",
                            filename=f"phieu-xin-loi-{letter.number.replace('/', '-')}.pdf")
    response["Content-Disposition"] = response["Content-Disposition"].replace("attachment", "inline")
    return response


@login_required
def explanation(request, pk):
    item = get_object_or_404(LateExplanation.objects.select_related("task", "dossier", "unit", "submitted_by"), pk=pk)
    may_write = bool(roles_at(request.user, item.unit_id) & {item.task.role, Role.UNIT_HEAD})
    if not (may_write or can_view_dossier(request.user, item.dossier)):
        raise Http404
    error, text = None, item.text
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            if not may_write:
                raise NotPermitted()
            deadlines.explanation_submit(explanation=item, actor=request.user, text=text)
        except DossierError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Đã gửi giải trình; nội dung được ghi vào nhật ký hồ sơ."))
            return redirect("deadlines:explanation", pk=item.pk)
    return render(request, "deadlines/explanation.html", {"item": item, "may_write": may_write, "error": error,
                                                          "text": text}, status=400 if error else 200)


@login_required
def calendar_days(request):
    """Administrators declare the year's extra days off and make-up working days."""
    if not is_admin(request.user):
        raise Http404
    error = None
    if request.method == "POST":
        try:
            day = parse_day(request.POST.get("day", ""))
        except ValueError:
            error = _("Hãy nhập ngày hợp lệ, dạng ngày/tháng/năm (dd/mm/yyyy).")
        note = request.POST.get("note", "").strip()
        if not error and (len(note) > 255 or "\x00" in note):
            error = _("Ghi chú tối đa 255 ký tự, không chứa ký tự điều khiển.")
        if not error:
            try:
                entry = calendar_day_set(day=day, is_working=request.POST.get("kind") == "working",
                                         note=note, actor=request.user)
            except DossierError as exc:
                error = str(exc)
        if not error:
            change = CalendarChange.objects.filter(day=entry.date).first()
            messages.success(request, _("Đã cập nhật lịch ngày %(day)s; %(n)s việc được tính lại hạn.")
                             % {"day": day.strftime("%d/%m/%Y"), "n": change.tasks_recomputed if change else 0})
            return redirect("deadlines:calendar")
    return render(request, "deadlines/calendar.html", {
        "days": CalendarDay.objects.filter(date__year__gte=timezone.localdate().year - 1),
        "changes": CalendarChange.objects.select_related("actor")[:50], "error": error},
        status=400 if error else 200)
