"""The collated PDF: cover, summary figures and charts, then area by area and point by point.

The front matter (cover, contents, summary with its charts) is laid out with platypus; the
body, tens of thousands of pages for a county, is drawn line by line (collation.page_writer)
in parts of bounded size, joined one part at a time (collation.pdf_parts).

Items are attributed to team, agency and district, never to a person. Anonymised, they carry
agency and district only, and a group of fewer than five people is never shown: its attribution
and any count below five are withheld, so nobody can be identified by elimination.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape

import sqlalchemy as sa
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from collation.featured import featured_items
from collation.page_writer import PageWriter, TextStyle
from collation.pdf_parts import OutlineEntry, PartWriter, join_parts, temporary_folder
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
from core.formatting import long_date, shorten
from core.pdf_fonts import BOLD, REGULAR
from core.pdf_layout import AUTHOR, GREY, MARGIN, a4_document, figure_table, text_paragraph
from core.pdf_layout import styles as paragraph_styles
from core.small_numbers import SMALLEST_SHOWN, is_small, shown_count
from impact.pdf import HEADINGS as IMPACT_HEADINGS
from impact.pdf import impact_story
from impact.report import ImpactReport, impact_report
from library.queries import LibraryItem
from people.models import Agency, District, User

log = logging.getLogger(__name__)

TITLE = "Practice improvement pledges: collated good practice, pledges and evidence"


@dataclass(frozen=True)
class Chart:
    """One figure of the summary: a bar chart, and its numbers in a table beside it."""

    title: str
    rows: list[tuple[str, int]]
    column: str  # the table's heading for the numbers
    short_labels: list[str] | None = None  # the chart's axis labels, when the rows' are long


CHART_WIDTH = 100 * mm
TABLE_WIDTH = A4[0] - 2 * MARGIN - CHART_WIDTH - 4 * mm
BAR_COLOUR = colors.HexColor("#1d4f91")
MOST_BARS = 20


def _summary_charts(figures: Figures) -> list[Chart]:
    key_points = figures.pledges_by_key_point
    return [
        Chart("Records by status", figures.by_status, "Records"),
        Chart("Signed-off records by district", figures.by_district, "Records"),
        Chart("Signed-off records by agency", figures.by_agency, "Records"),
        Chart(
            "Pledges per key point",
            key_points,
            "Pledges",
            short_labels=[label.split(")", 1)[0] for label, _ in key_points],
        ),
        Chart(
            "Evidence mix: signed-off reviews backed by self report only, and triangulated",
            figures.review_support,
            "Reviews",
            short_labels=["Self report only", "Triangulated"],
        ),
        Chart(
            "Pieces of evidence by source",
            figures.evidence_by_source,
            "Pieces",
            short_labels=[label.split(" ", 1)[0] for label, _ in figures.evidence_by_source],
        ),
        Chart("Judgements of change", figures.judgements, "Entries"),
    ]


def _bar_chart(chart: Chart, anonymise: bool) -> Drawing:
    """A horizontal bar chart drawn with ReportLab's graphics; anonymised, bars for counts under
    five are left out (the table beside says "fewer than 5")."""
    labels = chart.short_labels or [label for label, _ in chart.rows]
    bars = [
        (shorten(label, 24), value)
        for label, (_, value) in zip(labels, chart.rows, strict=True)
        if not (anonymise and is_small(value))
    ][:MOST_BARS] or [("No data", 0)]
    height = 16 + 15 * len(bars)
    drawing = Drawing(CHART_WIDTH, height + 14)
    bar_chart = HorizontalBarChart()
    bar_chart.x, bar_chart.y = 36 * mm, 12
    bar_chart.width, bar_chart.height = CHART_WIDTH - 36 * mm - 12 * mm, height - 8
    bar_chart.data = [[value for _, value in reversed(bars)]]
    bar_chart.categoryAxis.categoryNames = [label for label, _ in reversed(bars)]
    bar_chart.categoryAxis.labels.fontName = REGULAR
    bar_chart.categoryAxis.labels.fontSize = 7
    bar_chart.categoryAxis.labels.boxAnchor = "e"
    bar_chart.valueAxis.labels.fontName = REGULAR
    bar_chart.valueAxis.labels.fontSize = 7
    bar_chart.valueAxis.valueMin = 0
    bar_chart.valueAxis.forceZero = 1
    bar_chart.bars[0].fillColor = BAR_COLOUR
    bar_chart.bars[0].strokeColor = None
    bar_chart.barLabelFormat = "%d"
    bar_chart.barLabels.fontName = REGULAR
    bar_chart.barLabels.fontSize = 7
    bar_chart.barLabels.boxAnchor = "w"
    bar_chart.barLabels.dx = 3
    drawing.add(bar_chart)
    if len(chart.rows) > MOST_BARS:
        drawing.add(
            String(0, 0, f"The largest {MOST_BARS} of {len(chart.rows)}: all are in the table.",
                   fontName=REGULAR, fontSize=7)
        )  # fmt: skip
    return drawing


class _Marker(Flowable):
    """Takes no room: records the page and height where the heading after it is drawn."""

    def __init__(self, level: int, text: str, found: list[OutlineEntry]):
        super().__init__()
        self.level, self.text, self.found = level, text, found
        self.width = self.height = 0

    def wrap(self, available_width, available_height):
        return 0, 0

    def draw(self):
        _, top = self.canv.absolutePosition(0, 0)
        self.found.append(OutlineEntry(self.level, self.text, self.canv.getPageNumber(), top))


def _heading(text: str, style, level: int, found: list[OutlineEntry]) -> list:
    return [_Marker(level, text, found), Paragraph(escape(text), style)]


def _summary(figures: Figures, selection: Selection, styles, found) -> list:
    anonymise = selection.anonymise
    headline = [
        ("Records (all statuses)", figures.records),
        ("Reviews due, not yet submitted", figures.reviews_due),
        ("Reviews overdue by four weeks or more", figures.reviews_overdue),
    ]
    width = A4[0] - 2 * MARGIN
    numbers = [(label, shown_count(n, anonymised=anonymise)) for label, n in headline]
    story: list = [
        KeepTogether(
            [*_heading("Summary", styles["h1"], 0, found), figure_table(numbers, width, styles)]
        ),
        Spacer(1, 3 * mm),
    ]
    for chart in _summary_charts(figures):
        numbers = [(label, shown_count(value, anonymised=anonymise)) for label, value in chart.rows]
        table = figure_table(numbers, TABLE_WIDTH, styles, heading=("", chart.column))
        drawing = _bar_chart(chart, anonymise)
        if len(chart.rows) <= MOST_BARS:
            pair = Table([[drawing, table]], colWidths=[CHART_WIDTH + 4 * mm, TABLE_WIDTH])
            pair.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                      ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                      ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))  # fmt: skip
            story.append(KeepTogether([*_heading(chart.title, styles["h2"], 1, found), pair]))
        else:  # a long list: the chart, then its table below it, running over pages if need be
            story.append(KeepTogether([*_heading(chart.title, styles["h2"], 1, found), drawing]))
            story.append(figure_table(numbers, width, styles, heading=("", chart.column)))
    return story


def _contents(entries: list[tuple[int, str]], numbers: list[str], styles) -> Table:
    rows = [
        [
            Paragraph(escape(text), styles["toc1"] if level == 0 else styles["toc2"]),
            number,
        ]
        for (level, text), number in zip(entries, numbers, strict=True)
    ]
    table = Table(rows or [["", ""]], colWidths=[150 * mm, 20 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("FONTNAME", (1, 0), (1, -1), REGULAR),
                ("FONTSIZE", (1, 0), (1, -1), 9),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


FEATURED = "Featured good practice"
WITHHELD = "Attribution withheld (a group of fewer than five people)"


@dataclass(frozen=True)
class Opening:
    """What the front matter shows before the body: read once, laid out twice."""

    figures: Figures
    featured: list[LibraryItem]
    impact: ImpactReport
    sizes: dict  # people per (agency, district), for attribution when anonymised

    @property
    def titles(self) -> list[tuple[int, str]]:
        """The front matter's headings, for the contents."""
        charts = [(1, chart.title) for chart in _summary_charts(self.figures)]
        return [(0, FEATURED), *IMPACT_HEADINGS, (0, "Summary"), *charts]


