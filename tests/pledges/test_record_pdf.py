"""The record PDF: the paper tool's layout and words, the user's text intact, owners and managers only."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader

from core.database import db
from pledges.operations import add_finding, save_entry


def pdf_text(data: bytes) -> str:
    reader = PdfReader(BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


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
    text = " ".join(pdf_text(response.data).split())
    assert "Serious Case Reviews ~ Assessment, Development and Improving Practice Tool" in text
    assert "Name (individual / team): Pat Practitioner" in text
    assert "See <every> child & family: Łódź Ж Ω" in text
    assert "Help: Supervision" in text
    assert "SR = self report" in text
    assert "a) Lost in transfer (source: Solihull 2011)" in text
    assert "Page 1 of" in text


def test_only_those_who_may_see_the_record_download_it(client, auth, people, make_record):
    record = make_record(people["practitioner"])
    for who, status in (("manager", 200), ("senior", 200), ("outsider", 403), ("teammate", 403)):
        auth.login(people[who])
        assert client.get(f"/records/{record.id}/record.pdf").status_code == status, who
