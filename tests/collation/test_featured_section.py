"""The collated PDF opens with the featured good practice that falls in the selection: newest
featured first, each entry as its owners chose to share it, never an entry they did not share,
and always anonymised in an anonymised export."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

import pytest
import time_machine
from pypdf import PdfReader

from collation.featured import featured_items
from collation.pdf import collated_pdf
from collation.selection import Selection
from core.clock import LONDON
from core.database import db
from library.models import FeaturedEntry
from library.operations import feature_entry
from people.models import Role
from pledges.models import Sharing
from tests.library.conftest import elsewhere, sign_off  # noqa: F401  (fixtures)


@pytest.fixture
def featured(people, elsewhere, sign_off, make_user):  # noqa: F811  (the fixtures imported above)
    """Four featured entries: Jo's, anonymised (High Peak, a group of two), on 2 November; Pat's,
    named, on 3 November; the North team's, named, on 4 November; Terry's, not shared (featured
    before Terry chose so), on 5 November. And Una's, shared but not featured."""
    trainer = make_user("Tia Trainer", roles={Role.TRAINING_TEAM})
    manager = people["manager"]
    jo = sign_off(
        elsewhere["person"],
        elsewhere["manager"],
        {0: {"good_practice": "Anonymised: chronologies kept weekly", "pledge": "Weekly"}},
    )
    pat = sign_off(
        people["practitioner"],
        manager,
        {0: {"good_practice": "Named: we visit children at school", "pledge": "Keep it up"}},
        sharing=Sharing.NAMED,
    )
    team = sign_off(
        people["practitioner"],
        manager,
        {1: {"good_practice": "Team: joint visits with health", "pledge": "Joint visits"}},
        sharing=Sharing.NAMED,
        team=people["team"],
    )
    terry = sign_off(
        people["teammate"],
        manager,
        {0: {"good_practice": "Private: not for sharing", "pledge": "Mine"}},
        sharing=Sharing.NOT_SHARED,
    )
    una = make_user(
        "Una Unfeatured", line_manager=manager, agency=people["agency"], district=people["district"]
    )
    sign_off(
        una,
        manager,
        {0: {"good_practice": "Unfeatured: shared only", "pledge": "Ours"}},
    )
    for day, record in ((2, jo), (3, pat), (4, team)):
        with time_machine.travel(datetime(2026, 11, day, 12, tzinfo=LONDON)):
            feature_entry(record.entries[0 if record is not team else 1], trainer)
    db.session.add(
        FeaturedEntry(
            entry_id=terry.entries[0].id,
            featured_by=trainer,
            featured_at=datetime(2026, 11, 5, 12, tzinfo=LONDON),
        )
    )
    db.session.commit()


def _featured_section(selection: Selection) -> str:
    reader = PdfReader(BytesIO(collated_pdf(selection)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    contents_end = text.index("Featured good practice", text.index("Contents") + 30)
    return text[contents_end : text.index("Impact report For ")]


def test_featured_entries_lead_newest_first_as_their_owners_chose_to_share_them(featured):
    section = _featured_section(Selection())
    order = [section.index(words) for words in ("Team: joint", "Named: we visit", "Anonymised:")]
    assert order == sorted(order)
    assert "North team · Multi-agency · No district. Featured on 4 November 2026." in section
    assert (
        "Pat Practitioner · Children's social care · Chesterfield. Featured on 3 November 2026."
        in section
    )
    assert "Health visiting · High Peak. Featured on 2 November 2026." in section
    assert "Jo Elsewhere" not in section
    assert "Examples of current good practice Named: we visit children at school" in section
    assert "Pledge Keep it up" in section
    assert "Private: not for sharing" not in section  # not shared: never, even featured
    assert "Unfeatured" not in section


def test_an_anonymised_export_shows_every_featured_entry_anonymised(featured):
    section = _featured_section(Selection(anonymise=True))
    assert "Pat Practitioner" not in section
    assert "North team" not in section
    assert "Children's social care · Chesterfield. Featured on 3 November 2026." in section
    # High Peak's agency has two people: withheld, as the body withholds it.
    assert "Attribution withheld (a group of fewer than five people). Featured on 2 November" in (
        section
    )
    assert "Anonymised: chronologies kept weekly" in section


def test_only_the_featured_entries_in_the_selection_are_listed(featured, people, elsewhere):  # noqa: F811
    in_high_peak = featured_items(Selection(district=elsewhere["district"]))
    assert [item.good_practice for item in in_high_peak] == ["Anonymised: chronologies kept weekly"]
    in_team = featured_items(Selection(team=people["team"]))
    assert [item.good_practice for item in in_team] == ["Team: joint visits with health"]
    assert featured_items(Selection(key_point_number=2)) == featured_items(
        Selection(team=people["team"])
    )
    section = _featured_section(Selection(key_point_number=5))
    assert "The training team has featured no entries in this selection." in section
