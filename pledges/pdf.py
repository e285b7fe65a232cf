"""One record as a PDF laid out like the paper tool (Appendix 1), and the blank tool to fill in by hand.

Landscape, one table: the "Stage 1" / "Stage 2" band and the column headings (repeated on every
page), each area's row with its key points under it, then "Other relevant findings /
recommendations" and its rows a), b), ... A cell may hold anything the form accepted (10,000
characters a box): rows split across pages (`splitInRow`), and long words and addresses wrap.
"""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.formatting import long_date, shorten
from core.pdf_fonts import BOLD, REGULAR, register_fonts
from pledges.models import Entry, Evidence, FrameworkVersion, Record
from pledges.queries import entries_by_area
from pledges.wording import (
    BLANK_TOOL_NOTE,
    OTHER_FINDINGS_HEADING,
    OTHER_FINDINGS_INSTRUCTION,
    REVIEW_COLUMN_LABEL,
    TOOL_TITLE,
)

PAGE = landscape(A4)
MARGIN = 12 * mm
WIDTH = PAGE[0] - 2 * MARGIN
# Points | good practice | pledge | help / hinder | signs of success | review 6 months on
COLUMN_SHARES = (0.17, 0.15, 0.17, 0.15, 0.15, 0.21)
COLUMN_WIDTHS = [WIDTH * share for share in COLUMN_SHARES]
STAGE_1_COLUMNS = 5
# Room to write by hand in a blank row, on the blank tool and under "Other relevant findings".
HANDWRITING_ROW_HEIGHT = 24 * mm
BLANK_FINDING_LETTERS = "abcde"

HEADINGS = (
    "Findings / recommendations ~ 3 areas 14 points ~",
    "Examples of current good practice",
    "To improve my/our practice in relation to this finding/ recommendation I/we pledge to...",
    "Factors that will help / factors that may hinder",
    "Anticipated signs of success ~ I/we will know that things are improving when...",
    REVIEW_COLUMN_LABEL + " (against each piece of evidence please note the source of the "
    "evidence: SR = self report / SUR = service user report / MR = manager report / "
    "CR = colleague report)",
)

# Rows 0 and 1 (the band and the headings) repeat at the top of every page.
HEADER_ROWS = 2
GRID = colors.HexColor("#505a5f")
BAND = colors.HexColor("#c6d5e8")
HEADING = colors.HexColor("#dbe5f1")
SECTION = colors.HexColor("#f3f2f1")


def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    # splitLongWords (ReportLab's default, said here because we rely on it) breaks a word or web
    # address wider than its column. (uriWasteReduce would break addresses more neatly, but it
    # tries at every line's end and costs a quarter of the time.)
    base = ParagraphStyle("text", fontName=REGULAR, fontSize=8.5, leading=10.5, splitLongWords=1)
    return {
        "title": ParagraphStyle("title", base, fontName=BOLD, fontSize=14, leading=17),
        "details": ParagraphStyle("details", base, fontSize=9.5, leading=12),
        "text": base,
        "small": ParagraphStyle("small", base, fontSize=7.5, leading=9),
        "head": ParagraphStyle("head", base, fontName=BOLD, fontSize=7.5, leading=9),
        "band": ParagraphStyle(
            "band", base, fontName=BOLD, fontSize=10, leading=12, alignment=TA_CENTER
        ),
        "area": ParagraphStyle("area", base, fontName=BOLD, fontSize=9.5, leading=12),
    }


def paragraph(text: str, style: ParagraphStyle, *, label: str = "") -> Paragraph:
    """User text as a paragraph, escaped (it is markup to ReportLab), its line breaks kept; an
    optional bold label before it."""
    body = escape(text or "").replace("\r\n", "\n").replace("\n", "<br/>")
    if label:
        body = f"<b>{escape(label)}</b> {body}"
    return Paragraph(body, style)


# Text longer than this is set as several paragraphs (cut at a line break, a sentence's end or a
# space), so a page break re-wraps one piece, not the rest of a 10,000-character box.
PIECE_CHARACTERS = 1500


