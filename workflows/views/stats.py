"""The dashboard: dossiers by status, days per step, on-time and satisfaction rates."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dossiers.models import Campaign

from .. import selectors
from ._common import _int


# --- dashboard ------------------------------------------------------------------------------------
@login_required
def dashboard(request):
    # the current campaign unless another is chosen; "all": every campaign (still the summary rows)
    choice = request.GET.get("campaign", "")
    campaign_id = _int(choice)
    if choice == "all":
        campaign = None
    elif campaign_id:
        campaign = Campaign.objects.filter(pk=campaign_id).first()
    else:
        campaign = selectors.current_campaign()
    stats = selectors.dashboard(request.user, campaign=campaign)
    peak = max([count for _v, _l, count in stats.by_status] + [1])
    status_bars = [{"value": v, "label": label, "count": count, "width": 100.0 * count / peak}
                   for v, label, count in stats.by_status]
    days_peak = max([days for _l, days, _n in stats.step_days] + [1])
    step_bars = [{"label": label, "days": days, "count": n, "width": 100.0 * days / days_peak}
                 for label, days, n in stats.step_days]
    rating_peak = max([n for _s, n in stats.rating_histogram] + [1])
    rating_bars = [{"score": s, "count": n, "width": 100.0 * n / rating_peak} for s, n in stats.rating_histogram]
    context = {"stats": stats, "campaign": campaign, "campaigns": Campaign.objects.order_by("-window_opens", "-pk"),
               "status_bars": status_bars, "step_bars": step_bars, "rating_bars": rating_bars,
               "status_chart_height": 24 * len(status_bars) + 8,
               "step_chart_height": 24 * max(len(step_bars), 1) + 8,
               "gauges": [
                   {"label": _("Đúng hạn"), "value": stats.on_time_rate, "target": None,
                    "note": ngettext("%(n)s bước đã xử lý", "%(n)s bước đã xử lý", stats.finished_tasks)
                    % {"n": stats.finished_tasks}},
                   {"label": _("Hài lòng"), "value": stats.satisfaction_rate, "target": 95,
                    "note": ngettext("%(n)s lượt đánh giá", "%(n)s lượt đánh giá", stats.rating_count)
                    % {"n": stats.rating_count}},
               ]}
    return render(request, "workflows/dashboard.html", context)
