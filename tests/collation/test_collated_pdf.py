"""The collated PDF: a summary of charts with their figures beside them, no near-empty pages,
finding sources and evidence dates in the body, and one file joined from bounded parts."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

import pikepdf
import pytest
import time_machine
from pypdf import PdfReader

import collation.pdf
from collation import pdf_parts
from collation.pdf import collated_pdf
from collation.selection import Selection
from core.database import db
from people.models import Agency, District
from pledges.models import EvidenceSource
from pledges.operations import add_finding, save_entry, submit_record
from pledges.review.operations import add_evidence, start_review
from supervision.operations import approve_all_remaining, start_session

# The bars' fill colour (#1d4f91) as ReportLab writes it in a page's drawing operators.
BAR_FILL = re.compile(rb"\.113725 \.309804 \.568627 rg")
CHART_TITLES = [
    "Records by status",
    "Signed-off records by district",
    "Signed-off records by agency",
    "Pledges per key point",
    "Evidence mix: signed-off reviews backed by self report only, and triangulated",
    "Pieces of evidence by source",
    "Judgements of change",
]


@pytest.fixture
def reviewed(make_user, make_record):
    """A complete cycle: a key point and an added finding (with its source), dated evidence."""
    district, agency = District(name="Peak District"), Agency(name="Health")
    db.session.add_all([district, agency])
    db.session.flush()
    boss = make_user("Bea Boss", agency=agency, district=district)
    dora = make_user("Dora Nurse", line_manager=boss, agency=agency, district=district)
    record = make_record(dora)
    save_entry(record.entries[0], dora, {"pledge": "Listen to the child first"}, base_revision=1)
    finding = add_finding(record, dora, title="Share chronologies", source="Local review 2025/3")
    save_entry(finding, dora, {"pledge": "Send the chronology within a week"}, base_revision=1)
    submit_record(record, dora)
    with time_machine.travel(date(2026, 3, 1)):
        approve_all_remaining(record, boss, start_session(boss, supervisee=dora))
    start_review(record, dora, today=date(2026, 9, 1))
    add_evidence(
        record.entries[0],
        dora,
        description="A mother said she felt heard",
        occurred_on=date(2026, 6, 14),
        sources={EvidenceSource.SERVICE_USER, EvidenceSource.MANAGER},
    )
    submit_record(record, dora)
    approve_all_remaining(record, boss, start_session(boss, supervisee=dora))
    db.session.commit()
    return record


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(data)).pages]


def _body_lines(text: str) -> list[str]:
    """A page's lines, less its running header and its page number."""
    return [
        line
        for line in text.splitlines()
        if line.strip()
        and not line.startswith("Collated pledges – ")
        and not re.fullmatch(r"Page \d+", line.strip())
    ]


def test_the_summary_draws_a_chart_for_each_figure_with_its_numbers_beside_it(reviewed):
    data = collated_pdf(Selection())
    reader = PdfReader(BytesIO(data))
    front = [page for page in reader.pages if "Judgements of change" in page.extract_text()]
    text = " ".join(" ".join(page.extract_text() for page in reader.pages[:4]).split())
    for title in CHART_TITLES:
        assert title in text
    # Bars are drawn, not typed: filled rectangles in the bar colour on the summary's pages.
    bars = sum(len(BAR_FILL.findall(page.get_contents().get_data())) for page in reader.pages[:4])
    assert bars >= len(CHART_TITLES)
    assert front
    # The figures in words beside the charts: the table gives each value.
    assert "Self report only" in text
    assert "With service user, manager or colleague evidence 1" in text
    assert "Improved" in text
    assert "SUR – Service user report 1" in text


def test_no_page_holds_a_single_line(reviewed):
    pages = _pages(collated_pdf(Selection()))
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert len(_body_lines(text)) > 1, (number, text)
    # The featured good practice follows the contents on the same page: no page of one
    # contents line.
    assert "Featured good practice" in " ".join(_body_lines(pages[0]))


def test_the_body_gives_finding_sources_and_evidence_dates(reviewed):
    text = " ".join(" ".join(_pages(collated_pdf(Selection()))).split())
    assert "Finding: Share chronologies" in text
    assert "Where the finding came from: Local review 2025/3" in text
    assert "• 14 June 2026: A mother said she felt heard [SUR / MR]" in text


def test_a_long_collation_is_written_in_parts_and_joined_with_its_outline(reviewed, monkeypatch):
    monkeypatch.setattr(pdf_parts, "PAGES_PER_PART", 1)
    joined = []

    def join(paths, *args, **kwargs):
        joined.append(len(paths))
        return pdf_parts.join_parts(paths, *args, **kwargs)

    monkeypatch.setattr(collation.pdf, "join_parts", join)
    data = collated_pdf(Selection())
    reader = PdfReader(BytesIO(data))
    numbers = [re.search(r"Page (\d+)", page.extract_text()).group(1) for page in reader.pages]
    assert numbers == [str(n) for n in range(1, len(reader.pages) + 1)]
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append((item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline)
    assert ("Featured good practice", 1) in titles
    assert "Summary" in dict(titles)
    area = next(page for title, page in titles if title.startswith("1) Children/young people"))
    body_pages = len(reader.pages) - (area - 1)
    assert joined[0] == 1 + body_pages > 2  # the front matter, then a part a page
    assert "1) Children/young people" in reader.pages[area - 1].extract_text()
    assert reader.metadata.title.startswith("Practice improvement pledges")
    # A well-formed file by qpdf's own check: cross-references, page tree, outline.
    with pikepdf.Pdf.open(BytesIO(data)) as checked:
        assert checked.check_pdf_syntax() == []
        assert checked.get_warnings() == []
        assert len(checked.pages) == len(reader.pages)


def test_the_join_holds_one_part_at_a_time(reviewed, monkeypatch):
    """Memory stays flat at any length: each part is closed before the next is opened."""
    monkeypatch.setattr(pdf_parts, "PAGES_PER_PART", 1)
    opened, open_now, most_open = [], set(), []
    real_open = pikepdf.Pdf.open

    def counting_open(source, *args, **kwargs):
        part = real_open(source, *args, **kwargs)
        opened.append(part)
        open_now.add(id(part))
        most_open.append(len(open_now))
        real_close = part.close

        def close():
            open_now.discard(id(part))
            real_close()

        part.close = close
        return part

    monkeypatch.setattr(pdf_parts.pikepdf.Pdf, "open", counting_open)
    data = collated_pdf(Selection())
    assert len(PdfReader(BytesIO(data)).pages) >= len(opened) > 2  # front matter, a part a page
    assert max(most_open) == 1
