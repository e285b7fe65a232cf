"""Time the county-wide exports and report peak memory, beside a plain platypus build of the
same text in the same run, at two sizes to show how time grows.

    python bench/export.py                                 # 1,200 and 12,000 records
    python bench/export.py --sizes 1200                    # a quick run
    python bench/export.py --sizes 12000 --kinds pdf parallel platypus
    python bench/export.py --sizes 1200 --kinds record    # the largest record's PDF

Kinds: pdf (the collated PDF as the app builds it), platypus (the same text laid out by plain
platypus: the baseline), parallel (the body in two halves built by two processes at once,
then joined: issue 12, item 4), xlsx, csv, record (the record PDF of the largest record the
forms accept, on a copy of the county: issue 16), impact (the county's impact report as the PDF
its page offers to download: issue 17). Each runs in its own process, so that its peak
memory (ru_maxrss) is its own. The machine is shared: wall time moves with its load, so CPU
time (user + system) is printed too, and kinds are interleaved when repeated.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 60
TARGET_MB = 500


def _usage() -> tuple[float, int]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime, round(usage.ru_maxrss / 1024)


def platypus_baseline(selection, out) -> None:
    """The collated body's text, laid out by plain platypus: a Paragraph per heading,
    attribution, label, field and piece of evidence, a page break per area."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    from collation.pdf import BODY, EVIDENCE_LABEL, FIELDS, MARGIN
    from collation.queries import collated_items
    from core.pdf_fonts import register_fonts

    register_fonts()

    def style(name):
        text = BODY[name]
        return ParagraphStyle(
            name,
            fontName=text.font,
            fontSize=text.size,
            leading=text.leading,
            leftIndent=text.indent,
        )

    styles = {name: style(name) for name in BODY}

    def para(text, name):
        return Paragraph(escape(text).replace("\n", "<br/>"), styles[name])

    def story():
        area = point = None
        for item in collated_items(selection):
            if item.area != area:
                if area is not None:
                    yield PageBreak()
                area, point = item.area, None
                yield para(area, "h1")
            if item.point != point:
                point = item.point
                yield para(point, "h2")
            yield para(f"{item.team} · {item.agency} · {item.district}", "meta")
            for title, name in FIELDS:
                if getattr(item, name).strip():
                    yield para(title, "label")
                    yield para(getattr(item, name), "text")
            if item.evidence:
                yield para(EVIDENCE_LABEL, "label")
            for evidence in item.evidence:
                yield para(f"• {evidence.description} [{evidence.sources}]", "bullet")
            if item.judgement:
                yield para(f"Judgement of change: {item.judgement}", "text")
            if item.what_next.strip():
                yield para("What next", "label")
                yield para(item.what_next, "text")

    document = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN
    )
    document.build(list(story()))


def _body_half(database_url: str, areas: list, first_page: int, path: str) -> dict:
    """In a worker process: the body of some areas, as one part of the parallel build."""
    from reportlab.lib.pagesizes import A4

    from bench.make_county import bench_app
    from collation.pdf import _write_items, body_writer
    from collation.pdf_parts import PartWriter
    from collation.selection import Selection
    from core.pdf_fonts import register_fonts

    started = time.perf_counter()
    app = bench_app(database_url)
    register_fonts()
    with app.app_context():
        selection = Selection()
        parts = PartWriter(Path(path), pagesize=A4)
        writer = body_writer(parts, selection, first_page)
        _write_items(writer, selection, None, areas=set(areas))
        writer.finish()
        paths = [str(p) for p in parts.finish()]
    cpu, peak = _usage()
    return {
        "paths": paths,
        "pages": writer.page_number - first_page,
        "seconds": round(time.perf_counter() - started, 2),
        "cpu": round(cpu, 2),
        "peak_mb": peak,
    }


