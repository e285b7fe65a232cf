"""One record as a PDF laid out like the paper tool (Appendix 1): landscape, a row per point."""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.formatting import long_date
from core.pdf_fonts import BOLD, REGULAR, register_fonts
from pledges.models import Entry, Record
from pledges.queries import entries_by_area
from pledges.wording import REVIEW_COLUMN_LABEL, TOOL_TITLE

PAGE = landscape(A4)
MARGIN = 12 * mm
# Points | good practice | pledge | help / hinder | signs of success | review 6 months on
COLUMN_SHARES = (0.17, 0.15, 0.17, 0.15, 0.15, 0.21)

HEADINGS = (
    "Findings / recommendations ~ 3 areas 14 points ~",
    "Examples of current good practice",
    "To improve my/our practice in relation to this finding/ recommendation I/we pledge to...",
    "Factors that will help / factors that may hinder",
    "Anticipated signs of success ~ I/we will know that things are improving when...",
    REVIEW_COLUMN_LABEL + " (SR = self report / SUR = service user report / MR = manager report / "
    "CR = colleague report)",
)


def _styles():
    register_fonts()
    return {
        "title": ParagraphStyle("title", fontName=BOLD, fontSize=14, leading=17, spaceAfter=4),
        "text": ParagraphStyle("text", fontName=REGULAR, fontSize=8.5, leading=10.5),
        "small": ParagraphStyle("small", fontName=REGULAR, fontSize=7.5, leading=9),
        "head": ParagraphStyle("head", fontName=BOLD, fontSize=7.5, leading=9),
        "area": ParagraphStyle("area", fontName=BOLD, fontSize=9.5, leading=12),
    }


def paragraph(text: str, style) -> Paragraph:
    """User text as a paragraph: escaped, so <, & and the like never break the layout."""
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


def _review_cell(entry: Entry, style) -> list:
    parts = []
    for item in entry.evidence:
        codes = f" [{item.source_codes}]" if item.sources else ""
        parts.append(paragraph(f"• {item.description}{codes}", style))
    if entry.change_judgement:
        parts.append(paragraph(f"Judgement: {entry.change_judgement.label}", style))
    if entry.what_next.strip():
        parts.append(paragraph(f"What next: {entry.what_next}", style))
    return parts


def _row(entry: Entry, styles, label: str) -> list:
    text = styles["text"]
    factors = []
    if entry.helps.strip():
        factors.append(paragraph(f"Help: {entry.helps}", text))
    if entry.hinders.strip():
        factors.append(paragraph(f"Hinder: {entry.hinders}", text))
    return [
        paragraph(label, styles["small"]),
        paragraph(entry.good_practice, text),
        paragraph(entry.pledge, text),
        factors,
        paragraph(entry.signs_of_success, text),
        _review_cell(entry, text),
    ]


TABLE_STYLE = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#505a5f")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dbe5f1")),
        ("SPAN", (0, 1), (-1, 1)),
        ("BACKGROUND", (0, 1), (-1, 1), colors.HexColor("#f3f2f1")),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
)


def _table(title: str, rows: list, styles, widths) -> Table:
    header = [paragraph(heading, styles["head"]) for heading in HEADINGS]
    area_row = [paragraph(title, styles["area"])] + [""] * 5
    return Table([header, area_row, *rows], colWidths=widths, repeatRows=1, style=TABLE_STYLE)


class _NumberedCanvas(Canvas):
    """Writes "Page X of Y" once every page is known (two passes over the saved pages)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(REGULAR, 7.5)
            self.drawRightString(PAGE[0] - MARGIN, 7 * mm, f"Page {self._pageNumber} of {total}")
            super().showPage()
        super().save()


def record_pdf(record: Record) -> bytes:
    """The record as the paper tool: header, then one table per area and one for added findings."""
    styles = _styles()
    width = PAGE[0] - 2 * MARGIN
    widths = [width * share for share in COLUMN_SHARES]
    details = ", ".join(
        part
        for part in (record.work_base_address.replace("\n", ", "), record.telephone, record.email)
        if part
    )
    story = [
        paragraph(TOOL_TITLE, styles["title"]),
        paragraph(f"Name (individual / team): {record.name}", styles["text"]),
        paragraph(
            f"Details (full address of work base / tel. / e-mail): {details}", styles["text"]
        ),
        paragraph(
            f"Cycle {record.cycle}, version {record.version}. Status: {record.status_label}."
            + (
                f" Stage 1 signed off on {long_date(record.signed_off_at)}."
                if record.signed_off_at
                else ""
            )
            + (
                f" Review due on {long_date(record.review_due_on)}." if record.review_due_on else ""
            ),
            styles["small"],
        ),
        Spacer(1, 4 * mm),
    ]
    for area, entries in entries_by_area(record):
        rows = [_row(e, styles, e.title) for e in entries]
        story.append(_table(f"{area.number}) {area.title}", rows, styles, widths))
        story.append(Spacer(1, 3 * mm))
    if record.added_findings:
        rows = [
            _row(
                e,
                styles,
                f"{chr(97 + i % 26)}) {e.finding_title}"
                + (f" (source: {e.finding_source})" if e.finding_source else ""),
            )
            for i, e in enumerate(record.added_findings)
        ]
        story.append(_table("Other relevant findings / recommendations", rows, styles, widths))
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=f"{record.name}: practice improvement pledges",
        author="Practice improvement pledge tracker",
    )
    document.build(story, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()
