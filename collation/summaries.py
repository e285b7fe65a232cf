"""The dashboard's figures, kept current by the queue worker rather than computed per request.

Computing the figures scans every signed-off record, entry and piece of evidence in the
selection: over a second for the county. So the dashboard's figures are summaries of the kind
"dashboard" (`core.summaries`, as the impact report's are): the queue worker computes them for
the county, each district and each agency, and each of those with each key point chosen
(`every_scope`), queued by the scheduler's reconcile every `DASHBOARD_SUMMARY_MINUTES`, and the
dashboard reads them back with the time they were computed ("figures as of 09:41"). The figures
are counted and put together by the same code as a direct computation (`collation.queries`), so
they answer exactly as it would at that time; the key points' are counted in one grouped query
per figure (`figures_per_key_point`), not one set of queries per key point. A selection the
summaries do not cover (a team, dates, a district and an agency together), summaries older than
`SUMMARY_MAX_AGE` (the worker has stopped) or stored in an older shape are computed directly.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import render_template, url_for
from markupsafe import Markup

from collation.charts import bar_chart_svg
from collation.queries import Figures, dashboard_figures, figures_per_key_point
from collation.selection import DASHBOARD_FILTERS, MULTI_AGENCY_VALUE, MultiAgency, Selection
from core.database import db
from core.summaries import current_summary, kept_current
from people.models import Agency, District
from pledges.queries import published_key_points

KIND = "dashboard"
# Older than this, the summaries are not used: the worker or the scheduler is not running.
SUMMARY_MAX_AGE = timedelta(minutes=30)
COUNTY = "county"
# A scope's summary with a key point chosen: "district:3|key_point:7".
KEY_POINT = "|key_point:"


@dataclass(frozen=True)
class DashboardFigures:
    figures: Figures
    computed_at: datetime | None  # None: computed for this request
    scope: str | None = None


def scope_of(selection: Selection) -> str | None:
    """The summary that answers this selection, or None when none does."""
    if selection.team is not None or selection.signed_off_from or selection.signed_off_to:
        return None
    district, agency = selection.effective_district, selection.agency
    if district is not None and agency is not None:
        return None
    if district is not None:
        scope = f"district:{district.id}"
    elif agency is not None:
        scope = f"agency:{agency.id}"  # "agency:multi" for the multi-agency teams
    else:
        scope = COUNTY
    if selection.key_point_number:
        scope += f"{KEY_POINT}{selection.key_point_number}"
    return scope


def _selection_for(scope: str) -> Selection:
    if scope == COUNTY:
        return Selection()
    kind, _, number = scope.partition(":")
    if number == MULTI_AGENCY_VALUE:
        return Selection(agency=MultiAgency())
    model = District if kind == "district" else Agency
    found = db.session.get(model, int(number))
    return Selection(district=found) if kind == "district" else Selection(agency=found)


def _scopes() -> list[str]:
    districts = db.session.scalars(sa.select(District.id).order_by(District.id))
    agencies = db.session.scalars(sa.select(Agency.id).order_by(Agency.id))
    return [
        COUNTY,
        *(f"district:{n}" for n in districts),
        *(f"agency:{n}" for n in agencies),
        f"agency:{MULTI_AGENCY_VALUE}",
    ]


def _to_json(figures: Figures) -> dict:
    return dataclasses.asdict(figures)


def _from_json(data: dict) -> Figures | None:
    """The figures stored, or None when they were stored in an older shape (before an upgrade:
    they are computed directly until the next refresh)."""
    if any(item.name not in data for item in dataclasses.fields(Figures)):
        return None
    values = {}
    for item in dataclasses.fields(Figures):
        value = data[item.name]
        values[item.name] = [tuple(pair) for pair in value] if isinstance(value, list) else value
    return Figures(**values)


def _figures_of(scope: str, today: date, numbers: list[int]) -> dict[str, Figures]:
    """A scope's figures, and each key point's within it (one grouped query per figure)."""
    selection = _selection_for(scope)
    per_point = figures_per_key_point(selection, today, numbers)
    return {
        scope: dashboard_figures(selection, today),
        **{f"{scope}{KEY_POINT}{number}": figures for number, figures in per_point.items()},
    }


@kept_current(KIND, max_age=SUMMARY_MAX_AGE, read=_from_json)
def every_scope(today: date) -> dict[str, dict]:
    """The figures of every scope (the county, each district and agency, and each of those with
    each key point of the published framework chosen), as JSON."""
    numbers = [number for number, _ in published_key_points()]
    return {
        scope: _to_json(figures)
        for base in _scopes()
        for scope, figures in _figures_of(base, today, numbers).items()
    }


def figures_for(selection: Selection, today: date) -> DashboardFigures:
    """The dashboard's figures for this selection: from a current summary when one covers it,
    computed directly otherwise."""
    scope = scope_of(selection)
    found = None if scope is None else current_summary(KIND, scope, today)
    if found is None:
        return DashboardFigures(dashboard_figures(selection, today), computed_at=None)
    figures, computed_at = found
    return DashboardFigures(figures, computed_at=computed_at, scope=scope)


# The charts of a summary, drawn once per worker: the county's team chart alone has a bar and a
# table row for each of its 1,350 teams, which took longer to draw than the rest of the page.
_drawn: dict[tuple, Markup] = {}
_DRAWN_KEPT = 64


# Each chart: its name, title, the figure it draws, the records list's argument for its items
# (None: not listed), what a list of it holds, and what is said under it.
CHARTS = (
    ("status", "Records by status", "by_status", "status", "records",
     "Records not yet signed off are counted but not listed: until sign-off they are private "
     "to their owners and their managers."),
    ("districts", "Signed-off records by district", "by_district", "district", "records", ""),
    ("agencies", "Signed-off records by agency", "by_agency", "agency", "records", ""),
    ("teams", "Signed-off team records by team", "by_team", "team", "records", ""),
    ("key-points", "Pledges per key point", "pledges_by_key_point", "key_point", "records", ""),
    ("support", "Signed-off reviews by how they are evidenced", "review_support", "support",
     "reviews", ""),
    ("sources", "Pieces of evidence by source", "evidence_by_source", None, "",
     "Pieces of evidence are counted here, several to a review: the reviews they support are "
     "listed from the chart above."),
    ("judgements", "Judgements of change", "judgements", "judgement", "pledges", ""),
)  # fmt: skip


# A county has 1,350 teams: a chart of them all was 400 KB that nobody could read. The largest
# are drawn; the rest are one choice away in the filters (a district, then its team).
TEAMS_SHOWN = 25


def _largest_teams_note(count: int) -> str:
    return (
        f"The {TEAMS_SHOWN} teams with the most signed-off records are shown, of {count:,}. "
        "For any other team, choose its district and then the team in the filters above."
    )


def records_link(selection: Selection, **chosen) -> str:
    """The records list behind a figure: the dashboard's filters, and the figure's own. Where
    the figure's own is one of the dashboard's filters too (a district's bar), `by` names it, so
    that the list's way back leaves it out and returns to the dashboard as it was."""
    args = selection.query_args()
    added = [key for key in chosen if key in DASHBOARD_FILTERS and key not in args]
    by = {"by": added[0]} if added else {}
    return url_for("collation.records", **{**args, **chosen, **by})


def _rows(selection: Selection, figures: Figures, figure: str, argument: str | None):
    items = getattr(figures, figure)
    keys = figures.keys.get(figure) or [None] * len(items)
    return [
        (label, value, records_link(selection, **{argument: key}) if argument and key and value
         else None)
        for (label, value), key in zip(items, keys, strict=True)
    ]  # fmt: skip


def dashboard_charts(current: DashboardFigures, selection: Selection) -> Markup:
    """The dashboard's charts, each with its data as a table whose rows link to the records
    behind them."""
    key = (current.scope, current.computed_at, tuple(sorted(selection.query_args().items())))
    if current.computed_at is not None and key in _drawn:
        return _drawn[key]
    charts = []
    for name, title, figure, argument, noun, note in CHARTS:
        shown = TEAMS_SHOWN if figure == "by_team" else None
        items = getattr(current.figures, figure)[:shown]
        rows = _rows(selection, current.figures, figure, argument)[:shown]
        svg = bar_chart_svg(f"chart-{name}", title, items)
        if shown is not None and len(getattr(current.figures, figure)) > shown:
            note = _largest_teams_note(len(getattr(current.figures, figure)))
        charts.append((name, title, rows, svg, noun, note))
    drawn = Markup(render_template("collation/_charts.html", charts=charts))
    if current.computed_at is not None:
        if len(_drawn) >= _DRAWN_KEPT:
            _drawn.clear()
        _drawn[key] = drawn
    return drawn
