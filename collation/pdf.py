"""The collated PDF: cover, summary figures and charts, then area by area and point by point.

Items are attributed to team, agency and district, never to a person. Anonymised, they carry
agency and district only, and a group of fewer than five people is never shown: its attribution
and any count below five are withheld, so nobody can be identified by elimination.
"""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

import sqlalchemy as sa
from pypdf import PdfReader, PdfWriter
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

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

SMALLEST_GROUP = 5
# As wide as any real page number, so the contents keep their length when the numbers go in.
PLACEHOLDER_PAGE = 99999
MARGIN = 18 * mm
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


class _CollatedDocument(BaseDocTemplate):
    """One part of the collated PDF, laid out once, numbered from `first_page`.

    Its headings are recorded with their page numbers, for the contents and the outline.
    """

    def __init__(self, buffer, selection: Selection, first_page: int = 1):
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN + 6 * mm,
            bottomMargin=MARGIN,
            title=TITLE,
            author="Practice improvement pledge tracker",
        )
        self.selection_text = selection.describe()
        self.first_page = first_page
        self.headings: list[tuple[int, str, int]] = []
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._decorate)])

    def _decorate(self, canvas, document):
        canvas.saveState()
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(colors.HexColor("#505a5f"))
        canvas.drawString(MARGIN, A4[1] - MARGIN, f"Collated pledges – {self.selection_text}"[:120])
        number = document.page + self.first_page - 1
        canvas.drawRightString(A4[0] - MARGIN, 10 * mm, f"Page {number}")
        canvas.restoreState()

    def afterFlowable(self, flowable):
        if isinstance(flowable, Paragraph) and flowable.style.name in ("h1", "h2"):
            level = 0 if flowable.style.name == "h1" else 1
            self.headings.append((level, flowable.getPlainText(), self.page + self.first_page - 1))


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


def _summary(figures: Figures, selection: Selection, styles) -> list:
    anonymise = selection.anonymise
    story = [Paragraph("Summary", styles["h1"])]
    headline = [
        ("Records (all statuses)", figures.records),
        ("Reviews due, not yet submitted", figures.reviews_due),
        ("Reviews overdue by four weeks or more", figures.reviews_overdue),
    ]
    story += [_figure_table(headline, anonymise, styles), Spacer(1, 4 * mm)]
    for title, rows in (
        ("Records by status", figures.by_status),
        ("Signed-off records by district", figures.by_district),
        ("Signed-off records by agency", figures.by_agency),
        ("Signed-off reviews by how they are evidenced", figures.review_support),
        ("Judgements of change", figures.judgements),
    ):
        story += [Paragraph(title, styles["h2"]), _figure_table(rows, anonymise, styles)]
    story += [
        Spacer(1, 4 * mm),
        _bar_chart("Pledges per key point", figures.pledges_by_key_point, anonymise),
        _bar_chart("Pieces of evidence by source", figures.evidence_by_source, anonymise),
    ]
    return story


def _build(story: list, selection: Selection, first_page: int) -> tuple[bytes, int, list]:
    buffer = BytesIO()
    document = _CollatedDocument(buffer, selection, first_page)
    document.build(story)
    return buffer.getvalue(), document.page, document.headings


def _contents(entries: list[tuple[int, str, int | None]], styles) -> Table:
    rows = [
        [
            Paragraph(escape(text), styles["toc1"] if level == 0 else styles["toc2"]),
            "" if page is None else str(page),
        ]
        for level, text, page in entries
    ]
    table = Table(rows or [["", ""]], colWidths=[150 * mm, 20 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _front_story(selection, figures, styles, entries) -> list:
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
        PageBreak(),
        *_summary(figures, selection, styles),
    ]


def collated_pdf(selection: Selection, progress=None) -> bytes:
    """The collation for a selection, as a PDF. `progress(n)` is told after every item.

    Laid out once: the front matter (cover, contents, summary) is built with placeholder page
    numbers to learn its length, the body is numbered on from there, the front matter is built
    again with the real numbers, and pypdf joins the two and writes the outline.
    """
    styles = _styles()
    figures = dashboard_figures(selection, today_in_london())
    sections = [(level, text, PLACEHOLDER_PAGE) for level, text in section_titles(selection)]
    _, front_pages, front_headings = _build(
        _front_story(selection, figures, styles, sections), selection, 1
    )
    placeholders = [(level, text, PLACEHOLDER_PAGE) for level, text, _ in front_headings]
    _, front_pages, front_headings = _build(
        _front_story(selection, figures, styles, placeholders + sections), selection, 1
    )
    body, _, body_headings = _build(
        _items_story(selection, styles, progress), selection, front_pages + 1
    )
    front, pages_again, _ = _build(
        _front_story(selection, figures, styles, front_headings + body_headings), selection, 1
    )
    if pages_again != front_pages:  # pragma: no cover (placeholders are as wide as numbers)
        raise RuntimeError("the contents changed length between passes")
    writer = PdfWriter()
    writer.append(PdfReader(BytesIO(front)))
    writer.append(PdfReader(BytesIO(body)))
    parent = None
    for level, text, page in front_headings + body_headings:
        if level == 0:
            parent = writer.add_outline_item(title=text, page_number=page - 1)
        else:
            writer.add_outline_item(title=text, page_number=page - 1, parent=parent)
    writer.add_metadata({"/Title": TITLE, "/Author": "Practice improvement pledge tracker"})
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def _attribution(item, selection: Selection, sizes, ids) -> str:
    if not selection.anonymise:
        return f"{item.team} · {item.agency} · {item.district}"
    agency_id, district_id = ids["agency"].get(item.agency), ids["district"].get(item.district)
    if sizes.get((agency_id, district_id), 0) < SMALLEST_GROUP:
        return "Attribution withheld (a group of fewer than five people)"
    return f"{item.agency} · {item.district}"


def _items_story(selection: Selection, styles, progress) -> list:
    sizes = _group_sizes()
    ids = {
        "agency": dict(db.session.execute(sa.select(Agency.name, Agency.id)).all()),
        "district": dict(db.session.execute(sa.select(District.name, District.id)).all()),
    }
    story: list = []
    area = point = None
    for count, item in enumerate(collated_items(selection), start=1):
        if item.area != area:
            area, point = item.area, None
            story.append(Paragraph(escape(area), styles["h1"]))
        heading = ADDED_FINDINGS_SECTION if item.is_added_finding else item.point
        if heading != point:
            point = heading
            story.append(Paragraph(escape(point), styles["h2"]))
        block = [paragraph(_attribution(item, selection, sizes, ids), styles["meta"])]
        if item.is_added_finding:
            block.append(paragraph(f"Finding: {item.point}", styles["label"]))
        for label, text in (
            ("Examples of current good practice", item.good_practice),
            ("Pledge", item.pledge),
            ("Factors that will help", item.helps),
            ("Factors that may hinder", item.hinders),
            ("Anticipated signs of success", item.signs_of_success),
        ):
            if text.strip():
                block += [Paragraph(label, styles["label"]), paragraph(text, styles["text"])]
        if item.evidence:
            block.append(Paragraph("Review 6 months on: evidence and its source", styles["label"]))
            block += [
                paragraph(f"• {e.description} [{e.sources or 'no source'}]", styles["text"])
                for e in item.evidence
            ]
        if item.judgement:
            block.append(paragraph(f"Judgement of change: {item.judgement}", styles["text"]))
        block.append(Spacer(1, 3 * mm))
        story.extend(block)
        if progress is not None:
            progress(count)
    if not story:
        story.append(Paragraph("No signed-off content matches this selection.", styles["text"]))
    return story