def _opening(selection: Selection) -> Opening:
    district = selection.effective_district
    today = today_in_london()
    return Opening(
        figures=dashboard_figures(selection, today),
        featured=featured_items(selection),
        impact=impact_report(district.id if district else None, today),
        sizes=_group_sizes(),
    )


def _featured_attribution(item: LibraryItem, selection: Selection, sizes) -> str:
    """As its owners chose to share it (name and team, or agency and district); in an anonymised
    export always anonymised, and withheld for a group of fewer than five, as in the body."""
    if selection.anonymise and _small_group(sizes, item.agency_id, item.district_id):
        return WITHHELD
    if item.shared_by and not selection.anonymise:  # named: the owners chose so
        return f"{item.shared_by} · {item.agency} · {item.district}"
    return f"{item.agency} · {item.district}"


def _featured(opening: Opening, selection: Selection, styles, found) -> list:
    """The entries the training team featured, newest featured first."""
    story = _heading(FEATURED, styles["h1"], 0, found)
    if not opening.featured:
        text = "The training team has featured no entries in this selection."
        return [*story, text_paragraph(text, styles["body"])]
    shared = (
        "anonymised in this export: agency and district only"
        if selection.anonymise
        else "as their owners chose to share them: with their name or their team's, or "
        "anonymised (agency and district only)"
    )
    intro = (
        "Entries the training team has featured to celebrate good practice, most recently "
        f"featured first, {shared}."
    )
    story.append(text_paragraph(intro, styles["body"]))
    for item in opening.featured:
        attribution = _featured_attribution(item, selection, opening.sizes)
        block = [
            text_paragraph(item.title, styles["h3"]),
            text_paragraph(
                f"{attribution}. Featured on {long_date(item.featured_on)}.", styles["meta"]
            ),
        ]
        for label, text in (
            ("Examples of current good practice", item.good_practice),
            ("Pledge", item.pledge),
        ):
            if text.strip():
                block += [
                    text_paragraph(label, styles["label"]),
                    text_paragraph(text, styles["body"]),
                ]
        story.append(KeepTogether(block))
    return story


