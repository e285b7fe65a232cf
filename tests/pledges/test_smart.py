"""The SMART prompts: plain rules about the words, with examples that should and should not prompt."""

from __future__ import annotations

import pytest

from pledges.smart import smart_prompts


def codes(pledge: str, signs: str = "") -> set[str]:
    return {prompt.code for prompt in smart_prompts(pledge, signs)}


def test_a_smart_pledge_raises_no_prompt():
    assert (
        codes(
            "I pledge to see every child on my caseload alone by the end of March.",
            "Each case record has the child's own words, and my manager sees it in audits.",
        )
        == set()
    )


def test_an_empty_pledge_raises_nothing():
    assert smart_prompts("", "Anything") == []


@pytest.mark.parametrize(
    "pledge",
    [
        "I will review plans within 6 weeks with the child's views",
        "We pledge to meet monthly about the children we share",
        "Children seen at every visit",
        "By June, each young person has a plan",
        "I will do this before 31/03/2027 for the children",
        "Within three months children's records will be updated",
    ],
)
def test_timescales_are_recognised(pledge):
    assert "timely" not in codes(pledge, "We will see it in audits")


def test_a_pledge_without_a_timescale_is_prompted():
    assert "timely" in codes("I pledge to listen more to children", "Children say they were heard")


def test_signs_of_success_are_asked_for_and_read_for_something_countable():
    assert "no_signs" in codes("I pledge to see children alone by May")
    assert "measurable" in codes("I pledge to see children alone by May", "Things will be better")
    assert "measurable" not in codes("I pledge to see children alone by May", "90% seen alone")


def test_an_outcome_for_children_is_looked_for():
    assert "children" in codes("I pledge to update my records weekly", "Audits show records done")
    assert "children" not in codes(
        "I pledge to update records weekly", "Young people say their plan makes sense"
    )


def test_signs_stated_as_what_should_stop_are_prompted_to_be_positive():
    assert "positive" in codes(
        "I pledge to plan visits for children by May", "Parents stop cancelling visits"
    )
    assert "positive" not in codes(
        "I pledge to plan visits for children by May", "Every planned visit happens"
    )


def test_a_bare_service_action_is_prompted():
    assert "service_action" in codes("Refer to the training team by June", "Certificate on file")
    assert "service_action" not in codes(
        "Attend the course by June so that children's plans are clearer", "Plans audited"
    )
