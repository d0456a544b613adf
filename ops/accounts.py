"""Accounts: the page a locked-out login sees (django-axes calls `lockout_response`), one log line per
failed login, and the password-reset view whose links start with SITE_URL."""

import logging

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

log = logging.getLogger("khenthuong.accounts")


def lockout_response(request, original_response=None, credentials=None):
    """429 with the time the login may be tried again (now + the cool-off: each attempt while locked
    out starts the cool-off again, so the time shown is exact)."""
    from axes.helpers import get_client_ip_address, get_client_username

    cooloff = settings.AXES_COOLOFF_TIME
    retry_at = timezone.localtime(timezone.now() + cooloff)
    minutes = max(1, round(cooloff.total_seconds() / 60))
    username = get_client_username(request, credentials) or ""
    log.warning("login locked out: username=%r client=%s until %s", username,
                get_client_ip_address(request), retry_at.isoformat(timespec="minutes"))
    context = {"username": username, "retry_at": retry_at, "minutes": minutes,
               "failure_limit": settings.AXES_FAILURE_LIMIT}
    if request.headers.get("x-requested-with") == "XMLHttpRequest" or "application/json" in request.headers.get("accept", ""):
        return JsonResponse({"type": "about:blank", "title": "Tạm khóa đăng nhập", "status": 429,
                             "retry_at": retry_at.isoformat(timespec="minutes")}, status=429,
                            headers={"Retry-After": str(int(cooloff.total_seconds()))})
    response = render(request, "registration/lockout.html", context, status=429)
    response["Retry-After"] = str(int(cooloff.total_seconds()))
    return response


def log_login_failed(sender, credentials, request=None, **kwargs):
    """Every failed login, with the username tried and the client (the password is never logged)."""
    from axes.helpers import get_client_ip_address

    client = get_client_ip_address(request) if request is not None else "-"
    log.warning("login failed: username=%r client=%s", (credentials or {}).get("username", ""), client)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's view; the link in the e-mail starts with SITE_URL, never with the request's Host."""

    def form_valid(self, form):
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)