def _impact(opening: Opening, selection: Selection, styles, found) -> list:
    """The impact report for the selection's district (or the county): it answers for the whole
    of that, so a narrower selection is told so."""
    district = selection.effective_district
    place = district.name if district else "the whole county"
    narrower = any(
        (selection.agency, selection.team, selection.key_point_number,
         selection.signed_off_from, selection.signed_off_to)
    )  # fmt: skip
    heading_styles = {0: styles["h1"], 1: styles["h2"]}
    return impact_story(
        opening.impact,
        place,
        anonymised=selection.anonymise,
        paragraph_styles=styles,
        heading=lambda text, level: _heading(text, heading_styles[level], level, found),
        note=f"It covers every agency, team, key point and period of {place}: the selection's "
        "other filters apply to the sections after it."
        if narrower
        else "",
    )


def _cover(selection, styles) -> list:
    return [
        Paragraph(TITLE, styles["cover"]),
        text_paragraph(f"Selection: {selection.describe()}.", styles["text"]),
        text_paragraph(f"Produced on {long_date(today_in_london())}.", styles["text"]),
        text_paragraph(
            "Only signed-off content is included: stage 1 once signed off in supervision, and "
            "review evidence once the six-month review is signed off. Items are attributed to "
            "team, agency and district, never to a person"
            + (
                ", and anonymised (featured good practice too): groups of fewer than five people "
                "are not shown."
                if selection.anonymise
                else " (featured good practice as its owners chose to share it)."
            ),
            styles["text"],
        ),
        Spacer(1, 6 * mm),
        Paragraph("Contents", styles["contents"]),
    ]


def _decorator(selection: Selection):
    running_header = f"Collated pledges – {selection.describe()}"[:120]

    def decorate(canvas, number: int) -> None:
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(GREY)
        canvas.drawString(MARGIN, A4[1] - MARGIN, running_header)
        canvas.drawRightString(A4[0] - MARGIN, 10 * mm, f"Page {number}")

    return decorate


def _front_matter(selection, opening: Opening, entries, numbers, styles) -> tuple[bytes, list, int]:
    """The cover, contents, featured good practice, impact report and summary as a PDF: its
    bytes, its headings and its page count.

    Laid out by platypus, so headings keep with their charts and the featured entries follow
    the contents on the same page. The contents' page numbers sit in a column of fixed width, so
    the layout, and the page count, do not depend on them.
    """
    found: list[OutlineEntry] = []
    buffer = BytesIO()
    document = a4_document(buffer, title=TITLE, top_margin=MARGIN + 6 * mm)
    decorate = _decorator(selection)

    def on_page(canvas, _document):
        decorate(canvas, canvas.getPageNumber())

    story = _cover(selection, styles)
    story.append(_contents(entries, numbers, styles))
    story.append(Spacer(1, 6 * mm))
    story += _featured(opening, selection, styles, found)
    story.append(Spacer(1, 6 * mm))
    story += _impact(opening, selection, styles, found)
    story.append(Spacer(1, 6 * mm))
    story += _summary(opening.figures, selection, styles, found)
    document.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue(), found, document.page


