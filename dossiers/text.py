"""Legal documents (quyết định, bằng khen, phiếu xin lỗi, mẫu 07, tờ trình, tổng hợp) are written in
Vietnamese whatever language the person asking for them reads the pages in."""

import functools

from django.utils import translation

OFFICIAL_LANGUAGE = "vi"


def place_of(unit) -> str:
    """The place name printed before the date on every legal document (Nghị định 30/2020): the
    province of the issuing unit ("Lạng Sơn" for any unit under UBND tỉnh Lạng Sơn)."""
    top = unit
    while top.parent_id:
        top = top.parent
    name = top.name
    for marker in ("tỉnh ", "thành phố ", "Tỉnh ", "Thành phố "):
        if marker in name:
            return name.split(marker, 1)[1].strip()
    return name


def in_official_language(func):
    """Run `func` with Vietnamese active: every gettext inside it (and in templates it renders)
    gives the official text."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with translation.override(OFFICIAL_LANGUAGE):
            return func(*args, **kwargs)

    return wrapper
