class VietnameseFirstMiddleware:
    """Vietnamese is the language of the service: a browser's Accept-Language does not switch it.
    English stays one click away (the language switch sets Django's language cookie)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class SessionIdleMiddleware:
    """Sessions expire after SESSION_COOKIE_AGE of inactivity: a signed-in request renews the expiry,
    at most once a minute (one session write a minute per active user, not one per request)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import time

        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            minute = int(time.time() // 60)
            if session.get("_seen_minute") != minute:
                session["_seen_minute"] = minute  # marks the session modified: saved with a new expiry
        return self.get_response(request)
