"""Domain errors: each carries a message a user can read (Vietnamese by default)."""

from django.utils.translation import gettext as _


class DossierError(Exception):
    """A refusal the user must see on the page, with nothing they typed lost. `status_code` is the
    HTTP answer for it, the same whichever page or check raised it."""

    default_message = ""
    status_code = 400

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
    """Someone else acted on the dossier first: 409, and one wording whichever check noticed it
    (the page's posted status, the service's row lock, the decision page's list)."""

    status_code = 409

    def __init__(self, message: str | None = None):
        super().__init__(message or _("Hồ sơ vừa được người khác xử lý. Vui lòng tải lại trang và thử lại."))

    @classmethod
    def moved_on(cls, *, pks, status: str) -> "Conflict":
        """The dossier(s) the user acted on are no longer where their page showed them."""
        return cls(_("Hồ sơ %(ids)s vừa được người khác xử lý (trạng thái hiện tại: %(status)s). "
                     "Trang đã được cập nhật; vui lòng kiểm tra rồi thao tác lại.")
                   % {"ids": ", ".join(f"#{pk}" for pk in pks), "status": status})


class InvalidState(DossierError):
    pass


class InvalidInput(DossierError):
    pass


class ServiceUnavailable(DossierError):
    """A part the action needs (the document storage, the virus scanner) failed: nothing was
    stored, the user may try again later. Views answer 503."""

    status_code = http_status = 503


class StorageFull(ServiceUnavailable):
    """The document storage is out of space (ENOSPC, quota). Views answer 507."""

    status_code = http_status = 507
