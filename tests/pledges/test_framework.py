"""The framework as data: Derbyshire's file, publishing, validation, and records keeping their version."""

from __future__ import annotations

import json

import pytest

from core.database import db
from pledges.framework import (
    DERBYSHIRE_FRAMEWORK_FILE,
    FrameworkFileError,
    check_framework_data,
    current_framework,
    publish_framework,
    read_framework_file,
)
from pledges.operations import start_record


def test_derbyshire_has_three_areas_and_fourteen_key_points_with_their_detail():
    data = read_framework_file(DERBYSHIRE_FRAMEWORK_FILE)
    assert [area["title"] for area in data["areas"]] == [
        "Children/young people ~ parents/carers ~ wider family/network/community/environment",
        "Process of ‘case’ management",
        "Principles of good practice",
    ]
    points = [point for area in data["areas"] for point in area["key_points"]]
    assert [point["number"] for point in points] == list(range(1, 15))
    assert points[0]["title"].startswith("Keeping the child/young person")
    assert points[0]["title"].endswith("~ always!")
    assert points[3]["title"] == "Assessment"
    assert len(points[3]["sub_points"]) == 12
    assert all(point["additional_detail"] for point in points)
    plan = points[4]["additional_detail"][0]
    assert plan["text"] == "Each child/young person to have a clear plan with:"
    assert "clarity about what to do in emergencies" in plan["items"]
    assert "Derbyshire Safeguarding Children Board" in data["source"]


def test_publishing_is_idempotent_and_makes_the_version_current():
    data = read_framework_file(DERBYSHIRE_FRAMEWORK_FILE)
    first = publish_framework(data)
    again = publish_framework(data)
    assert first is again
    assert current_framework() == first
    assert len(first.key_points) == 14


def test_records_keep_the_framework_version_they_started_with(people):
    old = publish_framework(read_framework_file(DERBYSHIRE_FRAMEWORK_FILE))
    record = start_record(people["practitioner"])
    data = read_framework_file(DERBYSHIRE_FRAMEWORK_FILE)
    data["version"] = "2"
    data["areas"] = data["areas"][:1]
    new = publish_framework(data)
    db.session.commit()
    assert current_framework() == new
    assert not old.is_current
    assert record.framework_version == old
    assert len(record.entries) == 14
    assert len(start_record(people["teammate"]).entries) == 3


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ([], "The file must hold one framework"),
        ({"key": "k", "version": "1", "title": "t", "source": "s"}, "at least one area"),
        ({"version": "1", "title": "t", "source": "s", "areas": []}, "needs a key"),
        (
            {"key": "k", "version": "1", "title": "t", "source": "s", "areas": [{"title": "A"}]},
            "Area 1 needs at least one key point",
        ),
        (
            {
                "key": "k", "version": "1", "title": "t", "source": "s",
                "areas": [{"title": "A", "key_points": [{"number": 1, "title": "x"},
                                                        {"number": 1, "title": "y"}]}],
            },
            "Key point 1 appears more than once",
        ),
    ],
)  # fmt: skip
def test_a_bad_framework_is_explained(data, problem):
    assert any(problem in message for message in check_framework_data(data))


def test_a_file_that_is_not_json_says_where(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"key": "k",\n  oops}', encoding="utf-8")
    with pytest.raises(FrameworkFileError, match="not valid JSON \\(line 2"):
        read_framework_file(path)


def test_the_publish_command_checks_and_publishes(runner, tmp_path):
    result = runner.invoke(args=["framework", "publish", str(DERBYSHIRE_FRAMEWORK_FILE)])
    assert result.exit_code == 0, result.output
    assert (
        "Three areas and fourteen key points for Derbyshire, version 1: current." in result.output
    )
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"key": "k"}), encoding="utf-8")
    result = runner.invoke(args=["framework", "publish", str(bad)])
    assert result.exit_code == 1
    assert "The framework needs a version." in result.output
    assert "The framework was not published." in result.output


def test_a_second_partnerships_framework_is_only_data(client, auth, people):
    """Hampshire's five themes (seed 002): published from its file, used by new records."""
    from pledges.framework import FRAMEWORKS_DIR

    derbyshire = publish_framework(read_framework_file(DERBYSHIRE_FRAMEWORK_FILE))
    old = start_record(people["teammate"])
    hampshire = publish_framework(read_framework_file(FRAMEWORKS_DIR / "hampshire-themes-v1.json"))
    db.session.commit()
    assert current_framework() == hampshire
    assert [p.title for p in hampshire.key_points] == [
        "Voice of the Child",
        "Communication",
        "Engagement",
        "Family Circumstances",
        "Supervision",
    ]
    assert "Hampshire Safeguarding Children Board" in hampshire.source
    record = start_record(people["practitioner"])
    db.session.commit()
    assert len(record.entries) == 5
    assert old.framework_version == derbyshire
    assert len(old.entries) == 14
    auth.login(people["practitioner"])
    html = client.get(f"/records/{record.id}").get_data(as_text=True)
    assert "Voice of the Child" in html
    entry_page = client.get(f"/records/{record.id}/entries/{record.entries[0].id}")
    assert "Listening to children and analysing the information and impact" in entry_page.get_data(
        as_text=True
    )
    assert client.get(f"/records/{record.id}/record.pdf").status_code == 200


def test_a_nul_character_in_a_framework_file_is_refused():
    import json

    from pledges.framework import DERBYSHIRE_FRAMEWORK_FILE, FrameworkFileError, framework_from_text

    data = json.loads(DERBYSHIRE_FRAMEWORK_FILE.read_text())
    data["title"] = "Before\x00after"
    with pytest.raises(FrameworkFileError, match="NUL character"):
        framework_from_text(json.dumps(data))
