"""The collated PDF: cover, summary figures and charts, then area by area and point by point.

Items are attributed to team, agency and district, never to a person. Anonymised, they carry
agency and district only, and a group of fewer than five people is never shown: its attribution
and any count below five are withheld, so nobody can be identified by elimination.
"""

from __future__ import annotations

import logging
from io import BytesIO
from typing import BinaryIO
from xml.sax.saxutils import escape

import sqlalchemy as sa
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Frame, Paragraph, Spacer, Table, TableStyle

from collation.compact_canvas import CompactCanvas
from collation.page_writer import PageWriter, TextStyle
from collation.queries import (
    ADDED_FINDINGS_SECTION,
    Figures,
    collated_items,
    dashboard_figures,
    section_titles,
)
from collation.selection import Selection
from core.clock import today_in_london
from core.database import db
from core.formatting import long_date
from core.pdf_fonts import BOLD, REGULAR, register_fonts
from people.models import Agency, District, User
from pledges.pdf import paragraph

log = logging.getLogger(__name__)

SMALLEST_GROUP = 5
MARGIN = 18 * mm
GREY = colors.HexColor("#505a5f")
TITLE = "Practice improvement pledges: collated good practice, pledges and evidence"


def _styles():
    register_fonts()
    base = {"fontName": REGULAR, "fontSize": 9.5, "leading": 12.5}
    return {
        "cover": ParagraphStyle("cover", fontName=BOLD, fontSize=22, leading=27, spaceAfter=12),
        "h1": ParagraphStyle(
            "h1", fontName=BOLD, fontSize=15, leading=19, spaceBefore=6, spaceAfter=6
        ),
        "h2": ParagraphStyle(
            "h2", fontName=BOLD, fontSize=11.5, leading=14.5, spaceBefore=8, spaceAfter=4
        ),
        "contents": ParagraphStyle(
            "contents", fontName=BOLD, fontSize=11.5, leading=14.5, spaceAfter=4
        ),
        "text": ParagraphStyle("text", **base),
        "label": ParagraphStyle("label", fontName=BOLD, fontSize=8.5, leading=11),
        "meta": ParagraphStyle(
            "meta", fontName=REGULAR, fontSize=8, leading=10, textColor=colors.HexColor("#505a5f")
        ),
        "toc1": ParagraphStyle("toc1", fontName=BOLD, fontSize=10, leading=13),
        "toc2": ParagraphStyle("toc2", fontName=REGULAR, fontSize=9, leading=11.5, leftIndent=12),
    }


def _count(value: int, anonymise: bool) -> str:
    return "fewer than 5" if anonymise and 0 < value < SMALLEST_GROUP else str(value)


