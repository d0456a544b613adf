"""Password validators: Django's, with the one message Django's Vietnamese catalogue lacks."""

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return _("Mật khẩu này quá ngắn: cần ít nhất %(min_length)s ký tự.") % {"min_length": self.min_length}

    def get_help_text(self):
        return _("Mật khẩu của bạn phải chứa ít nhất %(min_length)s ký tự.") % {"min_length": self.min_length}