def run_parallel(database_url: str) -> dict:
    """Areas 1-2 in one process and area 3 with the added findings in another, at once (page
    numbers of the second half are not known in advance: this measures the best case), then
    both joined by pikepdf in this process."""
    from collation.pdf_parts import join_parts

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        halves = [([1, 2], 1, f"{folder}/a"), ([3, None], 1, f"{folder}/b")]
        for _, _, path in halves:
            Path(path).mkdir()
        context = multiprocessing.get_context("spawn")
        with context.Pool(2) as pool:
            results = pool.starmap(
                _body_half, [(database_url, *half) for half in halves], chunksize=1
            )
        built = time.perf_counter() - started
        join_started = time.perf_counter()
        with tempfile.TemporaryFile() as out:
            join_parts(
                [Path(p) for result in results for p in result["paths"]],
                out,
                [],
                title="bench",
                author="bench",
            )
            size = out.tell()
        joined = time.perf_counter() - join_started
    cpu, peak = _usage()
    return {
        "kind": "parallel",
        "seconds": round(time.perf_counter() - started, 2),
        "build_seconds": round(built, 2),
        "join_seconds": round(joined, 2),
        "workers": [{k: r[k] for k in ("pages", "seconds", "cpu", "peak_mb")} for r in results],
        "cpu": round(cpu, 2),
        "peak_mb": peak,
        "bytes": size,
    }


