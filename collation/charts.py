"""Bar charts drawn on the server as SVG: no script, a text alternative, and the data beside it."""

from __future__ import annotations

from xml.sax.saxutils import escape

from markupsafe import Markup

from core.formatting import shorten

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 330
BAR_AREA = 300
# Not the only carrier of meaning: every bar has its number written beside it.
BAR_COLOUR = "#1d4f91"


def bar_chart_svg(chart_id: str, title: str, items: list[tuple[str, int]]) -> Markup:
    """A horizontal bar chart with role="img", a title and a description listing every value."""
    largest = max((value for _, value in items), default=0) or 1
    height = max(len(items), 1) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_AREA + 60
    description = "; ".join(f"{label}: {value}" for label, value in items) or "No data"
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for index, (label, value) in enumerate(items):
        y = GAP + index * (BAR_HEIGHT + GAP)
        bar = round(BAR_AREA * value / largest)
        short = shorten(label, 48)
        parts += [
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end" font-size="13" '
            f'fill="#0b0c0c">{escape(short)}</text>',
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{max(bar, 1)}" height="{BAR_HEIGHT}" '
            f'fill="{BAR_COLOUR}"/>',
            f'<text x="{LABEL_WIDTH + max(bar, 1) + 6}" y="{y + 15}" font-size="13" '
            f'fill="#0b0c0c">{value}</text>',
        ]
    parts.append("</svg>")
    return Markup("".join(parts))
