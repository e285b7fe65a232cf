"""One page of a longer list, and the arithmetic of paging: one home for every paged listing."""

from __future__ import annotations

from dataclasses import dataclass


def page_count(total: int, size: int) -> int:
    """How many pages `total` items fill at `size` a page (at least one, even when empty)."""
    return max(1, -(-total // size))


def page_in_range(page: int, total: int, size: int) -> int:
    """The page asked for, kept between the first page and the last."""
    return min(max(page, 1), page_count(total, size))


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
