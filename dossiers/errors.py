"""Domain errors: each carries a message a user can read (Vietnamese by default)."""

from django.utils.translation import gettext as _


class DossierError(Exception):
    """A refusal the user must see on the page, with nothing they typed lost."""

    default_message = ""

    def __init__(self, message: str | None = None, *, problems: list[str] | None = None):
        self.problems = list(problems or [])
        self.message = message or self.default_message or _("Không thực hiện được thao tác.")
        super().__init__(self.message)

    def __str__(self):
        if self.problems:
            return self.message + " " + " ".join(self.problems)
        return self.message


class MissingRequirements(DossierError):
    def __init__(self, problems: list[str]):
        super().__init__(_("Hồ sơ chưa đủ điều kiện để chuyển bước:"), problems=problems)


class WindowClosed(DossierError):
    pass


class NotPermitted(DossierError):
    def __init__(self, message: str | None = None):
        super().__init__(message or _("Bạn không có quyền thực hiện thao tác này với hồ sơ này."))


class Conflict(DossierError):
    def __init__(self, message: str | None = None):
        super().__init__(message or _("Hồ sơ vừa được người khác xử lý. Vui lòng tải lại trang và thử lại."))


class InvalidState(DossierError):
    pass


class InvalidInput(DossierError):
    pass


class ServiceUnavailable(DossierError):
    """A part the action needs (the document storage, the virus scanner) failed: nothing was
    stored, the user may try again later. Views answer 503."""

    http_status = 503


class StorageFull(ServiceUnavailable):
    """The document storage is out of space (ENOSPC, quota). Views answer 507."""

    http_status = 507
