"""One page of a list with its total in one statement (core/paging.page_of_rows, issue 14)."""

from __future__ import annotations

import sqlalchemy as sa

from core.database import db
from core.paging import page_of_rows
from people.models import Agency

NAMES = [f"Agency {number:02d}" for number in range(1, 13)]


def _agencies():
    for name in NAMES:
        db.session.add(Agency(name=name))
    db.session.commit()
    return sa.select(Agency.name).order_by(Agency.name)


def test_a_page_comes_with_the_total_in_one_statement(count_queries):
    query = _agencies()
    with count_queries() as statements:
        rows, total, page = page_of_rows(query, 2, 5)
    assert (rows, total, page) == ([(name,) for name in NAMES[5:10]], 12, 2)
    assert len(statements) == 1


def test_the_last_page_holds_what_is_left():
    rows, total, page = page_of_rows(_agencies(), 3, 5)
    assert (rows, total, page) == ([(name,) for name in NAMES[10:]], 12, 3)


def test_a_page_past_the_end_shows_the_last_page():
    """An old link to a list that has since shrunk: the last page, not an empty one."""
    rows, total, page = page_of_rows(_agencies(), 9, 5)
    assert (rows, total, page) == ([(name,) for name in NAMES[10:]], 12, 3)


def test_an_empty_list_is_one_empty_page():
    query = sa.select(Agency.name).order_by(Agency.name)
    assert page_of_rows(query, 1, 5) == ([], 0, 1)
    assert page_of_rows(query, 4, 5) == ([], 0, 1)
    assert page_of_rows(query, -3, 5) == ([], 0, 1)
