"""Text as the services keep it, and the language legal documents are written in.

`clean_text` / `clean_line` / `clean_name` are the one place input text is normalised: Unicode NFC
(a name typed in decomposed form is the same name as in the person's records), bidirectional
control characters removed (they can make a file name or a name display differently from what it
is), surrounding spaces trimmed. Every service calls them on what a person typed.

Legal documents (quyết định, bằng khen, phiếu xin lỗi, mẫu 07, tờ trình, tổng hợp, giấy tiếp nhận)
are written in Vietnamese whatever language the person asking for them reads the pages in."""

import datetime as dt
import functools
import re
import unicodedata

from django.utils import translation

OFFICIAL_LANGUAGE = "vi"

# Unicode bidi controls: LRM, RLM, ALM, LRE/RLE/PDF/LRO/RLO, LRI/RLI/FSI/PDI; plus zero-width no-break
# space (BOM) that editors leave at the start of pasted text.
BIDI_CONTROLS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
# Other control characters (C0/C1) except tab and line breaks, which a multi-line text keeps.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Characters a file name must not carry (path separators, reserved on Windows).
_FILE_NAME_BAD = re.compile(r'[\\/:*?"<>|]')

# Dates a person may type: anything outside is a typing error (01/01/0001, 9999-12-31).
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)


def clean_text(value) -> str:
    """A multi-line text: NFC, no bidi or control characters, line ends as "\\n", trimmed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = _BIDI.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def clean_line(value) -> str:
    """A one-line text (a name, a number, a position): as clean_text, inner runs of spaces collapsed."""
    return " ".join(clean_text(value).split())


def clean_name(value) -> str:
    """A file name as stored and shown: a clean line without path separators or reserved characters."""
    name = clean_line(value).rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return _FILE_NAME_BAD.sub("_", name).strip(" .") or "tep"


def date_in_range(value: dt.date) -> bool:
    return EARLIEST_DATE <= value <= LATEST_DATE


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