def write_collated_pdf(selection: Selection, out: BinaryIO, progress=None) -> None:
    """The collation for a selection, as a PDF written to `out`. `progress(n)` is told after
    every item.

    The front matter (featured good practice, the impact report and the summary: short, and
    read once) is laid out once to count its pages; the body is drawn
    after it, page numbers following on, in parts of bounded size; the front matter is laid
    out again with the body's page numbers in its contents, and the parts are joined as a stream.
    """
    styles = paragraph_styles()
    opening = _opening(selection)
    entries = opening.titles + section_titles(selection)
    _, front_found, front_pages = _front_matter(
        selection, opening, entries, ["00000"] * len(entries), styles
    )
    with temporary_folder() as folder:
        parts = PartWriter(Path(folder), pagesize=A4)
        writer = body_writer(parts, selection, front_pages + 1)
        _write_items(writer, selection, progress)
        writer.finish()
        paths = parts.finish()
        body = [
            OutlineEntry(level, text, page, top, closed=level == 0)
            for (level, text, page), top in zip(writer.headings, writer.heading_tops, strict=True)
        ]
        numbers = _contents_numbers(entries, front_found + body)
        front, found, pages_again = _front_matter(selection, opening, entries, numbers, styles)
        if pages_again != front_pages:  # cannot happen: the numbers' column is of fixed width
            log.error("collated PDF: front matter was %s pages, then %s", front_pages, pages_again)
        join_parts([BytesIO(front), *paths], out, found + body, title=TITLE, author=AUTHOR)


def _contents_numbers(entries, headings: list[OutlineEntry]) -> list[str]:
    """Each contents line's page number: the page its heading was drawn on (matched in order)."""
    found: dict[tuple[int, str], list[int]] = {}
    for heading in headings:
        found.setdefault((heading.level, heading.title), []).append(heading.page)
    numbers = []
    for level, text in entries:
        pages = found.get((level, text))
        numbers.append(str(pages.pop(0)) if pages else "–")
    return numbers


def collated_pdf(selection: Selection, progress=None) -> bytes:
    """The collated PDF as bytes, for a download small enough to build in the request."""
    buffer = BytesIO()
    write_collated_pdf(selection, buffer, progress)
    return buffer.getvalue()


def _group_sizes() -> dict[tuple[int | None, int | None], int]:
    """How many active people each (agency, district) has: small groups are not attributed."""
    rows = db.session.execute(
        sa.select(User.agency_id, User.district_id, sa.func.count(User.id))
        .where(User.is_active_account.is_(True))
        .group_by(User.agency_id, User.district_id)
    )
    return {(agency, district): n for agency, district, n in rows}


def _attribution(item, selection: Selection, sizes, ids) -> str:
    if not selection.anonymise:
        return f"{item.team} · {item.agency} · {item.district}"
    agency_id, district_id = ids["agency"].get(item.agency), ids["district"].get(item.district)
    if _small_group(sizes, agency_id, district_id):
        return WITHHELD
    return f"{item.agency} · {item.district}"


def _small_group(sizes, agency_id: int | None, district_id: int | None) -> bool:
    """Whether the agency's people in the district are too few to attribute anything to."""
    return sizes.get((agency_id, district_id), 0) < SMALLEST_SHOWN


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


def body_writer(parts: PartWriter, selection: Selection, first_page_number: int) -> PageWriter:
    """The writer that lays out the export's body on A4 into `parts`, its pages numbered on from
    `first_page_number`: the one set-up the export and the benchmark's parallel build share."""
    return PageWriter(
        parts.canvas,
        left=MARGIN,
        top=A4[1] - MARGIN - 6 * mm,
        bottom=MARGIN,
        width=A4[0] - 2 * MARGIN,
        first_page_number=first_page_number,
        decorate=_decorator(selection),
        bookmarks=False,
        after_page=parts.after_page,
    )


def _write_items(writer: PageWriter, selection: Selection, progress, areas=None) -> None:
    sizes = _group_sizes()
    ids = {
        "agency": dict(db.session.execute(sa.select(Agency.name, Agency.id)).all()),
        "district": dict(db.session.execute(sa.select(District.name, District.id)).all()),
    }
    area = point = None
    label, text = BODY["label"], BODY["text"]
    count = 0
    for count, item in enumerate(collated_items(selection, areas=areas), start=1):
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
            if item.finding_source.strip():
                writer.write(f"Where the finding came from: {item.finding_source}", text)
        for title, name in FIELDS:
            writer.labelled(title, getattr(item, name), label, text)
        for number, evidence in enumerate(item.evidence):
            when = f"{long_date(evidence.occurred_on)}: " if evidence.occurred_on else ""
            line = f"• {when}{evidence.description} [{evidence.sources or 'no source'}]"
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
