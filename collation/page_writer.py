"""Lines of text down the pages of a ReportLab canvas, for documents of tens of thousands of pages.

Platypus lays out a paragraph by parsing it as markup and measuring it glyph by glyph; over a
county's worth of text that costs minutes. Here plain text is wrapped by word widths (measured
once per word and cached), drawn line by line, and a page is started when one is full. Nothing
is markup, so user text needs no escaping, and nothing is kept once its page is drawn.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from reportlab.pdfbase import pdfmetrics

WIDTH_CACHE_LIMIT = 200_000
# Lines break at white space, but never at a no-break space ("Dr\u00a0Smith"), a narrow one
# (U+202F) or a figure space (U+2007): those stay inside their word and are drawn.
BREAKABLE_SPACE = re.compile(r"[^\S\u00a0\u202f\u2007]+")


@dataclass(frozen=True)
class TextStyle:
    font: str
    size: float
    leading: float
    indent: float = 0
    colour: tuple[float, float, float] = (0, 0, 0)


class LineWrapper:
    """Breaks text into lines no wider than a measure, the way a reader expects: at spaces,
    keeping the writer's own line breaks, and splitting only a word too long for any line."""

    def __init__(self, style: TextStyle):
        self.font = pdfmetrics.getFont(style.font)
        self.size = style.size
        self.space = self.font.stringWidth(" ", self.size)
        self.widths: dict[str, float] = {}

    def width(self, word: str) -> float:
        width = self.widths.get(word)
        if width is None:
            if len(self.widths) > WIDTH_CACHE_LIMIT:
                self.widths.clear()
            width = self.widths[word] = self.font.stringWidth(word, self.size)
        return width

    def lines(self, text: str, measure: float) -> list[str]:
        lines: list[str] = []
        space = self.space
        for paragraph in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
            if paragraph.isascii():  # the common case, at C speed: no no-break spaces
                words = paragraph.split()
            else:
                words = [word for word in BREAKABLE_SPACE.split(paragraph) if word]
            if not words:
                if lines and lines[-1]:
                    lines.append("")  # a blank line the writer left, once
                continue
            current: list[str] = []
            used = 0.0
            for word in words:
                width = self.width(word)
                if width > measure:
                    if current:
                        lines.append(" ".join(current))
                    *whole, rest = self._split_long_word(word, measure)
                    lines.extend(whole)
                    current, used = [rest], self.width(rest)
                elif current and used + space + width > measure:
                    lines.append(" ".join(current))
                    current, used = [word], width
                else:
                    used += (space if current else 0) + width
                    current.append(word)
            lines.append(" ".join(current))
        while lines and not lines[-1]:
            lines.pop()
        return lines

    def _split_long_word(self, word: str, measure: float) -> list[str]:
        pieces, start = [], 0
        while start < len(word):
            end = start + 1
            while (
                end < len(word)
                and self.font.stringWidth(word[start : end + 1], self.size) <= measure
            ):
                end += 1
            pieces.append(word[start:end])
            start = end
        return pieces


class PageWriter:
    """Writes styled lines down a column, page after page.

    `decorate(canvas, page_number)` draws each page's running header and footer. Headings are
    recorded with their page numbers and heights (for the contents and the outline), and
    bookmarked in the canvas's own outline when `bookmarks` is set. `after_page(canvas,
    page_number)`, when given, is called as each page ends and returns the canvas to draw the
    next page on: the same one, or a new one (a document written in parts).
    """

    def __init__(
        self,
        canvas,
        *,
        left: float,
        top: float,
        bottom: float,
        width: float,
        first_page_number: int,
        decorate: Callable,
        bookmarks: bool = True,
        after_page: Callable | None = None,
    ):
        self.canvas = canvas
        self.left, self.top, self.bottom, self.width = left, top, bottom, width
        self.page_number = first_page_number
        self.decorate = decorate
        self.bookmarks, self.after_page = bookmarks, after_page
        self.headings: list[tuple[int, str, int]] = []
        self.heading_tops: list[float] = []  # where each heading stands on its page
        self._wrappers: dict[TextStyle, LineWrapper] = {}
        self._text = None
        self._style: TextStyle | None = None
        self.y = top
        self.pages = 0

    def _wrapper(self, style: TextStyle) -> LineWrapper:
        wrapper = self._wrappers.get(style)
        if wrapper is None:
            wrapper = self._wrappers[style] = LineWrapper(style)
        return wrapper

    def _begin_page(self) -> None:
        self._text = self.canvas.beginText()
        self._style = None
        self.y = self.top
        self.pages += 1

    def _end_page(self) -> None:
        self.canvas.drawText(self._text)
        self.decorate(self.canvas, self.page_number)
        self.canvas.showPage()
        if self.after_page is not None:
            self.canvas = self.after_page(self.canvas, self.page_number)
        self.page_number += 1
        self._text = None

    def new_page(self) -> None:
        if self._text is not None:
            self._end_page()
        self._begin_page()

    def _room_for(self, height: float) -> None:
        if self._text is None:
            self._begin_page()
        elif self.y - height < self.bottom and self.y < self.top:
            self._end_page()
            self._begin_page()

    def _line(self, text: str, style: TextStyle) -> None:
        self._room_for(style.leading)
        self.y -= style.leading
        if style is not self._style:
            self._text.setFont(style.font, style.size)
            self._text.setFillColorRGB(*style.colour)
            self._style = style
        self._text.setTextOrigin(self.left + style.indent, self.y + style.leading * 0.22)
        self._text.textOut(text)

    def write(self, text: str, style: TextStyle, *, keep_with_next: float = 0) -> None:
        """Write text wrapped to the column. `keep_with_next` is how much of what follows must
        fit on the same page (so a label never ends a page alone)."""
        lines = self._wrapper(style).lines(text, self.width - style.indent)
        if not lines:
            return
        self._room_for(style.leading * min(len(lines), 2) + keep_with_next)
        for line in lines:
            self._line(line, style)

    def labelled(self, label: str, text: str, label_style: TextStyle, text_style: TextStyle):
        """A bold label and its text, the label never left alone at the foot of a page."""
        lines = self._wrapper(text_style).lines(text, self.width - text_style.indent)
        if not lines:
            return
        self.write(label, label_style, keep_with_next=text_style.leading * min(len(lines), 2))
        self._room_for(text_style.leading * min(len(lines), 2))
        for line in lines:
            self._line(line, text_style)

    def heading(self, level: int, text: str, style: TextStyle, space_before: float) -> None:
        """A heading kept with at least three lines of what follows, recorded and bookmarked."""
        self._room_for(space_before + style.leading * 2 + 36)
        if self.y < self.top:
            self.y -= space_before
        if self.bookmarks:
            key = f"h{len(self.headings)}"
            self.canvas.bookmarkHorizontal(key, 0, self.y + style.leading)
            self.canvas.addOutlineEntry(text[:200], key, level=level, closed=level == 0)
        self.headings.append((level, text, self.page_number))
        self.heading_tops.append(self.y + style.leading)
        self.write(text, style)

    def space(self, height: float) -> None:
        if self._text is not None and self.y < self.top:
            self.y -= height

    def finish(self) -> None:
        if self._text is not None:
            self._end_page()
