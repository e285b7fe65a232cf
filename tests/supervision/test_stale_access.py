"""A supervision session is read only by whoever may see it now: a line manager who has handed a
supervisee on, or a team's former manager, no longer reads the session or the current record."""

from __future__ import annotations

from admin.operations import change_line_manager, change_team_manager
from core.database import db
from pledges.operations import save_entry
from supervision.operations import start_session
from supervision.queries import sessions_for


def test_a_former_line_manager_no_longer_reads_the_old_session_or_the_record(
    client, auth, people, make_record
):
    pat, morgan, sam = people["practitioner"], people["manager"], people["senior"]
    record = make_record(pat)
    session = start_session(morgan, supervisee=pat, notes="Talked about caseload.")
    db.session.commit()
    auth.login(morgan)
    assert client.get(f"/supervision/sessions/{session.id}").status_code == 200

    change_line_manager(pat, people["outsider"], people["admin"])
    save_entry(record.entries[0], pat, {"pledge": "Written after the move"}, base_revision=1)
    db.session.commit()

    auth.login(morgan)
    response = client.get(f"/supervision/sessions/{session.id}")
    assert response.status_code == 403
    assert "Written after the move" not in response.get_data(as_text=True)
    assert client.get(f"/records/{record.id}").status_code == 403
    assert session not in sessions_for(morgan)
    assert "Talked about caseload" not in client.get("/supervision/sessions").get_data(as_text=True)
    # The supervisee still reads it; their new manager was not in it.
    auth.login(pat)
    assert client.get(f"/supervision/sessions/{session.id}").status_code == 200
    auth.login(sam)
    assert client.get(f"/supervision/sessions/{session.id}").status_code == 403


def test_a_teams_former_manager_no_longer_reads_the_old_session(client, auth, people, make_record):
    team, morgan = people["team"], people["manager"]
    record = make_record(people["practitioner"], team=team)
    session = start_session(morgan, team=team)
    db.session.commit()
    change_team_manager(team, people["outsider"], people["admin"])
    save_entry(record.entries[0], people["teammate"], {"pledge": "Our new pledge"}, base_revision=1)
    db.session.commit()
    auth.login(morgan)
    response = client.get(f"/supervision/sessions/{session.id}")
    assert response.status_code == 403
    assert "Our new pledge" not in response.get_data(as_text=True)
    auth.login(people["teammate"])
    page = client.get(f"/supervision/sessions/{session.id}")
    assert page.status_code == 200
    assert "Our new pledge" in page.get_data(as_text=True)


def test_the_current_manager_still_reads_their_session(client, auth, people, make_record):
    make_record(people["practitioner"])
    session = start_session(people["manager"], supervisee=people["practitioner"])
    db.session.commit()
    auth.login(people["manager"])
    assert client.get(f"/supervision/sessions/{session.id}").status_code == 200
    assert session in sessions_for(people["manager"])
