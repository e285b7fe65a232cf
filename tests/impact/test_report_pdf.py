"""The impact report as PDF, alone (downloaded from its page) and as a section of the collated
PDF: every figure reads as on the page, small numbers suppressed alike when anonymised."""

from __future__ import annotations

import html
import re
from io import BytesIO

import pytest
from pypdf import PdfReader

from collation.pdf import collated_pdf
from collation.selection import Selection
from people.models import Role


def _text(data: bytes) -> str:
    """The PDF's text, its white space made single spaces."""
    return " ".join(
        " ".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages).split()
    )


def _page_figures(page: str) -> list[str]:
    """Each figure of the page, with what it counts: the sentence of totals, each table row
    ("Chesterfield 1 2 1") and each share ("Records signed off … 50% (1 of 2)")."""

    def words(markup: str) -> str:
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())

    how_much = re.search(r'<h2 id="how-much">.*?</h2>\s*<p>(.*?)</p>', page, re.S).group(1)
    rows = re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', page, re.S)
    shares = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", page, re.S)
    figures = [words(how_much)]
    figures += [words(f"{label} {values}") for label, values in rows]
    figures += [words(f"{label} {value}") for label, value in shares]
    return figures


@pytest.fixture
def trainer(client, auth, make_user):
    user = make_user("Tia Trainer", roles={Role.TRAINING_TEAM})
    auth.login(user)
    return user


@pytest.mark.parametrize("address", ["/impact", "/impact?anonymise=1"])
def test_each_figure_of_the_download_reads_as_on_the_page(client, trainer, county, address):
    page = client.get(address).get_data(as_text=True)
    response = client.get(address.replace("/impact", "/impact.pdf"))
    assert response.mimetype == "application/pdf"
    text = _text(response.data)
    figures = _page_figures(page)
    # The totals; 2 districts, 2 agencies, 3 kinds of evidence, 2 key points; 2 shares.
    assert len(figures) == 1 + 2 + 2 + 3 + 2 + 2
    for figure in figures:
        assert figure in text
    assert "Positive change: improved" in text
    assert "Deterioration (worse)" in text


def test_the_anonymised_download_suppresses_small_numbers_as_the_page_does(client, trainer, county):
    plain = _text(client.get("/impact.pdf").data)
    assert "2 signed-off records, with 3 pledges; 1 six-month review signed off." in plain
    assert "50% (1 of 2)" in plain
    assert "fewer than 5" not in plain
    anonymised = _text(client.get("/impact.pdf?anonymise=1").data)
    assert "fewer than 5 signed-off records, with fewer than 5 pledges" in anonymised
    assert "not shown: fewer than 5 in all" in anonymised
    assert "50%" not in anonymised
    assert "Chesterfield fewer than 5 fewer than 5 fewer than 5" in anonymised


def test_the_download_is_guarded_like_the_page(client, auth, people, make_user, elsewhere, county):
    assert client.get("/impact.pdf").status_code == 302  # to sign in
    auth.login(people["practitioner"])
    assert client.get("/impact.pdf").status_code == 403
    auth.login(make_user(roles={Role.DISTRICT_TEAM}, district=people["district"]))
    response = client.get(f"/impact.pdf?district={elsewhere['district'].id}")
    assert 'filename="impact-report-chesterfield.pdf"' in response.headers["Content-Disposition"]
    text = _text(response.data)
    assert "Impact report: Chesterfield" in text
    assert "High Peak" not in text


def test_the_page_links_to_its_pdf_of_the_same_view(client, trainer, county, elsewhere):
    page = client.get(f"/impact?district={elsewhere['district'].id}&anonymise=1")
    link = re.search(r'href="(/impact\.pdf[^"]*)"', page.get_data(as_text=True)).group(1)
    assert html.unescape(link) == f"/impact.pdf?district={elsewhere['district'].id}&anonymise=1"
    text = _text(client.get(html.unescape(link)).data)
    assert "Impact report: High Peak" in text
    assert "fewer than 5 signed-off records" in text


def _impact_section(text: str) -> str:
    start = text.index("For the whole county: the three questions")
    return text[start : text.index("Summary Records (all statuses)")]


@pytest.mark.parametrize("anonymise", [False, True])
def test_the_collated_pdf_holds_the_impact_report_as_the_page_shows_it(
    client, trainer, county, anonymise
):
    page = client.get("/impact?anonymise=1" if anonymise else "/impact").get_data(as_text=True)
    section = _impact_section(_text(collated_pdf(Selection(anonymise=anonymise))))
    for figure in _page_figures(page):
        assert figure in section
    assert ("fewer than 5" in section) is anonymise
    assert ("50% (1 of 2)" in section) is not anonymise


def test_the_collated_pdf_reports_on_the_selection_s_district_and_says_what_it_covers(
    county, elsewhere
):
    text = _text(collated_pdf(Selection(district=elsewhere["district"], key_point_number=4)))
    start = text.index("For High Peak: the three questions")
    section = text[start : text.index("Summary Records (all statuses)")]
    assert "It covers every agency, team, key point and period of High Peak" in section
    assert "1 signed-off record, with 1 pledge; 0 six-month reviews signed off." in section
    assert "Chesterfield" not in section
    whole = _impact_section(_text(collated_pdf(Selection())))
    assert "It covers every" not in whole
