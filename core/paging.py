"""One page of a longer list, and the arithmetic of paging: one home for every paged listing."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from core.database import db


def page_count(total: int, size: int) -> int:
    """How many pages `total` items fill at `size` a page (at least one, even when empty)."""
    return max(1, -(-total // size))


def page_in_range(page: int, total: int, size: int) -> int:
    """The page asked for, kept between the first page and the last."""
    return min(max(page, 1), page_count(total, size))


def page_of_rows(query, page: int, size: int) -> tuple[list[tuple], int, int]:
    """One page of an ordered query's rows (each a tuple), the total, and the page number kept
    between the first page and the last.

    The total comes with the rows (`count(*) OVER ()`): to sort the page, the database reads
    every matching row anyway, so counting them in the same statement is nearly free, where a
    count of its own ran the whole query twice (issue 14). Only a page past the end, an old
    link to a list that has since shrunk, needs the count alone, to show the last page instead.
    """
    page = max(page, 1)
    rows = _rows_with_total(query, page, size)
    if not rows and page > 1:
        counted = sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
        page = page_in_range(page, db.session.scalar(counted), size)
        rows = _rows_with_total(query, page, size)
    total = rows[0][-1] if rows else 0
    return [tuple(row[:-1]) for row in rows], total, page


def _rows_with_total(query, page: int, size: int) -> list:
    with_total = query.add_columns(sa.func.count().over()).limit(size).offset((page - 1) * size)
    return db.session.execute(with_total).all()


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
