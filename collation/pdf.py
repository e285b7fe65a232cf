"""The collated PDF: cover, summary figures and charts, then area by area and point by point.

Items are attributed to team, agency and district, never to a person. Anonymised, they carry
agency and district only, and a group of fewer than five people is never shown: its attribution
and any count below five are withheld, so nobody can be identified by elimination.
"""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

import sqlalchemy as sa
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
from reportlab.platypus.tableofcontents import TableOfContents

from collation.queries import Figures, collated_items, dashboard_figures
from collation.selection import Selection
from core.clock import today_in_london
from core.database import db
from core.formatting import long_date
from core.pdf_fonts import BOLD, REGULAR, register_fonts
from people.models import Agency, District, User
from pledges.pdf import paragraph

SMALLEST_GROUP = 5
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
    """Headings become table of contents entries and PDF bookmarks (the outline)."""

    def __init__(self, buffer, selection: Selection):
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
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._decorate)])

    def _decorate(self, canvas, document):
        canvas.saveState()
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(colors.HexColor("#505a5f"))
        canvas.drawString(MARGIN, A4[1] - MARGIN, f"Collated pledges – {self.selection_text}"[:120])
        canvas.drawRightString(A4[0] - MARGIN, 10 * mm, f"Page {document.page}")
        canvas.restoreState()

    def afterFlowable(self, flowable):
        if not isinstance(flowable, Paragraph) or flowable.style.name not in ("h1", "h2"):
            return
        level = 0 if flowable.style.name == "h1" else 1
        text = flowable.getPlainText()
        # multiBuild lays the same flowables out on every pass: their identity is a stable key.
        key = f"heading-{id(flowable)}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level=level, closed=level == 0)
        self.notify("TOCEntry", (level, text, self.page, key))


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


def collated_pdf(selection: Selection, progress=None) -> bytes:
    """The collation for a selection, as a PDF. `progress(n)` is told after every n-th item."""
    styles = _styles()
    figures = dashboard_figures(selection, today_in_london())
    buffer = BytesIO()
    document = _CollatedDocument(buffer, selection)
    contents = TableOfContents(levelStyles=[styles["toc1"], styles["toc2"]], dotsMinLevel=0)
    story = [
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
        contents,
        PageBreak(),
        *_summary(figures, selection, styles),
        PageBreak(),
    ]
    story += _items_story(selection, styles, progress)
    document.multiBuild(story)
    return buffer.getvalue()


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
        if item.point != point:
            point = item.point
            story.append(Paragraph(escape(point), styles["h2"]))
        block = [paragraph(_attribution(item, selection, sizes, ids), styles["meta"])]
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
