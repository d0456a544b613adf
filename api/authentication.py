"""Bearer tokens issued to API clients by the token endpoint. A token authenticates as the client's
service account; `request.auth` is the ApiToken (its scopes, its client)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from .models import ApiToken, digest


class ClientTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Mã truy cập không hợp lệ."))
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Mã truy cập không hợp lệ.")) from None
        token = (ApiToken.objects.select_related("client__service_user", "client__unit")
                 .filter(digest=digest(raw)).first())
        if token is None or token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed(_("Mã truy cập không hợp lệ hoặc đã hết hạn."))
        client = token.client
        if not client.is_active or not client.unit.acts or not client.service_user.is_active:
            raise exceptions.AuthenticationFailed(_("Hệ thống kết nối đã bị dừng."))
        return client.service_user, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class SessionAuthentication(authentication.SessionAuthentication):
    """People signed in on the site; unsafe methods need the CSRF token, as on the pages."""
