from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: health and readiness endpoints, the consumer heartbeat, request ids in the logs,
    the lockout page, backup and restore."""

    name = "ops"
    verbose_name = "Vận hành"

    def ready(self):
        from django.contrib.auth.signals import user_login_failed

        from ops import tasks  # noqa: F401  (the consumer heartbeat is registered with Huey)
        from ops.accounts import log_login_failed

        user_login_failed.connect(log_login_failed, dispatch_uid="ops.accounts.log_login_failed")