def _figure_table(rows: list[tuple[str, int]], anonymise: bool, styles) -> Table:
    data = [[paragraph(label, styles["text"]), _count(value, anonymise)] for label, value in rows]
    table = Table(data or [["No data", ""]], colWidths=[120 * mm, 40 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#b1b4b6")),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _bar_chart(title: str, rows: list[tuple[str, int]], anonymise: bool) -> Drawing:
    """A bar chart with its title. Anonymised, bars for counts under five are left out."""
    if anonymise:
        rows = [(label, value) for label, value in rows if value == 0 or value >= SMALLEST_GROUP]
    rows = rows or [("No data", 0)]
    height = 30 + 16 * len(rows)
    drawing = Drawing(170 * mm, height + 20)
    drawing.add(String(0, height + 8, title, fontName=BOLD, fontSize=10))
    chart = HorizontalBarChart()
    chart.x, chart.y = 80 * mm, 10
    chart.width, chart.height = 80 * mm, height - 10
    chart.data = [[value for _, value in reversed(rows)]]
    chart.categoryAxis.categoryNames = [
        (label[:45] + "…") if len(label) > 46 else label for label, _ in reversed(rows)
    ]
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = colors.HexColor("#1d4f91")
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = REGULAR
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 8
    drawing.add(chart)
    return drawing


def _group_sizes() -> dict[tuple[int | None, int | None], int]:
    """How many active people each (agency, district) has: small groups are not attributed."""
    rows = db.session.execute(
        sa.select(User.agency_id, User.district_id, sa.func.count(User.id))
        .where(User.is_active_account.is_(True))
        .group_by(User.agency_id, User.district_id)
    )
    return {(agency, district): n for agency, district, n in rows}


def _summary_tables(figures: Figures) -> list[tuple[str, list[tuple[str, int]]]]:
    return [
        ("Records by status", figures.by_status),
        ("Signed-off records by district", figures.by_district),
        ("Signed-off records by agency", figures.by_agency),
        ("Signed-off reviews by how they are evidenced", figures.review_support),
        ("Judgements of change", figures.judgements),
    ]


def _summary(figures: Figures, selection: Selection, styles, pages: _Pages) -> list:
    anonymise = selection.anonymise
    story = [_Heading("Summary", styles["h1"], 0, pages)]
    headline = [
        ("Records (all statuses)", figures.records),
        ("Reviews due, not yet submitted", figures.reviews_due),
        ("Reviews overdue by four weeks or more", figures.reviews_overdue),
    ]
    story += [_figure_table(headline, anonymise, styles), Spacer(1, 4 * mm)]
    for title, rows in _summary_tables(figures):
        story += [_Heading(title, styles["h2"], 1, pages), _figure_table(rows, anonymise, styles)]
    story += [
        Spacer(1, 4 * mm),
        _bar_chart("Pledges per key point", figures.pledges_by_key_point, anonymise),
        _bar_chart("Pieces of evidence by source", figures.evidence_by_source, anonymise),
    ]
    return story


class _PageNumber(Flowable):
    """A page number in the contents, drawn as a form filled in once the body is laid out
    (PDF lets a page use a form defined later), so the document is built in one pass."""

    def __init__(self, form_name: str, width: float, height: float):
        super().__init__()
        self.form_name, self.width, self.height = form_name, width, height

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        self.canv.doForm(self.form_name)


class _Heading(Paragraph):
    """A front-matter heading that bookmarks itself and records its page when drawn."""

    def __init__(self, text: str, style, level: int, pages: _Pages):
        super().__init__(escape(text), style)
        self.level, self.text, self.pages = level, text, pages

    def draw(self):
        key = f"front{len(self.pages.headings)}"
        self.canv.bookmarkHorizontal(key, 0, self.height)
        self.canv.addOutlineEntry(self.text, key, level=self.level, closed=False)
        self.pages.headings.append((self.level, self.text, self.pages.number))
        super().draw()


class _Pages:
    """The page being drawn and the headings met so far, for the front matter."""

    def __init__(self):
        self.number = 1
        self.headings: list[tuple[int, str, int]] = []


def _contents(entries: list[tuple[int, str]], styles) -> Table:
    rows = [
        [
            Paragraph(escape(text), styles["toc1"] if level == 0 else styles["toc2"]),
            _PageNumber(f"contents{index}", 18 * mm, 10),
        ]
        for index, (level, text) in enumerate(entries)
    ]
    table = Table(rows or [["", ""]], colWidths=[150 * mm, 20 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _cover(selection, styles, entries) -> list:
    return [
        Paragraph(TITLE, styles["cover"]),
        paragraph(f"Selection: {selection.describe()}.", styles["text"]),
        paragraph(f"Produced on {long_date(today_in_london())}.", styles["text"]),
        paragraph(
            "Only signed-off content is included: stage 1 once signed off in supervision, and "
            "review evidence once the six-month review is signed off. Items are attributed to "
            "team, agency and district, never to a person"
            + (
                ", and anonymised: groups of fewer than five people are not shown."
                if selection.anonymise
                else "."
            ),
            styles["text"],
        ),
        Spacer(1, 8 * mm),
        Paragraph("Contents", styles["contents"]),
        _contents(entries, styles),
    ]


def _draw_flowables(canvas, story: list, pages: _Pages, decorate) -> None:
    """Draw platypus flowables page after page, from a new page, splitting what does not fit
    (a long contents table runs on over the page)."""
    story = list(story)
    while story:
        frame = Frame(MARGIN, MARGIN, A4[0] - 2 * MARGIN, A4[1] - 2 * MARGIN - 6 * mm)
        drawn = 0
        while story:
            if frame.add(story[0], canvas, trySplit=0):
                story.pop(0)
                drawn += 1
                continue
            parts = frame.split(story[0], canvas)
            if len(parts) > 1 and frame.add(parts[0], canvas, trySplit=0):
                story[0:1] = parts[1:]
                drawn += 1
            break
        if not drawn and story:  # too big for an empty page and cannot split: left out
            log.warning("collated PDF: a %s too large for a page was left out", type(story[0]))
            story.pop(0)
        decorate(canvas, pages.number)
        canvas.showPage()
        pages.number += 1


def _decorator(selection: Selection):
    running_header = f"Collated pledges – {selection.describe()}"[:120]

    def decorate(canvas, number: int) -> None:
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(GREY)
        canvas.drawString(MARGIN, A4[1] - MARGIN, running_header)
        canvas.drawRightString(A4[0] - MARGIN, 10 * mm, f"Page {number}")

    return decorate


def write_collated_pdf(selection: Selection, out: BinaryIO, progress=None) -> None:
    """The collation for a selection, as a PDF written to `out`. `progress(n)` is told after
    every item.

    One pass over the data: the cover and contents, the summary, then the items, drawn line by
    line (collation.page_writer). The contents' page numbers are forms, defined at the end
    once every heading's page is known.
    """
    styles = _styles()
    figures = dashboard_figures(selection, today_in_london())
    front_titles = [(0, "Summary")] + [(1, title) for title, _ in _summary_tables(figures)]
    entries = front_titles + section_titles(selection)
    canvas = CompactCanvas(out, pagesize=A4, pageCompression=1)
    canvas.setTitle(TITLE)
    canvas.setAuthor("Practice improvement pledge tracker")
    canvas.showOutline()
    decorate = _decorator(selection)
    pages = _Pages()
    _draw_flowables(canvas, _cover(selection, styles, entries), pages, decorate)
    _draw_flowables(canvas, _summary(figures, selection, styles, pages), pages, decorate)
    writer = PageWriter(
        canvas,
        left=MARGIN,
        top=A4[1] - MARGIN - 6 * mm,
        bottom=MARGIN,
        width=A4[0] - 2 * MARGIN,
        first_page_number=pages.number,
        decorate=decorate,
    )
    _write_items(writer, selection, progress)
    writer.finish()
    _define_contents_numbers(canvas, entries, pages.headings + writer.headings)
    canvas.save()


def _define_contents_numbers(canvas, entries, headings) -> None:
    """Each contents line's page number: the page its heading was drawn on (matched in order)."""
    found: dict[tuple[int, str], list[int]] = {}
    for level, text, page in headings:
        found.setdefault((level, text), []).append(page)
    for index, (level, text) in enumerate(entries):
        numbers = found.get((level, text))
        canvas.beginForm(f"contents{index}")
        canvas.setFont(REGULAR, 9)
        canvas.drawRightString(18 * mm, 2, str(numbers.pop(0)) if numbers else "–")
        canvas.endForm()


def collated_pdf(selection: Selection, progress=None) -> bytes:
    """The collated PDF as bytes, for a download small enough to build in the request."""
    buffer = BytesIO()
    write_collated_pdf(selection, buffer, progress)
    return buffer.getvalue()


def _attribution(item, selection: Selection, sizes, ids) -> str:
    if not selection.anonymise:
        return f"{item.team} · {item.agency} · {item.district}"
    agency_id, district_id = ids["agency"].get(item.agency), ids["district"].get(item.district)
    if sizes.get((agency_id, district_id), 0) < SMALLEST_GROUP:
        return "Attribution withheld (a group of fewer than five people)"
    return f"{item.agency} · {item.district}"


BODY = {
    "h1": TextStyle(BOLD, 15, 19),
    "h2": TextStyle(BOLD, 11.5, 14.5),
    "meta": TextStyle(REGULAR, 8, 10, colour=(0.31, 0.35, 0.37)),
    "label": TextStyle(BOLD, 8.5, 11),
    "text": TextStyle(REGULAR, 9.5, 12.5),
    "bullet": TextStyle(REGULAR, 9.5, 12.5, indent=4 * mm),
}
EVIDENCE_LABEL = "Review 6 months on: evidence and its source"
FIELDS = (
    ("Examples of current good practice", "good_practice"),
    ("Pledge", "pledge"),
    ("Factors that will help", "helps"),
    ("Factors that may hinder", "hinders"),
    ("Anticipated signs of success", "signs_of_success"),
)


def _write_items(writer: PageWriter, selection: Selection, progress) -> None:
    sizes = _group_sizes()
    ids = {
        "agency": dict(db.session.execute(sa.select(Agency.name, Agency.id)).all()),
        "district": dict(db.session.execute(sa.select(District.name, District.id)).all()),
    }
    area = point = None
    label, text = BODY["label"], BODY["text"]
    count = 0
    for count, item in enumerate(collated_items(selection), start=1):
        if item.area != area:
            area, point = item.area, None
            writer.new_page()
            writer.heading(0, area, BODY["h1"], space_before=6)
        heading = ADDED_FINDINGS_SECTION if item.is_added_finding else item.point
        if heading != point:
            point = heading
            writer.heading(1, point, BODY["h2"], space_before=8)
        writer.write(
            _attribution(item, selection, sizes, ids),
            BODY["meta"],
            keep_with_next=label.leading * 3,
        )
        if item.is_added_finding:
            writer.write(f"Finding: {item.point}", label)
        for title, name in FIELDS:
            writer.labelled(title, getattr(item, name), label, text)
        for number, evidence in enumerate(item.evidence):
            line = f"• {evidence.description} [{evidence.sources or 'no source'}]"
            if number == 0:
                writer.labelled(EVIDENCE_LABEL, line, label, BODY["bullet"])
            else:
                writer.write(line, BODY["bullet"])
        if item.judgement:
            writer.write(f"Judgement of change: {item.judgement}", text)
        writer.labelled("What next", item.what_next, label, text)
        writer.space(3 * mm)
        if progress is not None:
            progress(count)
    if not count:
        writer.new_page()
        writer.write("No signed-off content matches this selection.", text)
