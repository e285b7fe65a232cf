"""What the PDFs laid out with platypus share: A4 margins, the paragraph styles, user text as a
paragraph, and tables of figures (the collated PDF's front matter, the impact report)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from core.pdf_fonts import BOLD, REGULAR, register_fonts

MARGIN = 18 * mm
GREY = colors.HexColor("#505a5f")
RULE = colors.HexColor("#b1b4b6")
VALUE_WIDTH = 22 * mm
AUTHOR = "Practice improvement pledge tracker"


def a4_document(out, *, title: str, top_margin: float = MARGIN) -> SimpleDocTemplate:
    """A document for platypus to lay out on A4 with the house margins, titled `title`."""
    margins = {"leftMargin": MARGIN, "rightMargin": MARGIN, "bottomMargin": MARGIN}
    return SimpleDocTemplate(
        out, pagesize=A4, topMargin=top_margin, **margins, title=title, author=AUTHOR
    )


def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles, by name (the fonts registered first)."""
    register_fonts()
    base = {"fontName": REGULAR, "fontSize": 9.5, "leading": 12.5}
    cell = {"fontSize": 8.5, "leading": 10.5}
    return {
        "cover": ParagraphStyle("cover", fontName=BOLD, fontSize=22, leading=27, spaceAfter=12),
        "h1": ParagraphStyle(
            "h1", fontName=BOLD, fontSize=15, leading=19, spaceBefore=6, spaceAfter=6
        ),
        "h2": ParagraphStyle(
            "h2", fontName=BOLD, fontSize=11, leading=14, spaceBefore=10, spaceAfter=4
        ),
        "h3": ParagraphStyle(
            "h3", fontName=BOLD, fontSize=9.5, leading=12.5, spaceBefore=6, spaceAfter=2
        ),
        "contents": ParagraphStyle(
            "contents", fontName=BOLD, fontSize=11.5, leading=14.5, spaceAfter=4
        ),
        "text": ParagraphStyle("text", **base),
        "body": ParagraphStyle("body", **base, spaceAfter=4),
        "meta": ParagraphStyle("meta", fontName=REGULAR, fontSize=8, leading=10, textColor=GREY),
        "label": ParagraphStyle("label", fontName=BOLD, fontSize=8.5, leading=11, spaceBefore=2),
        "cell": ParagraphStyle("cell", fontName=REGULAR, **cell),
        "cellhead": ParagraphStyle("cellhead", fontName=BOLD, **cell),
        "cellhead_value": ParagraphStyle(
            "cellhead_value", fontName=BOLD, alignment=TA_RIGHT, **cell
        ),
        "toc1": ParagraphStyle("toc1", fontName=BOLD, fontSize=10, leading=13),
        "toc2": ParagraphStyle("toc2", fontName=REGULAR, fontSize=9, leading=11.5, leftIndent=12),
    }


def text_paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """Plain (user) text as a paragraph: escaped, so <, & and the like never break the layout,
    and its line breaks kept."""
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


def figure_table(
    rows: list[tuple],
    width: float,
    paragraph_styles: dict[str, ParagraphStyle],
    heading: tuple[str, ...] | None = None,
    value_width: float | list[float] = VALUE_WIDTH,
) -> Table:
    """Figures in a table: a label that wraps, then one or more values right-aligned in columns
    `value_width` wide (or each as wide as its own in a list). `heading` names the columns, and
    repeats on each page the table runs to."""
    values = len(heading) - 1 if heading else max((len(row) - 1 for row in rows), default=1)
    widths = value_width if isinstance(value_width, list) else [value_width] * values
    data = [[text_paragraph(label, paragraph_styles["cell"]), *rest] for label, *rest in rows]
    if heading:
        first, *others = heading
        value_style = paragraph_styles["cellhead_value"]
        data.insert(
            0,
            [
                Paragraph(escape(first), paragraph_styles["cellhead"]),
                *(Paragraph(escape(text), value_style) for text in others),
            ],
        )
    table = Table(
        data or [["No data", *[""] * values]],
        colWidths=[width - sum(widths), *widths],
        repeatRows=1 if heading else 0,
    )
    style = [
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if heading:
        style.append(("LINEBELOW", (0, 0), (-1, 0), 0.8, GREY))
    table.setStyle(TableStyle(style))
    return table
