"""The landing page (each role lands on its own work) and the top bar's context processor."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from dossiers import selectors as dossier_selectors
from criteria.views import REPORT_ROLES
from dossiers.models import Role

from .. import selectors


# --- home ----------------------------------------------------------------------------------------
HOME_TASKS = 10  # the first open tasks by due date; the inbox pages the rest


@login_required
def home(request):
    """Each role lands on its own work: a unit sees open campaigns (with the countdown) and its
    dossiers; reviewers and signers see their inbox."""
    user = request.user
    roles = {role for _unit, role in selectors.user_pairs(user)}
    is_unit = bool(roles & {Role.UNIT_OFFICER, Role.UNIT_HEAD})
    is_reviewer = bool(roles & {Role.APPRAISER, Role.HOME_AFFAIRS, Role.CHAIRMAN}) or user.is_superuser
    now = timezone.now()
    tasks = selectors.inbox_tasks(selectors.inbox(user, now=now).values_list("pk", flat=True)[:HOME_TASKS])
    counts = selectors.inbox_summary(user, now=now) if tasks else {"total": 0, "overdue": 0, "due_soon": 0}
    request._inbox_total = counts["total"]   # the top bar's count (nav_context), not counted again
    context = {
        "is_unit": is_unit,
        "is_reviewer": is_reviewer,
        "is_chairman": Role.CHAIRMAN in roles,
        "campaigns": dossier_selectors.open_campaigns_for(user, now=now) if is_unit else [],
        "dossiers": list(dossier_selectors.unit_dossiers(user)[:30]) if is_unit else [],
        "tasks": tasks,
        "now": now,
        "due_soon_at": now + selectors.DUE_SOON,
        # counted over every open task, not over the few listed (issue 11: true counts)
        "overdue": counts["overdue"],
        "due_soon": counts["due_soon"],
    }
    return render(request, "home.html", context)

# --- navigation (context processor) ---------------------------------------------------------------
def nav_context(request):
    """What the top bar needs: whether the user has an inbox, its size, whether they sign decisions."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # once per request: a page that renders a panel with the request too (render_to_string) would
    # count the inbox again (at 100,000 dossiers an appraiser's 7,440 open tasks: ~25 ms a count)
    cached = getattr(request, "_nav_context", None)
    if cached is not None:
        return cached
    roles = {role for _unit, role in selectors.user_pairs(user)}
    request._nav_context = {"nav_has_inbox": bool(roles) or user.is_superuser,
            "nav_inbox_count": (getattr(request, "_inbox_total", None) or selectors.inbox_count(user)) if roles else 0,
            "nav_is_chairman": Role.CHAIRMAN in roles,
            "nav_reports": bool(roles & REPORT_ROLES) or user.is_superuser,
            "nav_registration": bool(roles & {Role.UNIT_OFFICER, Role.UNIT_HEAD, Role.HOME_AFFAIRS}),
            "nav_deadlines": bool(roles - {Role.UNIT_OFFICER}) or user.is_superuser,
            "nav_funds": bool(roles & {Role.CHAIRMAN, Role.HOME_AFFAIRS, Role.ADMIN}) or user.is_superuser,
            "nav_structure": bool(roles & {Role.UNIT_HEAD, Role.CHAIRMAN, Role.ADMIN})}
    return request._nav_context
