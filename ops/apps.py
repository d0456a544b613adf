from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: health and readiness endpoints, the consumer heartbeat, request ids in the logs,
    the lockout page, backup and restore."""

    name = "ops"
    verbose_name = "Vận hành"
