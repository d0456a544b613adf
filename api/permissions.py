"""Scopes for clients. People (session) have no scopes: their roles decide, in the services and the
selectors, exactly as on the pages."""

from django.utils.translation import gettext as _
from rest_framework import permissions

from .models import ApiToken


def client_token(request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None


class HasScope(permissions.BasePermission):
    """The view names the scope each action needs: `required_scopes = {"list": "dossiers:read", ...}`
    or a single `required_scope`."""

    message = _("Hệ thống không được cấp phạm vi quyền cho thao tác này.")

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        token = client_token(request)
        if token is None:
            return True
        needed = getattr(view, "required_scopes", {}).get(getattr(view, "action", None)) or getattr(
            view, "required_scope", None)
        if needed is None:
            return False  # a view that names no scope is not for systems
        self.message = _("Hệ thống không được cấp phạm vi quyền “%(scope)s”.") % {"scope": needed}
        return needed in token.scopes
