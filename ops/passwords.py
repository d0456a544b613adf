"""Password validators: Django's, with the one message Django's Vietnamese catalogue lacks."""

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return _("Mật khẩu này quá ngắn: cần ít nhất %(min_length)s ký tự.") % {"min_length": self.min_length}

    def get_help_text(self):
        return _("Mật khẩu của bạn phải chứa ít nhất %(min_length)s ký tự.") % {"min_length": self.min_length}


class UsernameInPasswordValidator:
    """Refuses a password that contains the username (any case): "khoa123456" for "khoa". Django's
    similarity check lets a short username plus digits through."""

    def validate(self, password, user=None):
        from django.core.exceptions import ValidationError

        username = (user.get_username() if user is not None else "").lower()
        if len(username) >= 3 and username in password.lower():
            raise ValidationError(_("Mật khẩu không được chứa tên đăng nhập."), code="password_contains_username")

    def get_help_text(self):
        return _("Mật khẩu không được chứa tên đăng nhập.")
