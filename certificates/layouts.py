"""Where each variable field of a certificate is printed, in millimetres from the top-left corner of an
A4 landscape sheet (297 × 210 mm). The built-in layouts match the designed background
(templates/certificates/certificate_static.html); a BlankLayout row overrides them for the
official pre-printed blanks a province buys."""

import copy
from decimal import Decimal

PAGE_WIDTH_MM = 297
PAGE_HEIGHT_MM = 210

BANG_KHEN = "bang-khen"
GIAY_KHEN = "giay-khen"
KINDS = (BANG_KHEN, GIAY_KHEN)

# x, y: top-left corner of the field's box (mm); w: box width (mm); size: font size (pt);
# align: left/center/right; weight/style/color: as in CSS. "qr" uses w as the side of the square.
_COMMON = {
    "recipient": {"x": 30, "y": 99, "w": 237, "size": 22, "align": "center", "weight": "bold", "color": "#0b2e6b"},
    "position": {"x": 40, "y": 111, "w": 217, "size": 15, "align": "center", "style": "italic"},
    "achievement": {"x": 53.5, "y": 121, "w": 190, "size": 15, "align": "center"},
    "qr": {"x": 31, "y": 152, "w": 24},
    "token": {"x": 25, "y": 176.5, "w": 36, "size": 7, "align": "center"},
    "decision": {"x": 60, "y": 156, "w": 92, "size": 12.5, "align": "left"},
    "register": {"x": 60, "y": 169, "w": 92, "size": 12.5, "align": "left", "weight": "bold"},
    "place_date": {"x": 160, "y": 148, "w": 118, "size": 14, "align": "center", "style": "italic"},
    "signer_title": {"x": 160, "y": 155, "w": 118, "size": 14, "align": "center", "weight": "bold"},
    "signer_name": {"x": 160, "y": 184, "w": 118, "size": 15, "align": "center", "weight": "bold"},
}

DEFAULT_LAYOUTS = {
    BANG_KHEN: copy.deepcopy(_COMMON),
    GIAY_KHEN: copy.deepcopy(_COMMON),
}
# Giấy khen: smaller headline on the background, so the body starts a little higher.
for _field in ("recipient", "position", "achievement"):
    DEFAULT_LAYOUTS[GIAY_KHEN][_field]["y"] -= 3
DEFAULT_LAYOUTS[GIAY_KHEN]["recipient"]["color"] = "#000000"


def certificate_kind(award_form) -> str:
    """Bằng khen or Giấy khen, from the award form's code or name."""
    text = f"{award_form.code} {award_form.name}".lower()
    return GIAY_KHEN if ("giay" in text or "giấy" in text) else BANG_KHEN


def layout_for(kind: str, *, blank: bool = False) -> dict:
    """The field positions for a kind of certificate. With blank=True, a BlankLayout row (if any)
    overrides positions and sizes per field and shifts everything by its offsets."""
    layout = copy.deepcopy(DEFAULT_LAYOUTS.get(kind, DEFAULT_LAYOUTS[BANG_KHEN]))
    if not blank:
        return layout
    from .models import BlankLayout

    row = BlankLayout.objects.filter(kind=kind).first()
    if row is None:
        return layout
    for name, values in (row.fields or {}).items():
        if name in layout and isinstance(values, dict):
            layout[name].update({k: v for k, v in values.items() if k in ("x", "y", "w", "size", "align")})
    dx, dy = Decimal(row.offset_x_mm), Decimal(row.offset_y_mm)
    for values in layout.values():
        values["x"] = float(Decimal(str(values["x"])) + dx)
        values["y"] = float(Decimal(str(values["y"])) + dy)
    return layout
