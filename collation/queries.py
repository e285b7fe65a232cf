"""The figures and rows of a collation, computed in the database so they stay fast at county size.

Only signed-off content leaves the app: stage 1 text once it is signed off, review evidence once
the review is. Counts of records by status include drafts (a count shows no content).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased, selectinload

from collation.models import ExportJob
from collation.selection import MULTI_AGENCY_VALUE, Selection
from core.clock import LONDON
from core.database import db, names_by_id
from people.models import Agency, District, Team
from pledges.models import (
    ChangeJudgement,
    Entry,
    EvidenceSource,
    FrameworkArea,
    KeyPoint,
    Record,
    RecordState,
)
from pledges.record_scope import (
    AGENCY_ID,
    DISTRICT_ID,
    MULTI_AGENCY,
    NO_DISTRICT,
    in_agency,
    in_district,
    signed_off_records,
    with_owner,
)
from pledges.review.rules import OVERDUE_AFTER_DAYS

FINDINGS_AREA = "Other relevant findings / recommendations"
ADDED_FINDINGS_SECTION = "Findings added by teams and individuals"
STAGE_ONE_SIGNED_OFF = signed_off_records()


def scoped(query, selection: Selection, *, signed_off_only: bool = True):
    """Join a query on Record to its owner or team, and apply the selection's filters.

    With a key point chosen, only the records that made a pledge on it are counted (an entry
    is unique to its record and key point, so they are as many as the pledges on it)."""
    query = with_owner(query)
    if signed_off_only:
        query = query.where(STAGE_ONE_SIGNED_OFF)
    if selection.effective_district is not None:
        query = query.where(in_district(selection.effective_district.id))
    if selection.is_multi_agency:
        query = query.where(AGENCY_ID.is_(None))
    elif selection.agency is not None:
        query = query.where(in_agency(selection.agency.id))
    if selection.team is not None:
        query = query.where(Record.team_id == selection.team.id)
    if selection.signed_off_from is not None:
        query = query.where(sa.func.date(Record.signed_off_at) >= selection.signed_off_from)
    if selection.signed_off_to is not None:
        query = query.where(sa.func.date(Record.signed_off_at) <= selection.signed_off_to)
    if selection.key_point_number:
        pledged = aliased(Entry)
        query = query.where(
            sa.exists().where(
                pledged.record_id == Record.id,
                pledged.pledge != "",
                pledged.key_point_id.in_(_points_numbered(selection.key_point_number)),
            )
        )
    return query


def _points_numbered(number: int):
    return sa.select(KeyPoint.id).where(KeyPoint.number == number).scalar_subquery()


def scoped_entries(query, selection: Selection):
    """`scoped`, for a query that also joins `Entry`: with a key point chosen, only its entries
    (its evidence, its judgement) are counted."""
    query = scoped(query, selection)
    if selection.key_point_number:
        query = query.where(Entry.key_point_id.in_(_points_numbered(selection.key_point_number)))
    return query


# The reviews that count as handed in: the rest, once due, are due or overdue.
REVIEW_NOT_HANDED_IN = Record.state.in_(
    [RecordState.SIGNED_OFF, RecordState.REVIEW_OPEN, RecordState.REVIEW_RETURNED]
)
REVIEW_SIGNED_OFF = Record.state == RecordState.COMPLETE


def review_due(due: str, today: date) -> sa.ColumnElement[bool]:
    """Reviews "due" (not yet submitted, due in the last four weeks) or "overdue" (longer)."""
    overdue_since = today - timedelta(days=OVERDUE_AFTER_DAYS)
    when = (
        Record.review_due_on > overdue_since
        if due == "due"
        else Record.review_due_on <= overdue_since
    )
    return sa.and_(REVIEW_NOT_HANDED_IN, Record.review_due_on <= today, when)


def evidenced_reviews(selection: Selection, per_point: bool = False):
    """Each signed-off review in the selection with evidence, and whether any of its evidence
    (on the key point chosen, if one is) is beyond self report: (`id`, `independent`), and
    with `per_point`, for each key point: (`id`, `independent`, `number`)."""
    from pledges.models import Evidence

    independent = sa.func.max(
        sa.case(
            (sa.or_(Evidence.from_service_user, Evidence.from_manager, Evidence.from_colleague), 1),
            else_=0,
        )
    )
    query = scoped_entries(
        sa.select(Record.id.label("id"), independent.label("independent"))
        .select_from(Record)
        .join(Entry, Entry.record_id == Record.id)
        .join(Evidence, Evidence.entry_id == Entry.id),
        selection,
    ).where(REVIEW_SIGNED_OFF)
    if per_point:
        point = aliased(KeyPoint)
        query = (
            query.join(point, Entry.key_point_id == point.id)
            .where(Entry.pledge != "")
            .add_columns(point.number.label("number"))
            .group_by(point.number)
        )
    return query.group_by(Record.id).subquery()


# The review support figure's groups: its link's value, its label, and `independent`.
REVIEW_SUPPORT = (
    ("self", "Self report only", 0),
    ("others", "With service user, manager or colleague evidence", 1),
)


@dataclass
class Figures:
    """What the dashboard shows. Each list is (label, count), in the order to show it.

    `keys` holds, for each list that the records behind it can be listed for, the value of each
    item in the records list's address (a state, a district's id, "multi", a judgement), in the
    same order; None where an item is not listed (drafts are private to their owners)."""

    by_status: list[tuple[str, int]] = field(default_factory=list)
    by_district: list[tuple[str, int]] = field(default_factory=list)
    by_agency: list[tuple[str, int]] = field(default_factory=list)
    by_team: list[tuple[str, int]] = field(default_factory=list)
    pledges_by_key_point: list[tuple[str, int]] = field(default_factory=list)
    evidence_by_source: list[tuple[str, int]] = field(default_factory=list)
    review_support: list[tuple[str, int]] = field(default_factory=list)
    judgements: list[tuple[str, int]] = field(default_factory=list)
    reviews_due: int = 0
    reviews_overdue: int = 0
    keys: dict[str, list[str | None]] = field(default_factory=dict)

    @property
    def records(self) -> int:
        return sum(count for _, count in self.by_status)

    @property
    def signed_off_records(self) -> int:
        return sum(count for _, count in self.by_district)


_TEAMS_OF_DISTRICT = (
    sa.select(Team.id, Team.name)
    .where(Team.district_id == sa.bindparam("district_id"))
    .order_by(Team.name)
)


def team_choices(selection: Selection) -> list[tuple[int, str]]:
    """The teams the dashboard's filter offers: those of the district chosen (a county has
    over a thousand, too many for one list; a district team's own district), and the team
    already chosen if any."""
    district = selection.effective_district
    choices = []
    if district is not None:
        choices = db.session.execute(_TEAMS_OF_DISTRICT, {"district_id": district.id}).all()
    chosen = selection.team
    if chosen is not None and all(team_id != chosen.id for team_id, _ in choices):
        choices = [(chosen.id, chosen.name), *choices]
    return [tuple(choice) for choice in choices]


def _keyed(figures: Figures, name: str, rows: list[tuple[str, int, str | None]]) -> None:
    setattr(figures, name, [(label, count) for label, count, _ in rows])
    figures.keys[name] = [key for _, _, key in rows]


def _per_point(query, per_point: bool, *, own_entry: bool = False):
    """The query as it is, or grouped by key point as well (the number its rows' last column).

    Per key point, a record counts once under each key point it made a pledge on (`own_entry`:
    the query's own `Entry` is the pledge): what a direct computation with that key point chosen
    counts, so one grouped query answers every key point at once."""
    if not per_point:
        return query
    point = aliased(KeyPoint)
    if own_entry:
        query = query.join(point, Entry.key_point_id == point.id).where(Entry.pledge != "")
    else:
        pledged = aliased(Entry)
        query = query.join(
            pledged, sa.and_(pledged.record_id == Record.id, pledged.pledge != "")
        ).join(point, pledged.key_point_id == point.id)
    return query.add_columns(point.number).group_by(point.number)


def _split(rows, per_point: bool, width: int) -> dict:
    """Rows by key point (None: not grouped), each cut to its first `width` columns."""
    found: dict = defaultdict(list)
    for row in rows:
        found[row[width] if per_point else None].append(tuple(row[:width]))
    return found


@dataclass
class _Counted:
    """What the database answered for one selection (and one key point): raw rows."""

    states: list = field(default_factory=list)
    districts: list = field(default_factory=list)
    agencies: list = field(default_factory=list)
    teams: list = field(default_factory=list)
    pledges: list = field(default_factory=list)
    evidence: list = field(default_factory=list)
    support: list = field(default_factory=list)
    judgements: list = field(default_factory=list)
    due: list = field(default_factory=list)
    overdue: list = field(default_factory=list)


def _count(selection: Selection, today: date, per_point: bool) -> dict[int | None, _Counted]:
    """Every figure's rows, in one query each: for the selection, or for each key point."""
    from pledges.models import Evidence

    found: dict[int | None, _Counted] = defaultdict(_Counted)

    def gather(name, query, width, *, own_entry=False):
        rows = db.session.execute(_per_point(query, per_point, own_entry=own_entry))
        for point, part in _split(rows, per_point, width).items():
            setattr(found[point], name, part)

    gather("states", scoped(
        sa.select(Record.state, sa.func.count(Record.id)), selection, signed_off_only=False
    ).group_by(Record.state), 2)  # fmt: skip
    for name, column in (("districts", DISTRICT_ID), ("agencies", AGENCY_ID)):
        gather(name, scoped(sa.select(column, sa.func.count(Record.id)), selection)
               .group_by(column), 2)  # fmt: skip
    gather("teams", scoped(sa.select(Record.team_id, sa.func.count(Record.id)), selection)
           .where(Record.team_id.is_not(None)).group_by(Record.team_id), 2)  # fmt: skip
    pledges = scoped_entries(
        sa.select(KeyPoint.number, KeyPoint.title, sa.func.count(Entry.id))
        .select_from(Record)
        .join(Entry, Entry.record_id == Record.id)
        .join(KeyPoint, Entry.key_point_id == KeyPoint.id),
        selection,
    ).where(Entry.pledge != "")
    rows = db.session.execute(pledges.group_by(KeyPoint.number, KeyPoint.title))
    for number, title, n in rows:  # each key point's own row is its pledges
        for point in (number,) if per_point else (None,):
            found[point].pledges.append((number, title, n))
    source_sums = [
        sa.func.sum(sa.cast(getattr(Evidence, s.column), sa.Integer)) for s in EvidenceSource
    ]
    gather("evidence", scoped_entries(
        sa.select(*source_sums).select_from(Record)
        .join(Entry, Entry.record_id == Record.id).join(Evidence, Evidence.entry_id == Entry.id),
        selection,
    ).where(REVIEW_SIGNED_OFF), len(source_sums), own_entry=True)  # fmt: skip
    reviews = evidenced_reviews(selection, per_point)
    support = sa.select(reviews.c.independent, sa.func.count()).group_by(reviews.c.independent)
    if per_point:
        support = support.add_columns(reviews.c.number).group_by(reviews.c.number)
    for point, part in _split(db.session.execute(support), per_point, 2).items():
        found[point].support = part
    gather("judgements", scoped_entries(
        sa.select(Entry.change_judgement, sa.func.count(Entry.id)).select_from(Record)
        .join(Entry, Entry.record_id == Record.id), selection,
    ).where(REVIEW_SIGNED_OFF, Entry.change_judgement.is_not(None))
     .group_by(Entry.change_judgement), 2, own_entry=True)  # fmt: skip
    for due in ("due", "overdue"):
        gather(due, scoped(sa.select(sa.func.count(Record.id)), selection)
               .where(review_due(due, today)), 1)  # fmt: skip
    return found


def _by_place(rows, names: dict[int, str], fallback: str, none_key) -> list:
    items = [
        (names.get(key, fallback), n, str(key) if key is not None else none_key) for key, n in rows
    ]
    return sorted(items, key=lambda item: (-item[1], item[0]))


def _figures(counted: _Counted, names: dict) -> Figures:
    """The dashboard's figures from the rows counted, in the order and words it shows them."""
    figures = Figures()
    counts = dict(counted.states)
    _keyed(figures, "by_status", [
        (state.label, counts[state], state.value if state.is_signed_off else None)
        for state in RecordState if counts.get(state)
    ])  # fmt: skip
    _keyed(figures, "by_district",
           _by_place(counted.districts, names["districts"], NO_DISTRICT, None))  # fmt: skip
    _keyed(figures, "by_agency",
           _by_place(counted.agencies, names["agencies"], MULTI_AGENCY, MULTI_AGENCY_VALUE))  # fmt: skip
    teams = names["teams"]
    _keyed(figures, "by_team", sorted(
        ((teams[t], n, str(t)) for t, n in counted.teams), key=lambda i: (-i[1], i[0])
    ))  # fmt: skip
    _keyed(figures, "pledges_by_key_point", [
        (f"{number}) {title}", n, str(number)) for number, title, n in sorted(counted.pledges)
    ])  # fmt: skip
    totals = counted.evidence[0] if counted.evidence else (None,) * len(EvidenceSource)
    figures.evidence_by_source = [
        (f"{source.value} – {source.label}", int(total or 0))
        for source, total in zip(EvidenceSource, totals, strict=True)
    ]
    support = dict(counted.support)
    _keyed(figures, "review_support", [
        (label, support.get(independent, 0), key) for key, label, independent in REVIEW_SUPPORT
    ])  # fmt: skip
    judged = dict(counted.judgements)
    _keyed(figures, "judgements", [
        (j.label, judged.get(j, 0), j.value) for j in ChangeJudgement
    ])  # fmt: skip
    figures.reviews_due = counted.due[0][0] if counted.due else 0
    figures.reviews_overdue = counted.overdue[0][0] if counted.overdue else 0
    return figures


def _all_names() -> dict:
    return {
        "districts": names_by_id(District),
        "agencies": names_by_id(Agency),
        "teams": names_by_id(Team),
    }


def dashboard_figures(selection: Selection, today: date) -> Figures:
    """The dashboard's figures for a selection, computed now."""
    return _figures(_count(selection, today, per_point=False)[None], _all_names())


def figures_per_key_point(
    selection: Selection, today: date, numbers: list[int]
) -> dict[int, Figures]:
    """The figures of `selection` with each key point of `numbers` chosen, as
    `dashboard_figures` would compute them one by one, in one grouped query per figure."""
    counted = _count(selection, today, per_point=True)
    names = _all_names()
    return {number: _figures(counted.get(number, _Counted()), names) for number in numbers}


@dataclass(frozen=True)
class CollatedEvidence:
    description: str
    sources: str  # "SR / MR", as on the paper
    occurred_on: date | None = None
    codes: frozenset[str] = frozenset()  # {"SR", "MR"}


@dataclass(frozen=True)
class CollatedItem:
    """One entry of a signed-off record, as a collation shows it: attributed, never named."""

    area: str
    point: str
    district: str
    agency: str
    team: str
    good_practice: str
    pledge: str
    helps: str
    hinders: str
    signs_of_success: str
    evidence: tuple[CollatedEvidence, ...]
    judgement: str
    what_next: str
    record_id: int = 0
    cycle: int = 1
    key_point_number: int | None = None
    point_title: str = ""  # the key point's title, or the added finding's
    finding_source: str = ""
    signed_off_on: date | None = None
    review_signed_off_on: date | None = None

    @property
    def is_added_finding(self) -> bool:
        return self.area == FINDINGS_AREA


def collated_query(selection: Selection, *columns):
    """The entries a collation of `selection` holds (those with something written), selecting
    `columns`, and the aliased framework area they are grouped under: the exports' body and the
    collated PDF's featured section read the same entries."""
    area = aliased(FrameworkArea)
    query = scoped_entries(
        sa.select(*columns)
        .select_from(Record)
        .join(Entry, Entry.record_id == Record.id)
        .outerjoin(KeyPoint, Entry.key_point_id == KeyPoint.id)
        .outerjoin(area, KeyPoint.area_id == area.id),
        selection,
    ).where(sa.or_(Entry.good_practice != "", Entry.pledge != "", Entry.signs_of_success != ""))
    return query, area


def count_collated_items(selection: Selection) -> int:
    query, _ = collated_query(selection, sa.func.count(Entry.id))
    return db.session.scalar(query)


def _closing(result):
    """Rows of `result`, closed (its server-side cursor too) even when the reader stops early:
    an export that fails or times out mid-way must not leave a cursor open."""
    with result:
        yield from result


def collated_items(
    selection: Selection, batch_size: int = 500, areas: set[int | None] | None = None
) -> Iterator[CollatedItem]:
    """Every signed-off entry in the selection, area by area and point by point, streamed.

    `areas`, when given, keeps only those area numbers (None: the added findings).
    """
    districts, agencies, teams = names_by_id(District), names_by_id(Agency), names_by_id(Team)
    query, area = collated_query(
        selection,
        Entry,
        DISTRICT_ID,
        AGENCY_ID,
        Record.team_id,
        Record.state,
        Record.cycle,
        Record.signed_off_at,
        Record.completed_at,
    )
    query = (
        query.order_by(
            sa.func.coalesce(area.number, 99),
            sa.func.coalesce(KeyPoint.number, 999),
            Record.id,
            Entry.position,
        )
        .options(
            selectinload(Entry.evidence), selectinload(Entry.key_point).selectinload(KeyPoint.area)
        )
        .execution_options(yield_per=batch_size)
    )
    if areas is not None:
        numbers = [number for number in areas if number is not None]
        wanted = area.number.in_(numbers)
        query = query.where(sa.or_(wanted, area.number.is_(None)) if None in areas else wanted)
    rows = _closing(db.session.execute(query))
    for entry, district_id, agency_id, team_id, state, cycle, signed_off_at, completed_at in rows:
        point = entry.key_point
        review_signed_off = state is RecordState.COMPLETE
        yield CollatedItem(
            area=f"{point.area.number}) {point.area.title}"
            if point
            else "Other relevant findings / recommendations",
            point=f"{point.number}) {point.title}" if point else entry.finding_title,
            district=districts.get(district_id, "No district"),
            agency=agencies.get(agency_id, MULTI_AGENCY),
            team=teams.get(team_id, "Individual") if team_id else "Individual",
            good_practice=entry.good_practice,
            pledge=entry.pledge,
            helps=entry.helps,
            hinders=entry.hinders,
            signs_of_success=entry.signs_of_success,
            evidence=tuple(
                CollatedEvidence(
                    item.description,
                    item.source_codes,
                    item.occurred_on,
                    frozenset(source.value for source in item.sources),
                )
                for item in entry.evidence
            )
            if review_signed_off
            else (),
            judgement=entry.change_judgement.label
            if review_signed_off and entry.change_judgement
            else "",
            what_next=entry.what_next if review_signed_off else "",
            record_id=entry.record_id,
            cycle=cycle,
            key_point_number=point.number if point else None,
            point_title=point.title if point else entry.finding_title,
            finding_source="" if point else entry.finding_source,
            signed_off_on=_london_date(signed_off_at),
            review_signed_off_on=_london_date(completed_at) if review_signed_off else None,
        )


def _london_date(value: datetime | None) -> date | None:
    return value.astimezone(LONDON).date() if value is not None else None


def section_titles(selection: Selection) -> list[tuple[int, str]]:
    """The areas and key points (level 0 and 1) the collated PDF will have, in its order.

    A cheap query, so the contents can be laid out before the body is.
    """
    query, area = collated_query(selection, sa.literal(1))
    rows = db.session.execute(
        query.with_only_columns(area.number, area.title, KeyPoint.number, KeyPoint.title).distinct()
    ).all()
    # Sorted here: PostgreSQL allows ORDER BY on a DISTINCT query only by selected columns.
    rows.sort(key=lambda row: (99 if row[0] is None else row[0], 999 if row[2] is None else row[2]))
    titles: list[tuple[int, str]] = []
    current_area = None
    for area_number, area_title, point_number, point_title in rows:
        name = f"{area_number}) {area_title}" if area_number is not None else FINDINGS_AREA
        if name != current_area:
            current_area = name
            titles.append((0, name))
        titles.append(
            (
                1,
                f"{point_number}) {point_title}"
                if point_number is not None
                else ADDED_FINDINGS_SECTION,
            )
        )
    return titles


def load_export(job_id: int) -> ExportJob | None:
    # Read afresh: the worker updates the job in a session of its own (in tests, the same
    # process), and a copy already in this session would still say "queued".
    return db.session.get(ExportJob, job_id, populate_existing=True)
