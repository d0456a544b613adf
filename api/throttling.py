"""Rate limits per API client (per person for sessions): DRF throttling keyed by who calls."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from .permissions import client_token


class ClientRateThrottle(SimpleRateThrottle):
    scope = "client"

    def allow_request(self, request, view):
        token = client_token(request)
        # a client may carry its own rate (e.g. the LGSP platform's nightly batch)
        self.rate = (token.client.rate if token and token.client.rate else None) or self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_rate(self):
        return settings.API_RATE_CLIENT

    def get_cache_key(self, request, view):
        token = client_token(request)
        if token is not None:
            ident = f"client-{token.client_id}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"anon-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class TokenEndpointThrottle(ClientRateThrottle):
    """The token endpoint is anonymous: limited per address, against secret guessing."""

    scope = "token"

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return SimpleRateThrottle.allow_request(self, request, view)

    def get_rate(self):
        return settings.API_RATE_TOKEN

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
