"""Inline server-side SVG charts (no JavaScript, no CDN): horizontal bars and stacked bars."""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

PALETTE = ["#1f5fa8", "#1e7a46", "#a15c00", "#b3261e", "#6b4fa0", "#2b8a9a", "#7a7f87"]
ROW_H, GAP, LABEL_W, WIDTH = 22, 8, 260, 720


def _label(text: str, limit: int = 38) -> str:
    text = str(text)
    return escape(text if len(text) <= limit else text[: limit - 1] + "…")


def days_label(value) -> str:
    """Processing time: days, or hours below one day (demo paths run within minutes)."""
    if value < 1:
        return _("%(h)s giờ") % {"h": f"{value * 24:.1f}".replace(".", ",")}
    return _("%(d)s ngày") % {"d": f"{value:.1f}".replace(".", ",")}


def bar_chart(items, *, title: str, suffix: str = "", max_value: float | None = None,
              color: str = PALETTE[0], marker: float | None = None, formatter=None) -> str:
    """items: [(label, value or None)]. `marker` draws a vertical reference line (e.g. 100%)."""
    values = [v for _l, v in items if v is not None]
    top = max_value or max(values + [marker or 0, 1])
    bar_w = WIDTH - LABEL_W - 70
    height = len(items) * (ROW_H + GAP) + GAP
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {height}" '
             f'width="100%" style="max-width:{WIDTH}px" aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for i, (label, value) in enumerate(items):
        y = GAP + i * (ROW_H + GAP)
        parts.append(f'<text x="{LABEL_W - 8}" y="{y + ROW_H * 0.7:.1f}" text-anchor="end" font-size="13" '
                     f'fill="#1d2330"><title>{escape(str(label))}</title>{_label(label)}</text>')
        parts.append(f'<rect x="{LABEL_W}" y="{y}" width="{bar_w}" height="{ROW_H}" fill="#eef0f3" rx="3"/>')
        if value is None:
            parts.append(f'<text x="{LABEL_W + 6}" y="{y + ROW_H * 0.7:.1f}" font-size="12" fill="#5b6473">—</text>')
            continue
        w = max(0.0, min(1.0, float(value) / float(top))) * bar_w
        parts.append(f'<rect x="{LABEL_W}" y="{y}" width="{w:.1f}" height="{ROW_H}" fill="{color}" rx="3"/>')
        text = formatter(value) if formatter else (f"{value:g}{suffix}" if isinstance(value, (int, float))
                                           else f"{value}{suffix}").replace(".", ",")
        parts.append(f'<text x="{LABEL_W + w + 6:.1f}" y="{y + ROW_H * 0.7:.1f}" font-size="12" '
                     f'fill="#1d2330">{escape(text)}</text>')
    if marker is not None:
        x = LABEL_W + min(1.0, marker / float(top)) * bar_w
        parts.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}" stroke="#b3261e" '
                     f'stroke-dasharray="4 3" stroke-width="1.2"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def stacked_chart(rows, series, *, title: str, colors: list[str] | None = None) -> str:
    """rows: [(label, [value per series])]; series: [name]. A legend is drawn above the bars."""
    colors = colors or PALETTE
    totals = [sum(values) for _l, values in rows] or [1]
    top = max(totals + [1])
    bar_w = WIDTH - LABEL_W - 50
    legend_h = 26
    height = legend_h + len(rows) * (ROW_H + GAP) + GAP
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {height}" '
             f'width="100%" style="max-width:{WIDTH}px" aria-label="{escape(title)}"><title>{escape(title)}</title>']
    x = LABEL_W
    for i, name in enumerate(series):
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colors[i % len(colors)]}"/>'
                     f'<text x="{x + 16}" y="16" font-size="12" fill="#1d2330">{_label(name, 24)}</text>')
        x += 24 + 7 * len(str(name))
    for r, (label, values) in enumerate(rows):
        y = legend_h + GAP + r * (ROW_H + GAP)
        parts.append(f'<text x="{LABEL_W - 8}" y="{y + ROW_H * 0.7:.1f}" text-anchor="end" font-size="13" '
                     f'fill="#1d2330"><title>{escape(str(label))}</title>{_label(label)}</text>')
        x = float(LABEL_W)
        for i, value in enumerate(values):
            if not value:
                continue
            w = value / top * bar_w
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{ROW_H}" '
                         f'fill="{colors[i % len(colors)]}"><title>{escape(str(series[i]))}: {value}</title></rect>')
            if w > 16:
                parts.append(f'<text x="{x + w / 2:.1f}" y="{y + ROW_H * 0.7:.1f}" text-anchor="middle" '
                             f'font-size="12" fill="#fff">{value}</text>')
            x += w
        parts.append(f'<text x="{x + 6:.1f}" y="{y + ROW_H * 0.7:.1f}" font-size="12" fill="#5b6473">'
                     f'{sum(values)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
