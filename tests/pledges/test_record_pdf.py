"""The record PDF and the blank tool: the paper tool's layout and words (Appendix 1), the user's
text intact whatever its length or script, and who may download them."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from io import BytesIO

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from core.database import db
from core.pdf_fonts import BOLD, REGULAR
from pledges.models import ENTRY_TEXT_FIELDS, EvidenceSource
from pledges.operations import add_addendum, add_finding, existing_record, save_entry, submit_record
from pledges.pdf import COLUMN_WIDTHS, MARGIN, blank_tool_pdf, pieces, record_pdf
from pledges.review.operations import add_evidence, save_review, start_review
from supervision.operations import approve_all_remaining, start_session

LIMIT = 10_000  # FIELD_MAX_CHARACTERS: the longest text the forms accept in a box
AREAS = (
    "1) Children/young people ~ parents/carers ~ wider family/network/community/environment",
    "2) Process of ‘case’ management",
    "3) Principles of good practice",
)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(data: bytes) -> str:
    return " ".join(pdf_text(data).split())


def blank_rows(data: bytes) -> list[str]:
    """The lettered rows of added findings that have nothing after their letter."""
    return re.findall(r"^[a-z]\)$", pdf_text(data), flags=re.MULTILINE)


def words(prefix: str, length: int) -> str:
    """Text of exactly `length` characters: numbered words, so each can be found again in order."""
    text, number = [], 0
    while sum(len(word) + 1 for word in text) < length:
        text.append(f"{prefix}{number:04d}")
        number += 1
    return " ".join(text)[:length]


def numbered(prefix: str, text: str) -> list[str]:
    return re.findall(rf"{prefix}\d{{4}}", text)


def test_the_record_pdf_is_the_paper_tool_with_the_users_text(client, auth, people, make_record):
    pat = people["practitioner"]
    record = make_record(pat)
    save_entry(
        record.entries[0], pat,
        {"pledge": "See <every> child & family: Łódź Ж Ω", "helps": "Supervision"},
        base_revision=1,
    )  # fmt: skip
    add_finding(record, pat, title="Lost in transfer", source="Solihull 2011")
    db.session.commit()
    auth.login(pat)
    response = client.get(f"/records/{record.id}/record.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    reader = PdfReader(BytesIO(response.data))
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert width > height  # landscape
    text = flat(response.data)
    assert "Serious Case Reviews ~ Assessment, Development and Improving Practice Tool" in text
    assert "Name (individual / team): Pat Practitioner" in text
    assert (
        "Details (full address of work base / tel. / e-mail): Area Office, 1 Station Road / "
        "01629 000001" in text
    )
    assert "See <every> child & family: Łódź Ж Ω" in text
    assert "Help: Supervision" in text
    assert "SR = self report / SUR = service user report / MR = manager report" in text
    assert "a) Lost in transfer Source: Solihull 2011" in text
    assert blank_rows(response.data) == []  # the owners' findings replace the blank rows
    assert "Page 1 of" in text


def test_the_band_areas_key_points_and_findings_come_in_the_papers_order(people, make_record):
    record = make_record(people["practitioner"])
    text = flat(record_pdf(record))
    band = text.index("Stage 1 Stage 2")
    headings = text.index("Findings / recommendations ~ 3 areas 14 points ~")
    places = [text.index(area) for area in AREAS]
    points = [text.index(" ".join(entry.title.split())) for entry in record.key_point_entries]
    assert len(points) == 14
    findings = text.index("Other relevant findings / recommendations identified from my/our")
    assert band < headings < places[0] < points[0] < points[2] < places[1] < points[3]
    assert points[7] < places[2] < points[8] < points[13] < findings
    assert "Please complete the boxes below (adding more if necessary)" in text
    # No findings of their own: blank rows a) to e), to fill in by hand.
    assert blank_rows(record_pdf(record)) == ["a)", "b)", "c)", "d)", "e)"]


def test_the_headings_and_band_repeat_on_every_page(people, make_record):
    pat = people["practitioner"]
    record = make_record(pat)
    save_entry(record.entries[0], pat, {"pledge": words("ple", LIMIT)}, base_revision=1)
    reader = PdfReader(BytesIO(record_pdf(record)))
    assert len(reader.pages) > 3
    for page in reader.pages:
        text = " ".join(page.extract_text().split())
        assert text.index("Stage 1 Stage 2") < text.index("Examples of current good practice")


def test_every_page_says_which_page_of_how_many(people, make_record):
    pat = people["practitioner"]
    record = make_record(pat)
    save_entry(record.entries[0], pat, {"pledge": words("ple", LIMIT)}, base_revision=1)
    reader = PdfReader(BytesIO(record_pdf(record)))
    total = len(reader.pages)
    assert total > 3
    footers = [re.findall(r"Page (\d+) of\s+(\d+)", page.extract_text()) for page in reader.pages]
    assert footers == [[(str(number), str(total))] for number in range(1, total + 1)]


def test_a_team_record_lists_its_members(people, make_record):
    record = make_record(people["practitioner"], team=people["team"])
    text = flat(record_pdf(record))
    assert "Name (individual / team): North team" in text
    assert "Team members: Pat Practitioner, Terry Teammate" in text
    solo = flat(record_pdf(make_record(people["teammate"])))
    assert "Team members" not in solo


def test_addenda_and_each_piece_of_evidence_with_its_date_sources_and_judgement(
    people, make_record
):
    pat, morgan = people["practitioner"], people["manager"]
    record = make_record(pat)
    save_entry(record.entries[0], pat, {"pledge": "See children alone"}, base_revision=1)
    submit_record(record, pat)
    with time_machine.travel(date(2026, 5, 20)):
        approve_all_remaining(record, morgan, start_session(morgan, supervisee=pat))
    with time_machine.travel(datetime(2026, 6, 1, 12, tzinfo=UTC)):
        add_addendum(record.entries[0], pat, "Now weekly")
    start_review(record, pat, today=date(2026, 11, 20))
    entry = record.entries[0]
    add_evidence(
        entry, pat, description="A mother said her son felt listened to",
        occurred_on=date(2026, 9, 3),
        sources={EvidenceSource.SERVICE_USER, EvidenceSource.MANAGER},
    )  # fmt: skip
    add_evidence(entry, pat, description="Audit of ten files")
    save_review(
        entry, pat, {"judgement_value": "improved", "what_next": "Share at the team meeting"},
        base_revision=entry.revision,
    )  # fmt: skip
    db.session.commit()
    text = flat(record_pdf(record))
    assert "See children alone Addendum by Pat Practitioner, 1 June 2026: Now weekly" in text
    assert "• 3 September 2026, SUR / MR: A mother said her son felt listened to" in text
    assert "• date not given, no source given: Audit of ten files" in text
    assert "Judgement of change: Improved" in text
    assert "What next: Share at the team meeting" in text
    assert "Stage 1 signed off on 20 May 2026" in text


@pytest.mark.parametrize("length", [1, 799, 800, 1_000, 1_200, 2_000, 5_000, LIMIT])
def test_a_box_of_any_length_the_form_accepts_prints_whole(people, make_record, length):
    pat = people["practitioner"]
    record = make_record(pat)
    pledge = words("ple", length)
    save_entry(record.entries[3], pat, {"pledge": pledge}, base_revision=1)
    text = pdf_text(record_pdf(record))
    assert numbered("ple", text) == numbered("ple", pledge)
    if length < 10:
        assert pledge in text


def _fill_every_box(entry, pat, prefix: str, length: int) -> dict[str, str]:
    """Every box of a key point's entry and of a new added finding, `length` characters each:
    the text each box was given, by the prefix of its numbered words."""
    record = entry.record
    finding = add_finding(
        record, pat, title=words(f"{prefix}T", length), source=words(f"{prefix}S", length)
    )
    given_text = {f"{prefix}T": finding.finding_title, f"{prefix}S": finding.finding_source}
    for row, filled in ((entry, "K"), (finding, "F")):
        boxes = {name: words(f"{prefix}{filled}{name[:2]}", length) for name in ENTRY_TEXT_FIELDS}
        save_entry(row, pat, boxes, base_revision=row.revision)
        given_text.update({f"{prefix}{filled}{name[:2]}": boxes[name] for name in boxes})
    return given_text


def test_every_box_of_an_entry_at_the_limit_in_any_script_prints_whole(people, make_record):
    pat, morgan = people["practitioner"], people["manager"]
    record = make_record(pat)
    given_text = {}
    for index, prefix in enumerate(
        ("Zażółć", "Ωμέγα", "Жизнь"), start=4
    ):  # Polish, Greek, Cyrillic
        given_text.update(_fill_every_box(record.entries[index], pat, prefix, LIMIT // 3))
    given_text.update(_fill_every_box(record.entries[0], pat, "q", LIMIT))
    submit_record(record, pat)
    with time_machine.travel(date(2026, 5, 20)):
        approve_all_remaining(record, morgan, start_session(morgan, supervisee=pat))
    start_review(record, pat, today=date(2026, 11, 20))
    entry = record.entries[0]
    for number in range(3):
        description = words(f"ev{number}x", LIMIT)
        add_evidence(entry, pat, description=description, sources={EvidenceSource.SELF})
        given_text[f"ev{number}x"] = description
    save_review(
        entry, pat, {"judgement_value": "worse", "what_next": words("next", LIMIT)},
        base_revision=entry.revision,
    )  # fmt: skip
    given_text["next"] = entry.what_next
    db.session.commit()

    text = pdf_text(record_pdf(record))
    for prefix, box in given_text.items():
        assert numbered(prefix, text) == numbered(prefix, box), prefix
        assert len(numbered(prefix, box)) > 100


def test_long_unbroken_words_and_addresses_wrap_inside_their_column(people, make_record):
    pat = people["practitioner"]
    record = make_record(pat)
    greek = ("αβγδεζηθικλμνξοπρστυφχψω" * 500)[:LIMIT]  # one word of 10,000 letters
    address = "https://example.org/" + "/".join(
        f"page{n:03d}.html?x={n}&y=%C5%81" for n in range(15)
    )
    save_entry(record.entries[0], pat, {"good_practice": greek, "pledge": address}, base_revision=1)
    data = record_pdf(record)
    text = pdf_text(data)
    assert "".join(re.findall("[α-ω]+", text)) == greek
    assert address in "".join(text.split())
    assert not _runs_past_their_column(data, marked=r"[α-ω]|page|html|%C5|x=|y=")


def _runs_past_their_column(data: bytes, marked: str) -> list[str]:
    """Every run of text matching the pattern `marked` drawn wider than the column it starts in."""
    edges = [MARGIN]
    for width in COLUMN_WIDTHS:
        edges.append(edges[-1] + width)
    overflowing = []

    def visit(text, cm, tm, font, size):
        if not font or not re.search(marked, text):
            return
        x = tm[4] + cm[4]
        name = BOLD if "Bold" in font.get("/BaseFont", "") else REGULAR
        right = x + stringWidth(text.rstrip("\n"), name, size)
        column_right = next((edge for edge in edges[1:] if x < edge), edges[-1])
        if right > column_right + 0.5:
            overflowing.append(text)

    for page in PdfReader(BytesIO(data)).pages:
        page.extract_text(visitor_text=visit)
    return overflowing


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    text=st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=300)
    | st.integers(0, LIMIT).map(lambda n: ("ł Ж Ω 🙂 \t<&> " * 700)[:n]),
    box=st.sampled_from(ENTRY_TEXT_FIELDS),
)
def test_any_text_the_form_accepts_makes_a_pdf(people, make_record, text, box):
    pat = people["practitioner"]
    record = existing_record(owner=pat) or make_record(pat)
    setattr(record.entries[5], box, text)
    record.entries[6].pledge = text[::-1]
    assert record_pdf(record).startswith(b"%PDF")


ODD_CHARACTERS = (
    "".join(map(chr, range(1, 32)))  # every control character but NUL, which forms drop
    + "\x7f\x85\xa0\u200b\u200e\u202e\u2028\u2029\ufeff\ufffd\uffff"
    + "e\u0301 ﷺ مرحبا שלום 中文 😀🏳️‍🌈 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 <b>&amp;</b> ]]> %s {0}"
)


def test_odd_characters_in_every_box_make_a_pdf(people, make_record):
    pat = people["practitioner"]
    record = make_record(pat)
    boxes = dict.fromkeys(ENTRY_TEXT_FIELDS, ODD_CHARACTERS * 40)
    save_entry(record.entries[2], pat, boxes, base_revision=1)
    add_finding(record, pat, title=ODD_CHARACTERS, source=ODD_CHARACTERS)
    text = flat(record_pdf(record))
    assert "<b>&amp;</b> ]]> %s {0}" in text


@pytest.mark.parametrize(
    "text",
    [
        "short",
        "a. " * 900,
        "line\n" * 700,
        "x" * 4_000,
        "Two sentences. Then another! And a question? " * 60,
        "ends with a long word " + "y" * 2_000,
    ],
)
def test_pieces_are_short_and_give_back_the_text(text):
    parts = pieces(text, limit=500)
    assert all(len(part) <= 500 for part in parts)
    position = 0
    for part in parts:
        # Each piece follows the last directly, or after the one space or line break cut at.
        if not text.startswith(part, position):
            assert text[position] in " \n"
            position += 1
        assert text.startswith(part, position)
        position += len(part)
    assert position == len(text)


def test_the_owner_and_the_manager_download_a_record_with_every_box_full(
    client, auth, people, make_record
):
    pat = people["practitioner"]
    record = make_record(pat)
    for entry in record.entries[:2]:
        boxes = {name: words(name[:3], LIMIT) for name in ENTRY_TEXT_FIELDS}
        save_entry(entry, pat, boxes, base_revision=1)
    db.session.commit()
    for who in ("practitioner", "manager"):
        auth.login(people[who])
        response = client.get(f"/records/{record.id}/record.pdf")
        assert response.status_code == 200, who
        assert numbered("sig", pdf_text(response.data)) == 2 * numbered("sig", words("sig", LIMIT))


def test_only_those_who_may_see_the_record_download_it(client, auth, people, make_record):
    record = make_record(people["practitioner"])
    for who, status in (("manager", 200), ("senior", 200), ("outsider", 403), ("teammate", 403)):
        auth.login(people[who])
        assert client.get(f"/records/{record.id}/record.pdf").status_code == status, who
    team_record = make_record(people["practitioner"], team=people["team"])
    auth.login(people["teammate"])
    assert client.get(f"/records/{team_record.id}/record.pdf").status_code == 200


def test_the_blank_tool_is_the_empty_paper_form(framework):
    data = blank_tool_pdf(framework)
    reader = PdfReader(BytesIO(data))
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height
    text = flat(data)
    assert "Name (individual / team):" in text
    assert "Details (full address of work base / tel. / e-mail):" in text
    assert text.index("Stage 1 Stage 2") < text.index(AREAS[0])
    for area in framework.areas:
        for point in area.key_points:
            assert f"{point.number}) {' '.join(point.title.split())}" in text
    assert text.index("Other relevant findings / recommendations") > text.index(AREAS[2])
    assert blank_rows(data) == ["a)", "b)", "c)", "d)", "e)"]
    assert "Pat" not in text


def test_anyone_signed_in_prints_the_blank_tool_from_the_framework_and_record_pages(
    client, auth, people, framework, make_record
):
    record = make_record(people["practitioner"])
    url = f"/frameworks/{framework.id}/blank-tool.pdf"
    assert client.get(url).status_code == 302  # signed out: to the sign-in page
    for who in ("outsider", "practitioner", "admin"):
        auth.login(people[who])
        response = client.get(url)
        assert response.status_code == 200, who
        assert response.mimetype == "application/pdf"
        disposition = response.headers["Content-Disposition"]
        assert f'filename="blank-tool-{framework.key}-{framework.version}.pdf"' in disposition
    assert client.get("/frameworks/999999/blank-tool.pdf").status_code == 404
    assert url in client.get("/framework").get_data(as_text=True)
    auth.login(people["practitioner"])
    assert url in client.get(f"/records/{record.id}").get_data(as_text=True)
