"""Errors as RFC 7807 problem details (application/problem+json), with the same Vietnamese messages
the pages show: a DossierError from a service keeps its message and its list of problems."""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from dossiers.errors import (
    Conflict, DossierError, InvalidInput, InvalidState, MissingRequirements, NotPermitted, WindowClosed,
)

log = logging.getLogger("khenthuong.api")
PROBLEM_TYPE = "application/problem+json"
TYPE_BASE = "https://khenthuong.invalid/problems/"

# (status, type slug, title) for each domain error, most specific first.
DOMAIN_ERRORS = [
    (NotPermitted, 403, "not-permitted", lambda: _("Không có quyền")),
    (MissingRequirements, 422, "missing-requirements", lambda: _("Hồ sơ chưa đủ điều kiện")),
    (WindowClosed, 409, "window-closed", lambda: _("Ngoài thời gian nhận hồ sơ")),
    (Conflict, 409, "conflict", lambda: _("Xung đột")),
    (InvalidState, 409, "invalid-state", lambda: _("Không thực hiện được ở trạng thái hiện tại")),
    (InvalidInput, 400, "invalid-input", lambda: _("Dữ liệu không hợp lệ")),
    (DossierError, 400, "refused", lambda: _("Không thực hiện được thao tác")),
]


def problem(status_code: int, slug: str, title: str, detail: str, **extra) -> Response:
    body = {"type": TYPE_BASE + slug, "title": str(title), "status": status_code, "detail": str(detail), **extra}
    return Response(body, status=status_code, content_type=PROBLEM_TYPE)


def domain_problem(exc: DossierError) -> Response:
    for cls, code, slug, title in DOMAIN_ERRORS:
        if isinstance(exc, cls):
            return problem(code, slug, title(), exc.message, problems=[str(p) for p in exc.problems])
    raise AssertionError(exc)  # pragma: no cover


def _flatten(detail, prefix=""):
    if isinstance(detail, dict):
        out = {}
        for key, value in detail.items():
            out.update(_flatten(value, f"{prefix}{key}." if prefix or key else ""))
        return out
    if isinstance(detail, list):
        if all(not isinstance(v, (dict, list)) for v in detail):
            return {prefix.rstrip(".") or "non_field_errors": [str(v) for v in detail]}
        out = {}
        for i, value in enumerate(detail):
            out.update(_flatten(value, f"{prefix}{i}."))
        return out
    return {prefix.rstrip(".") or "non_field_errors": [str(detail)]}


def exception_handler(exc, context):
    if isinstance(exc, DossierError):
        return domain_problem(exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.ValidationError):
        response = problem(400, "invalid-input", _("Dữ liệu không hợp lệ"),
                           _("Dữ liệu gửi lên chưa hợp lệ, xem từng trường trong “errors”."),
                           errors=_flatten(exc.detail))
        return response
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a bug: Django's 500 handler logs it
    titles = {
        401: ("unauthenticated", _("Chưa xác thực")),
        403: ("not-permitted", _("Không có quyền")),
        404: ("not-found", _("Không tìm thấy")),
        405: ("method-not-allowed", _("Phương thức không được hỗ trợ")),
        406: ("not-acceptable", _("Định dạng không được hỗ trợ")),
        415: ("unsupported-media-type", _("Kiểu dữ liệu không được hỗ trợ")),
        429: ("throttled", _("Quá nhiều yêu cầu")),
    }
    slug, title = titles.get(response.status_code, ("error", _("Lỗi")))
    detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data
    if isinstance(exc, exceptions.NotFound):
        detail = _("Không tìm thấy hoặc bạn không có quyền xem.")
    result = problem(response.status_code, slug, title, detail if isinstance(detail, str) else str(detail))
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            result[header] = response[header]
    return result