def pieces(text: str, limit: int = PIECE_CHARACTERS) -> list[str]:
    """The text in pieces of at most `limit` characters, cut where a reader would least notice:
    at a line break, else after a sentence, else at a space, else (one very long word) anywhere.
    Joined again (with the line break or space cut at), the pieces give back the text."""
    result = []
    while len(text) > limit:
        window = text[: limit + 1]
        cut = window.rfind("\n", limit // 2)
        skip = 1
        if cut < 0:
            cut = max(window.rfind(end, limit // 2) for end in (". ", "! ", "? "))
            cut, skip = (cut + 1, 1) if cut >= 0 else (window.rfind(" ", limit // 2), 1)
        if cut <= 0:
            cut, skip = limit, 0
        result.append(text[:cut])
        text = text[cut + skip :]
    result.append(text)
    return result


class WrappedOnce(Flowable):
    """A flowable wrapped once for each width, however often its table asks.

    At each page break ReportLab's `Table` wraps every cell of the rest of the table again; with
    boxes of 10,000 characters that made the time grow with the square of the record's length.
    The wrapped flowable is kept as it is until it is split (splitting may change it).
    """

    def __init__(self, inner: Flowable):
        super().__init__()
        self.inner = inner
        self._wrapped_for: float | None = None
        self._size = (0.0, 0.0)

    def wrap(self, availWidth, availHeight):
        # The table computes a column's width by more than one sum, so the same width can differ
        # in its last digit (125.55590551181106 and ...109): that is the same width.
        if self._wrapped_for is None or abs(self._wrapped_for - availWidth) > 1e-6:
            self._size = self.inner.wrap(availWidth, availHeight)
            self._wrapped_for = availWidth
        self.width, self.height = self._size
        return self._size

    def split(self, availWidth, availHeight):
        parts = self.inner.split(availWidth, availHeight)
        if not parts:  # nothing fits: the paragraph forgets its lines, so wrap it again
            self._wrapped_for = None
            return []
        if len(parts) == 1 and parts[0] is self.inner:
            return [self]
        return [WrappedOnce(part) for part in parts]

    def getSpaceBefore(self):
        return self.inner.getSpaceBefore()

    def getSpaceAfter(self):
        return self.inner.getSpaceAfter()

    def draw(self):
        self.inner.drawOn(self.canv, 0, 0)


def text_flowables(text: str, style: ParagraphStyle, *, label: str = "") -> list[Flowable]:
    """A box's text as flowables a table can split across pages: the label on the first piece."""
    return [
        WrappedOnce(paragraph(piece, style, label=label if index == 0 else ""))
        for index, piece in enumerate(pieces(text))
    ]


def _evidence_flowables(item: Evidence, style: ParagraphStyle) -> list[Flowable]:
    """One piece of evidence: its date and its sources (the paper's SR, SUR, MR, CR), then what
    happened."""
    when = long_date(item.occurred_on) if item.occurred_on else "date not given"
    sources = item.source_codes or "no source given"
    return text_flowables(item.description, style, label=f"• {when}, {sources}:")


def _review_cell(entry: Entry, style: ParagraphStyle) -> list[Flowable]:
    cell = [part for item in entry.evidence for part in _evidence_flowables(item, style)]
    if entry.change_judgement:
        cell += text_flowables(entry.change_judgement.label, style, label="Judgement of change:")
    if entry.what_next.strip():
        cell += text_flowables(entry.what_next, style, label="What next:")
    return cell


def _text_cell(text: str, style: ParagraphStyle, label: str = "") -> list[Flowable]:
    return text_flowables(text, style, label=label) if text.strip() else []


def _addenda(entry: Entry, style: ParagraphStyle) -> list[Flowable]:
    """Dated notes added after sign-off, which leave the signed-off text as it was."""
    return [
        part
        for addendum in entry.addenda
        for part in text_flowables(
            addendum.text,
            style,
            label=f"Addendum by {addendum.author.name}, {long_date(addendum.created_at)}:",
        )
    ]


def _entry_row(entry: Entry, label: list[Flowable], styles, *, review: bool = True) -> list:
    text = styles["text"]
    return [
        label,
        _text_cell(entry.good_practice, text),
        _text_cell(entry.pledge, text) + _addenda(entry, text),
        _text_cell(entry.helps, text, "Help:") + _text_cell(entry.hinders, text, "Hinder:"),
        _text_cell(entry.signs_of_success, text),
        _review_cell(entry, text) if review else [],
    ]


def _finding_label(letter: str, entry: Entry, styles) -> list[Flowable]:
    return text_flowables(entry.finding_title, styles["small"], label=f"{letter})") + _text_cell(
        entry.finding_source, styles["small"], "Source:"
    )


def finding_letter(index: int) -> str:
    """a) … z), then aa), ab) …: the paper's letters, for as many findings as the owners add."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return letters[index] if index < 26 else finding_letter(index // 26 - 1) + letters[index % 26]


class _ToolTable:
    """The rows of the paper's one table, with the style commands each kind of row needs."""

    def __init__(self, styles):
        self.styles = styles
        # The band: "Stage 1" over the first five columns, "Stage 2" over the last.
        # Wrapped once: these two rows are laid out again on every page they repeat on.
        band = [WrappedOnce(paragraph("Stage 1", styles["band"])), "", "", "", ""]
        self.rows: list[list] = [
            [*band, WrappedOnce(paragraph("Stage 2", styles["band"]))],
            [WrappedOnce(paragraph(heading, styles["head"])) for heading in HEADINGS],
        ]
        self.heights: list[float | None] = [None, None]
        self.commands: list[tuple] = [
            ("GRID", (0, 0), (-1, -1), 0.5, GRID),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("SPAN", (0, 0), (STAGE_1_COLUMNS - 1, 0)),
            ("BACKGROUND", (0, 0), (-1, 0), BAND),
            ("BACKGROUND", (0, 1), (-1, 1), HEADING),
        ]

    def add_section(self, first: Paragraph, rest: Paragraph | None = None) -> None:
        """A shaded row across the table: an area's title, or the findings' header."""
        row = len(self.rows)
        if rest is None:
            self.rows.append([first, "", "", "", "", ""])
            self.commands.append(("SPAN", (0, row), (-1, row)))
        else:
            self.rows.append([first, rest, "", "", "", ""])
            self.commands.append(("SPAN", (1, row), (-1, row)))
        self.commands.append(("BACKGROUND", (0, row), (-1, row), SECTION))
        self.heights.append(None)

    def keep_with_next(self) -> None:
        """Keep the last row on the page of the next. Only before rows of a known, small height
        (the blank rows): a row that must split could then not go anywhere."""
        row = len(self.rows) - 1
        self.commands.append(("NOSPLIT", (0, row), (-1, row + 1)))

    def add_row(self, cells: list, *, for_handwriting: bool = False) -> None:
        self.rows.append(cells)
        self.heights.append(HANDWRITING_ROW_HEIGHT if for_handwriting else None)

    def add_blank_findings(self) -> None:
        self.keep_with_next()
        for letter in BLANK_FINDING_LETTERS:
            label = paragraph(f"{letter})", self.styles["small"])
            self.add_row([label, "", "", "", "", ""], for_handwriting=True)

    def add_findings_header(self) -> None:
        self.add_section(
            paragraph(OTHER_FINDINGS_HEADING, self.styles["head"]),
            paragraph(OTHER_FINDINGS_INSTRUCTION, self.styles["small"]),
        )

    def flowable(self) -> Table:
        return Table(
            self.rows,
            colWidths=COLUMN_WIDTHS,
            rowHeights=self.heights,
            repeatRows=HEADER_ROWS,
            splitInRow=1,
            style=TableStyle(self.commands),
        )


FOOTER_SIZE = 7.5
FOOTER_Y = 7 * mm
# The page count is a form: each page's footer draws it ("Page 3 of " and the form), and the
# form is defined once the last page is reached, so the document is laid out once.
PAGE_COUNT_FORM = "page-count"


def _page_count_x() -> float:
    """Where the page count starts: room for four digits before the right margin."""
    return PAGE[0] - MARGIN - 4 * stringWidth("0", REGULAR, FOOTER_SIZE)


class _PageCount(Flowable):
    """Takes no room. The last thing in the story, so drawn on the last page: it defines the
    form that every page's footer shows, with the number of pages in it."""

    def wrap(self, availWidth, availHeight):
        return 0, 0

    def draw(self):
        canvas = self.canv
        pages = canvas.getPageNumber()
        canvas.beginForm(PAGE_COUNT_FORM)
        canvas.setFont(REGULAR, FOOTER_SIZE)
        canvas.drawString(_page_count_x(), FOOTER_Y, str(pages))
        canvas.endForm()


def _footer(text: str):
    """Draws on every page: whose tool it is, and "Page X of Y"."""
    # At most one line: a long name is cut short rather than run into the page number.
    short = shorten(text, 90)

    def on_page(canvas, _document) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, FOOTER_SIZE)
        canvas.drawString(MARGIN, FOOTER_Y, short)
        canvas.drawRightString(_page_count_x(), FOOTER_Y, f"Page {canvas.getPageNumber()} of ")
        canvas.doForm(PAGE_COUNT_FORM)
        canvas.restoreState()

    return on_page


def _build(story: list, *, title: str, footer: str) -> bytes:
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=title,
        author="Practice improvement pledge tracker",
    )
    on_page = _footer(footer)
    document.build([*story, _PageCount()], onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def _record_details(record: Record, styles) -> list:
    details = " / ".join(
        part
        for part in (record.work_base_address.replace("\n", ", "), record.telephone, record.email)
        if part.strip()
    )
    story = [
        paragraph(record.name, styles["details"], label="Name (individual / team):"),
        paragraph(
            details, styles["details"], label="Details (full address of work base / tel. / e-mail):"
        ),
    ]
    if record.is_team_record:
        members = ", ".join(
            member.name + (f" ({member.job_title})" if member.job_title else "")
            for member in record.owners
        )
        story.append(
            paragraph(members or "none", styles["details"], label="Team members:"),
        )
    status = [f"Cycle {record.cycle}, version {record.version}. Status: {record.state.label}."]
    if record.signed_off_at:
        status.append(f"Stage 1 signed off on {long_date(record.signed_off_at)}.")
    if record.review_due_on:
        status.append(f"Review due on {long_date(record.review_due_on)}.")
    story.append(paragraph(" ".join(status), styles["small"]))
    return story


def record_pdf(record: Record, *, include_review: bool = True) -> bytes:
    """The record as the paper tool: its details, then the one table of the paper, filled in.

    `include_review=False` leaves the review column empty (a review not yet signed off, printed
    by someone who may read only what is signed off).

    Never refuses text the forms accepted: long cells continue on the next page under the
    repeated headings. With no added findings, blank rows a) to e) are left to write in.
    """
    styles = _styles()
    table = _ToolTable(styles)
    for area, entries in entries_by_area(record):
        table.add_section(paragraph(f"{area.number}) {area.title}", styles["area"]))
        for entry in entries:
            title = text_flowables(entry.title, styles["small"])
            table.add_row(_entry_row(entry, title, styles, review=include_review))
    table.add_findings_header()
    if record.added_findings:
        for index, entry in enumerate(record.added_findings):
            label = _finding_label(finding_letter(index), entry, styles)
            table.add_row(_entry_row(entry, label, styles, review=include_review))
    else:
        table.add_blank_findings()
    return _tool_document(
        styles,
        _record_details(record, styles),
        table,
        title=f"{record.name}: practice improvement pledges",
        footer=f"{record.name}, cycle {record.cycle}",
    )


def _blank_details(styles) -> Table:
    labels = ("Name (individual / team):", "Details (full address of work base / tel. / e-mail):")
    rows = [[paragraph(label, styles["details"]), ""] for label in labels]
    return Table(
        rows,
        colWidths=[WIDTH * 0.36, WIDTH * 0.64],
        rowHeights=[9 * mm, 9 * mm],
        style=TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LINEBELOW", (1, 0), (1, -1), 0.5, GRID),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
    )


def blank_tool_pdf(framework: FrameworkVersion) -> bytes:
    """The empty tool for a framework, to print and fill in by hand (in supervision, say): every
    area and key point with room to write, and rows a) to e) for findings of one's own."""
    styles = _styles()
    table = _ToolTable(styles)
    for area in framework.areas:
        table.add_section(paragraph(f"{area.number}) {area.title}", styles["area"]))
        table.keep_with_next()
        for point in area.key_points:
            label = paragraph(f"{point.number}) {point.title}", styles["small"])
            table.add_row([label, "", "", "", "", ""], for_handwriting=True)
    table.add_findings_header()
    table.add_blank_findings()
    note = BLANK_TOOL_NOTE.format(title=framework.title, version=framework.version)
    return _tool_document(
        styles,
        [_blank_details(styles), Spacer(1, 2 * mm), paragraph(note, styles["small"])],
        table,
        title=f"{TOOL_TITLE} (blank)",
        footer=f"{framework.title}, version {framework.version}",
    )


def _tool_document(styles, heading: list, table: _ToolTable, *, title: str, footer: str) -> bytes:
    """The paper tool: its title, what heads this copy of it (`heading`), then its table."""
    story = [paragraph(TOOL_TITLE, styles["title"]), *heading, Spacer(1, 3 * mm), table.flowable()]
    return _build(story, title=title, footer=footer)
