"""Writes for API clients: create, rotate a secret, issue a token. Keyword-only and atomic, as every
service. How a client acts: through its service account, which holds at the client's unit the roles
its scopes need (SCOPE_ROLES), so `dossiers.rules` decides for a system exactly as for a person."""

import datetime as dt
import hmac
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.errors import InvalidInput, NotPermitted
from dossiers.models import Membership, Role, Unit

from .models import ApiClient, ApiClientSecret, ApiToken, Scope, digest

# The roles a client's service account holds at its unit, by scope. A system that may submit signs
# as the unit head would (the event records the service account and its title); grant that scope
# only where the unit head has decided their system sends dossiers.
SCOPE_ROLES = {
    Scope.DOSSIERS_WRITE: Role.UNIT_OFFICER,
    Scope.DOSSIERS_SUBMIT: Role.UNIT_HEAD,
}
ROTATION_OVERLAP = dt.timedelta(days=7)


class InvalidClient(Exception):
    """Unknown client, wrong secret, expired secret, or inactive client: one answer for all."""


def _clean_scopes(scopes) -> list[str]:
    scopes = list(dict.fromkeys(scopes or []))
    unknown = [s for s in scopes if s not in Scope.values]
    if unknown:
        raise InvalidInput(_("Phạm vi quyền không hợp lệ: %(scopes)s.") % {"scopes": ", ".join(unknown)})
    if not scopes:
        raise InvalidInput(_("Hãy chọn ít nhất một phạm vi quyền."))
    return scopes


def _sync_roles(client: ApiClient) -> None:
    wanted = {SCOPE_ROLES[s] for s in client.scopes if s in SCOPE_ROLES} if client.is_active else set()
    title = _("Hệ thống %(name)s (API)") % {"name": client.name}
    for role in set(SCOPE_ROLES.values()):
        membership = Membership.objects.filter(user=client.service_user, unit=client.unit, role=role).first()
        if role in wanted and membership is None:
            Membership.objects.create(user=client.service_user, unit=client.unit, role=role, title=title[:120])
        elif membership is not None and membership.is_active != (role in wanted):
            Membership.objects.filter(pk=membership.pk).update(is_active=role in wanted)


def _new_secret(client: ApiClient) -> str:
    secret = secrets.token_urlsafe(32)
    ApiClientSecret.objects.create(client=client, digest=digest(secret), hint=secret[-4:])
    return secret


@transaction.atomic
def api_client_create(*, name: str, unit: Unit, scopes, actor=None, rate: str = "") -> tuple[ApiClient, str]:
    """Register a unit's system. Returns the client and its first secret (shown once, stored hashed)."""
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput(_("Hãy nhập tên hệ thống kết nối."))
    if not unit.acts:
        raise InvalidInput(_("Đơn vị đã sáp nhập, không thể cấp quyền kết nối."))
    scopes = _clean_scopes(scopes)
    user = get_user_model().objects.create_user(
        username=f"api-{secrets.token_hex(6)}", first_name=name[:150], is_active=True)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    client = ApiClient.objects.create(name=name, unit=unit, scopes=scopes, service_user=user, rate=rate)
    _sync_roles(client)
    return client, _new_secret(client)


@transaction.atomic
def api_client_update(*, client: ApiClient, scopes=None, is_active: bool | None = None, actor=None) -> ApiClient:
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if scopes is not None:
        client.scopes = _clean_scopes(scopes)
    if is_active is not None:
        client.is_active = is_active
    client.save(update_fields=["scopes", "is_active"])
    _sync_roles(client)
    if not client.is_active or scopes is not None:
        # tokens carry the scopes they were issued with: a narrowed or stopped client starts over
        ApiToken.objects.filter(client=client).delete()
    return client


@transaction.atomic
def api_client_rotate_secret(*, client: ApiClient, actor=None, overlap: dt.timedelta = ROTATION_OVERLAP) -> str:
    """Issue a new secret. The current one keeps working for `overlap` (the system switches over in
    that time); at most two secrets are ever active: an older one still in its overlap is revoked."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    now = timezone.now()
    active = list(client.secrets.filter(ApiClientSecret.active_q(now)).order_by("-created_at"))
    for old in active[1:]:
        ApiClientSecret.objects.filter(pk=old.pk).update(revoked_at=now)
    if active:
        current = active[0]
        ends = now + overlap
        if current.expires_at is None or current.expires_at > ends:
            ApiClientSecret.objects.filter(pk=current.pk).update(expires_at=ends)
    return _new_secret(client)


@transaction.atomic
def api_secret_revoke(*, secret: ApiClientSecret, actor=None) -> None:
    ApiClientSecret.objects.filter(pk=secret.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def _find_client(client_id: str, client_secret: str) -> ApiClient:
    client = ApiClient.objects.select_related("service_user", "unit").filter(
        client_id=client_id[:40], is_active=True).first()
    if client is None or not client_secret:
        raise InvalidClient
    wanted = digest(client_secret)
    ok = False
    for stored in client.secrets.filter(ApiClientSecret.active_q()).values_list("digest", flat=True):
        ok |= hmac.compare_digest(stored, wanted)
    if not ok or not client.unit.acts:
        raise InvalidClient
    return client


@transaction.atomic
def api_token_issue(*, client_id: str, client_secret: str, scope: str = "") -> tuple[ApiToken, str]:
    """Client credentials grant: a bearer token valid API_TOKEN_SECONDS, limited to the requested
    scopes (all the client's when none is asked)."""
    client = _find_client(client_id, client_secret)
    asked = scope.split() if scope else list(client.scopes)
    if not set(asked) <= set(client.scopes):
        raise NotPermitted(_("Hệ thống không được cấp phạm vi quyền: %(scopes)s.")
                           % {"scopes": ", ".join(sorted(set(asked) - set(client.scopes)))})
    now = timezone.now()
    ApiToken.objects.filter(client=client, expires_at__lt=now).delete()
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(client=client, digest=digest(raw), scopes=asked,
                                    expires_at=now + dt.timedelta(seconds=settings.API_TOKEN_SECONDS))
    return token, raw