def _words(prefix: str, length: int) -> str:
    """Text of `length` characters: numbered words, as the record PDF's tests use."""
    text = " ".join(f"{prefix}{number:04d}" for number in range(length // 8 + 1))
    return text[:length]


def largest_record(database_url: str):
    """The largest record the forms accept: every box of every key point at the limit (10,000
    characters), five findings of the owner's own likewise, and in the review three pieces of
    evidence and "what next" at the limit for each. Built in `database_url` (a county), owned
    by a practitioner of it who has a line manager."""
    from datetime import date

    import sqlalchemy as sa
    import time_machine

    from core.database import db
    from people.models import User
    from people.operations import create_user
    from pledges.models import ENTRY_TEXT_FIELDS, EvidenceSource, Record
    from pledges.operations import add_finding, save_entry, start_record, submit_record
    from pledges.review.operations import add_evidence, save_review, start_review
    from supervision.operations import approve_all_remaining, start_session

    limit = 10_000
    manager = db.session.scalar(sa.select(User).order_by(User.id).limit(1))
    owner = create_user(
        email="largest-record@bench.test",
        name="Largest Record",
        password="bench-password-not-used",
        line_manager=manager,
    )
    record = start_record(owner)
    for _ in range(5):
        add_finding(record, owner, title=_words("fin", 300), source=_words("src", 300))
    for entry in record.entries:
        boxes = {name: _words(name[:3], limit) for name in ENTRY_TEXT_FIELDS}
        save_entry(entry, owner, boxes, base_revision=entry.revision)
    submit_record(record, owner)
    with time_machine.travel(date(2026, 5, 20)):
        approve_all_remaining(record, manager, start_session(manager, supervisee=owner))
    start_review(record, owner, today=date(2026, 11, 20))
    for entry in record.entries:
        for number in range(3):
            add_evidence(
                entry,
                owner,
                description=_words(f"ev{number}x", limit),
                sources={EvidenceSource.SELF},
            )
        save_review(
            entry,
            owner,
            {"judgement_value": "worse", "what_next": _words("next", limit)},
            base_revision=entry.revision,
        )
    db.session.commit()
    return db.session.get(Record, record.id)


def run_record(database_url: str) -> dict:
    """The record PDF of the largest record the forms accept, built as the download builds it
    (in the request), on a copy of the county so the county is left as it was."""
    import shutil

    from bench.make_county import bench_app
    from pledges.pdf import record_pdf

    source = database_url.removeprefix("sqlite:///")
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "county.sqlite"
        shutil.copy(source, copy)
        app = bench_app(f"sqlite:///{copy}")
        with app.app_context():
            record = largest_record(f"sqlite:///{copy}")
            cpu_before, _ = _usage()
            started = time.perf_counter()
            data = record_pdf(record)
            seconds = time.perf_counter() - started
    return _pdf_measured("record", seconds, cpu_before, data)


def run_impact(database_url: str) -> dict:
    """The impact report of the whole county as a PDF, built as its download builds it (in the
    request): the report read from the database, then laid out."""
    from bench.make_county import bench_app
    from core.clock import today_in_london
    from impact.pdf import impact_pdf
    from impact.report import impact_report

    app = bench_app(database_url)
    with app.app_context():
        cpu_before, _ = _usage()
        started = time.perf_counter()
        report = impact_report(None, today_in_london())
        read = time.perf_counter() - started
        data = impact_pdf(report, "the whole county", anonymised=False)
        seconds = time.perf_counter() - started
    return {**_pdf_measured("impact", seconds, cpu_before, data), "reading_seconds": round(read, 2)}


def _measured(kind: str, seconds: float, cpu_before: float, size: int) -> dict:
    """One run's figures: wall time, CPU since `cpu_before`, peak memory and the file's size."""
    cpu, peak_mb = _usage()
    return {
        "kind": kind,
        "seconds": round(seconds, 2),
        "cpu": round(cpu - cpu_before, 2),
        "peak_mb": peak_mb,
        "bytes": size,
    }


def _pdf_measured(kind: str, seconds: float, cpu_before: float, data: bytes) -> dict:
    from io import BytesIO

    from pypdf import PdfReader

    measured = _measured(kind, seconds, cpu_before, len(data))
    return {**measured, "pages": len(PdfReader(BytesIO(data)).pages)}


def run_one(kind: str, database_url: str) -> dict:
    """In a child process: one export of the whole county, timed."""
    if kind == "parallel":
        return run_parallel(database_url)
    if kind == "record":
        return run_record(database_url)
    if kind == "impact":
        return run_impact(database_url)

    from bench.make_county import bench_app
    from collation.exports import write_export
    from collation.models import ExportKind
    from collation.selection import Selection

    app = bench_app(database_url)
    with app.app_context(), tempfile.TemporaryFile() as out:
        cpu_before, _ = _usage()
        started = time.perf_counter()
        if kind == "platypus":
            platypus_baseline(Selection(), out)
        else:
            write_export(ExportKind(kind), Selection(), out)
        seconds = time.perf_counter() - started
        size = out.tell()
    return _measured(kind, seconds, cpu_before, size)


def measure(kind: str, database_url: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--one", kind, "--database-url", database_url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1200, 12000])
    parser.add_argument(
        "--kinds",
        nargs="+",
        default=["pdf", "platypus", "xlsx"],
        choices=["pdf", "platypus", "parallel", "xlsx", "csv", "record", "impact"],
    )
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.database_url)))
        return

    from bench.make_county import build_county

    (ROOT / "bench/output").mkdir(parents=True, exist_ok=True)
    results: dict[int, dict[str, dict]] = {}
    for size in args.sizes:
        path = ROOT / f"bench/output/county-{size}.sqlite"
        url = f"sqlite:///{path}"
        if not path.exists():
            made = build_county(url, records=size, users=max(size * 10 // 12, 10))
            print(f"{size:,} records: {made['entries']:,} entries, {made['evidence']:,} evidence")
        else:
            print(f"{size:,} records ({path.name}, built before)")
        results[size] = {}
        for kind in args.kinds:
            result = measure(kind, url)
            results[size][kind] = result
            print(
                f"  {kind:<9} {result['seconds']:>8.2f} s  {result['cpu']:>8.2f} s CPU  "
                f"{result['peak_mb']:>6} MB peak  {result['bytes']:>12,} bytes",
                flush=True,
            )
            for number, worker in enumerate(result.get("workers", []), start=1):
                print(
                    f"    worker {number}: {worker['pages']:,} pages, {worker['seconds']} s, "
                    f"{worker['cpu']} s CPU, {worker['peak_mb']} MB peak"
                )
            if "join_seconds" in result:
                print(f"    join (pikepdf): {result['join_seconds']} s")
        if "pdf" in results[size] and "platypus" in results[size]:
            pdf, plain = results[size]["pdf"], results[size]["platypus"]
            print(
                f"  platypus / pdf: {plain['seconds'] / max(pdf['seconds'], 0.01):.1f}x the time "
                f"({plain['cpu'] / max(pdf['cpu'], 0.01):.1f}x the CPU), "
                f"{plain['peak_mb'] / max(pdf['peak_mb'], 1):.1f}x the memory"
            )
    if len(args.sizes) >= 2:
        small, large = sorted(args.sizes)[0], sorted(args.sizes)[-1]
        for kind in args.kinds:
            ratio = results[large][kind]["cpu"] / max(results[small][kind]["cpu"], 0.01)
            print(
                f"{kind}: {large:,} / {small:,} records took {ratio:.1f}x the CPU time "
                f"({large / small:.0f}x the records; linear would be {large / small:.0f}x)"
            )
    largest = max(args.sizes)
    if "pdf" in args.kinds:
        pdf = results[largest]["pdf"]
        verdict = (
            "meets" if pdf["seconds"] < TARGET_SECONDS and pdf["peak_mb"] < TARGET_MB else "misses"
        )
        print(
            f"The {largest:,}-record PDF {verdict} the target ({TARGET_SECONDS} s, {TARGET_MB} MB): "
            f"{pdf['seconds']} s, {pdf['peak_mb']} MB."
        )


if __name__ == "__main__":
    main()
