"""One page of a longer list, and the arithmetic of paging: one home for every paged listing."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

# A page number past any county (a typed address): the database's OFFSET must stay in range.
LAST_PAGE = 1_000_000


def page_count(total: int, size: int) -> int:
    """How many pages `total` items fill at `size` a page (at least one, even when empty)."""
    return max(1, -(-total // size))


def page_asked(page: int) -> int:
    """The page number from an address, kept between 1 and `LAST_PAGE`: before the total is
    known, the most that can be said of it."""
    return min(max(page, 1), LAST_PAGE)


def page_in_range(page: int, total: int, size: int) -> int:
    """The page asked for, kept between the first page and the last."""
    return min(max(page, 1), page_count(total, size))


def written_in(number: int) -> sa.BindParameter[int]:
    """A LIMIT or OFFSET written into the SQL instead of sent as a parameter.

    psycopg prepares a statement that is run often, and PostgreSQL then keeps one plan for it
    only while that generic plan, made without the parameters' values, is estimated to cost no
    more than plans made for them. For "LIMIT $1" it guesses a tenth of the rows, so the
    library's statements were planned again on every request (4 to 6 ms each, against 0.2 to 1
    ms to run them). With the number written in, each size and offset is a statement of its
    own, prepared once. (Some other values written in beside parameters left can make things
    worse: the library's count was then planned every time. A statement built once per filter
    has all its values written in instead: `core.planning.values_written_in`.)"""
    return sa.bindparam(None, number, type_=sa.Integer, literal_execute=True)


def limited_to_page(query, number: int, size: int):
    """`query` (ordered) cut to page `number` of `size` rows (kept between 1 and `LAST_PAGE`).
    The numbers are written into the SQL (`written_in`): sent as parameters, PostgreSQL planned
    the statement on every request."""
    number = page_asked(number)
    return query.limit(written_in(size)).offset(written_in((number - 1) * size))


@dataclass
class Page:
    items: list
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.size)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def first_shown(self) -> int:
        return 0 if not self.total else (self.number - 1) * self.size + 1

    @property
    def last_shown(self) -> int:
        return min(self.total, self.number * self.size)
