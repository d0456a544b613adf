"""Legal documents (quyết định, bằng khen, phiếu xin lỗi, mẫu 07, tờ trình, tổng hợp) are written in
Vietnamese whatever language the person asking for them reads the pages in."""

import functools

from django.utils import translation

OFFICIAL_LANGUAGE = "vi"


def in_official_language(func):
    """Run `func` with Vietnamese active: every gettext inside it (and in templates it renders)
    gives the official text."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with translation.override(OFFICIAL_LANGUAGE):
            return func(*args, **kwargs)

    return wrapper
