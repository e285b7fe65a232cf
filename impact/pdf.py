"""The impact report as PDF: a section the collated PDF includes, and a download of its own.

The figures are the page's: the same report (`impact.report`), read through the same wording
(`impact.figures.Shown`), so small numbers are suppressed in the anonymised view exactly as
on the page.
"""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether

from core.clock import today_in_london
from core.formatting import long_date
from core.pdf_fonts import REGULAR
from core.pdf_layout import GREY, MARGIN, a4_document, figure_table, styles, text_paragraph
from impact.figures import Shown
from impact.report import ImpactReport

TITLE = "Impact report"
HOW_MUCH = "How much did we do?"
HOW_WELL = "How well did we do it?"
BETTER_OFF = "Is anyone better off?"
# The section's headings, level 0 and 1, for a contents page.
HEADINGS = [(0, TITLE), (1, HOW_MUCH), (1, HOW_WELL), (1, BETTER_OFF)]
WIDTH = A4[0] - 2 * MARGIN
SHARE_WIDTH = 62 * mm
CHANGE_WIDTH = 27.5 * mm  # "Deterioration" and "improvement" on a line of their own
CYCLE_WIDTH = 14 * mm

# A heading as flowables: `heading(text, level)`. The collated PDF's also marks its page.
Heading = Callable[[str, int], list]


def impact_story(
    report: ImpactReport,
    scope: str,
    *,
    anonymised: bool,
    paragraph_styles,
    heading: Heading,
    note: str = "",
) -> list:
    """The report's flowables: the three questions for `scope` ("Chesterfield", "the whole
    county"), each figure worded as the page words it; `note` is said after the introduction."""
    shown = Shown(anonymised)
    text, caption = paragraph_styles["body"], paragraph_styles["h3"]
    intro = (
        f"For {scope}: the three questions partnership boards ask, answered from the records: "
        "how much did we do, how well did we do it, and is anyone better off."
    )
    if anonymised:
        intro += (
            " Anonymised: counts from 1 to 4 are shown as “fewer than 5”, and shares of fewer "
            "than five are not shown."
        )
    story = [*heading(TITLE, 0), text_paragraph(intro, text)]
    if note:
        story.append(text_paragraph(note, text))

    # Each heading is kept with what follows it (KeepTogether): never alone at a page's foot.
    how_much = [*heading(HOW_MUCH, 1), text_paragraph(shown.how_much(report.total), text)]
    for title, lines, column in (
        ("By district", report.by_district, "District"),
        ("By agency", report.by_agency, "Agency"),
    ):
        rows = [
            (line.name, shown.count(line.records), shown.count(line.pledges),
             shown.count(line.reviews))
            for line in lines
        ] or [("No signed-off records yet.", "", "", "")]  # fmt: skip
        table = figure_table(
            rows,
            WIDTH,
            paragraph_styles,
            heading=(column, "Signed-off records", "Pledges", "Reviews signed off"),
        )
        story.append(KeepTogether([*how_much, text_paragraph(title, caption), table]))
        how_much = []

    shares = [
        ("Records signed off within a month of first being submitted",
         shown.share(report.signed_off_in_a_month)),
        ("Six-month reviews handed in on time (before they become overdue, four weeks after "
         "the due date)", shown.share(report.reviews_on_time)),
    ]  # fmt: skip
    evidence = [
        ("Self report (SR) only", shown.count(report.evidence.self_report_only)),
        ("Also service user (SUR), manager (MR) or colleague (CR) reports",
         shown.count(report.evidence.beyond_self_report)),
        ("No evidence recorded", shown.count(report.evidence.no_evidence)),
    ]  # fmt: skip
    story += [
        KeepTogether(
            [
                *heading(HOW_WELL, 1),
                figure_table(shares, WIDTH, paragraph_styles, value_width=SHARE_WIDTH),
            ]
        ),
        KeepTogether(
            [
                text_paragraph("Signed-off reviews by how they are evidenced", caption),
                figure_table(evidence, WIDTH, paragraph_styles, heading=("Evidence", "Reviews")),
            ]
        ),
    ]
    story.append(
        KeepTogether([*heading(BETTER_OFF, 1), *_changes(report, shown, paragraph_styles)])
    )
    return story


def _changes(report: ImpactReport, shown: Shown, paragraph_styles) -> list:
    """Judgements of change per key point (and cycle, where there are several): positive change,
    no change and deterioration each in a column of its own."""
    cycles = report.cycles > 1
    heading = (
        "Key point",
        *(["Cycle"] if cycles else []),
        "Positive change: improved",
        "Positive change: some improvement",
        "No change",
        "Deterioration (worse)",
    )
    rows = [
        (
            line.key_point,
            *([str(line.cycle)] if cycles else []),
            shown.count(line.improved),
            shown.count(line.some_improvement),
            shown.count(line.no_change),
            shown.count(line.worse),
        )
        for line in report.changes
    ] or [("No signed-off reviews with judgements yet.", *[""] * (len(heading) - 1))]
    lead = (
        "Judgements of change in signed-off six-month reviews, per key point"
        + (" and cycle" if cycles else "")
        + ": positive change, no change and deterioration each shown separately."
    )
    return [
        text_paragraph(lead, paragraph_styles["body"]),
        figure_table(
            rows,
            WIDTH,
            paragraph_styles,
            heading=heading,
            value_width=[CYCLE_WIDTH] * cycles + [CHANGE_WIDTH] * 4,
        ),
    ]


def impact_pdf(report: ImpactReport, scope: str, *, anonymised: bool) -> bytes:
    """The report alone, as a PDF: a few pages, laid out in the request."""
    paragraph_styles = styles()
    buffer = BytesIO()
    title = f"{TITLE}: {scope}"
    document = a4_document(buffer, title=title)
    produced = f"Produced on {long_date(today_in_london())}."

    def footer(canvas, _document) -> None:
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(GREY)
        canvas.drawString(MARGIN, 10 * mm, f"{title}. {produced}"[:150])
        canvas.drawRightString(A4[0] - MARGIN, 10 * mm, f"Page {canvas.getPageNumber()}")

    def heading(text: str, level: int) -> list:
        if level == 0:  # the document's title, with what it covers and when it was made
            return [
                text_paragraph(title, paragraph_styles["cover"]),
                text_paragraph(produced, paragraph_styles["body"]),
            ]
        return [text_paragraph(text, paragraph_styles["h2"])]

    story = impact_story(
        report, scope, anonymised=anonymised, paragraph_styles=paragraph_styles, heading=heading
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
