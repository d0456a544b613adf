"""A request id on every request and every log line: taken from the proxy's X-Request-ID when it is a
sane token (so nginx's $request_id ties its access log to ours), otherwise generated; echoed in the
response's X-Request-ID."""

import contextvars
import logging
import re
import uuid

from django.core.signals import request_finished

_current = contextvars.ContextVar("request_id", default="-")
_VALID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


def current() -> str:
    return _current.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _VALID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        # Kept until the response is closed (request_finished), so that Django's own "Not Found" /
        # "Internal Server Error" lines, written after the middleware returned, carry it too.
        _current.set(request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


def _clear(**kwargs):
    _current.set("-")


request_finished.connect(_clear, dispatch_uid="ops.requestid.clear")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record ("-" outside a request: consumer jobs, commands)."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = _current.get()
        return True
