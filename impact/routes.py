"""The impact report's page, and the same report as a PDF to download."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from core.clock import today_in_london
from core.database import ById, all_by_name
from core.downloads import pdf_download
from core.guard import page_view
from core.ids import parse_id
from core.small_numbers import anonymised_in
from impact import bp
from impact.figures import Shown
from impact.permissions import can_read_impact, impact_scope
from impact.summaries import current_report
from people.models import District

_DISTRICT = ById(District)


def _chosen() -> tuple[District | None, bool, bool]:
    """From the address: the district the report covers (a district team's own, whatever is
    asked; None for the county), whether that is locked, and whether it is anonymised."""
    scope = impact_scope(current_user)
    asked = parse_id(request.args.get("district"))
    chosen = _DISTRICT.load(asked) if asked and scope is None else None
    anonymised = anonymised_in(request.args)
    return scope or chosen, scope is not None, anonymised


@bp.get("/impact")
@page_view(can_read_impact)
def report():
    district, locked, anonymised = _chosen()
    shown = Shown(anonymised)
    report, computed_at = current_report(district.id if district else None, today_in_london())
    return render_template(
        "impact/report.html",
        report=report,
        computed_at=computed_at,
        district=district,
        locked=locked,
        anonymised=anonymised,
        districts=all_by_name(District),
        shown=shown,
        pdf_args={
            "district": district.id if district else None,
            "anonymise": "1" if anonymised else None,
        },
    )


@bp.get("/impact.pdf")
@page_view(can_read_impact)
def report_pdf():
    """The page's report as a PDF: a few pages, small and quick enough to build in the request."""
    from impact.pdf import impact_pdf  # ReportLab: imported by this download only

    district, _, anonymised = _chosen()
    report, _ = current_report(district.id if district else None, today_in_london())
    scope = district.name if district else "the whole county"
    data = impact_pdf(report, scope, anonymised=anonymised)
    name = district.name.replace(" ", "-").lower() if district else "county"
    return pdf_download(data, f"impact-report-{name}{'-anonymised' if anonymised else ''}.pdf")
