"""A Unicode font for every PDF: DejaVu Sans, shipped in core/fonts (its licence allows it).

ReportLab's built-in fonts are cp1252, so Ł, Ж or Ω typed by a user would not render.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"


class UnicodeFont(TTFont):
    """DejaVu Sans, with a quick path for plain ASCII text.

    ReportLab encodes TrueType text character by character in Python. With `asciiReadable`
    (ReportLab's default) printable ASCII always sits at its own code in subset 0, so such
    text encodes to itself: that path gives the same bytes at C speed. Anything else goes
    through ReportLab's own code.
    """

    def splitString(self, text, doc, encoding="utf-8"):
        if (
            self._asciiReadable
            and isinstance(text, str)
            and text.isascii()
            and text.isprintable()
            and doc in self.state
        ):
            return [(0, text.encode("ascii"))] if text else []
        return super().splitString(text, doc, encoding)


def register_fonts() -> None:
    """Register the family once per process; later calls do nothing."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(UnicodeFont(REGULAR, str(FONTS_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(UnicodeFont(BOLD, str(FONTS_DIR / "DejaVuSans-Bold.ttf")))
    # No italic faces are shipped: italic falls back to the upright ones.
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
