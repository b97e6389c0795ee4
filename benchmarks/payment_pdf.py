"""P4: the payment schedule of a 1,000-payment run against bare WeasyPrint on a plain table of the same rows.

Usage: .venv/bin/python benchmarks/payment_pdf.py [--payments 1000] [--repeat 3] [--memory-payments 5000]

Builds an authorised run of N payments (bulk inserts into a temporary SQLite database), then, from one run of this
script: times our schedule export exactly as the job runs it (`make_export` on a queued export: claim, read the run
in one short transaction, draw with nothing open, record the file, with real commits) and bare WeasyPrint rendering
a plain single-table HTML of the same rows (one column per field), alternating, and prints the medians, the SQL
statements one export made, and `P4 ratio: X` (the bar is X <= 0.5); what subsetting the fonts costs (the same laid
out schedule written with whole fonts); times a remittance advice rendered warm (bar <= 150 ms); and, in a child
process, measures the peak memory of the job exporting a run of --memory-payments payments (bar < 500 MB).
"""

from __future__ import annotations

import argparse
import html
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build_run(url: str, payments: int):
    """An app on a fresh database holding one authorised run of `payments` payments across 5 pots."""
    from datetime import date

    import sqlalchemy as sa

    from portal.accounts.models import User, UserRole
    from portal.applications.models import Application
    from portal.awards.models import Award
    from portal.common.time import utcnow
    from portal.domain.references import new_reference
    from portal.extensions import db
    from portal.panels.models import Decision
    from portal.payments import runs
    from portal.payments.models import PayeeDetailChange, PayeeDetails, Payment, PaymentRun
    from portal.programme.models import Neighbourhood, Pot
    from tests.conftest import make_test_app, migrate_to_head

    app = make_test_app(url, RATELIMIT_ENABLED=False)
    migrate_to_head(app)
    with app.app_context():
        people = [
            User(email=f"person{i}@bench.example", name=n) for i, n in enumerate(["Pat Panel", "Fin A", "Faye B"])
        ]
        for person in people:
            person.role_rows = [UserRole(role="finance_officer")]
        resident = User(email="resident@bench.example", name="Rosa Resident", role_rows=[UserRole(role="resident")])
        db.session.add_all([*people, resident])
        pots = []
        for n in range(5):
            place = Neighbourhood(name=f"Neighbourhood {n}", slug=f"n{n}", host_organisation="Hub")
            pots.append(
                Pot(
                    neighbourhood=place,
                    name="Small sparks 2026",
                    budget_pence=10**10,
                    max_award_pence=50_000,
                    fast_track_limit_pence=0,
                    opens_on=date(2026, 1, 1),
                    closes_on=date(2027, 1, 1),
                    payment_methods=["bank_transfer"],
                )
            )
        db.session.add_all(pots)
        db.session.flush()
        chair, officer_a, officer_b = people
        run = PaymentRun(reference="RUN-2026-0001", created_by_id=officer_a.id)
        db.session.add(run)
        db.session.flush()
        now = utcnow()
        used: set[str] = set()
        for i in range(payments):
            reference = new_reference()
            while reference in used:
                reference = new_reference()
            used.add(reference)
            pot = pots[i % 5]
            idea = Application(
                pot_id=pot.id,
                applicant_id=resident.id,
                status="approved",
                reference=reference,
                idea_name=f"Idea {i}",
                contact_name=f"Resident {i}",
                submitted_at=now,
            )
            db.session.add(idea)
            db.session.flush()
            decision = Decision(
                application_id=idea.id, kind="yes", reason="Yes", decided_by_id=chair.id, amount_pence=5_000 + i
            )
            db.session.add(decision)
            db.session.flush()
            award = Award(
                application_id=idea.id,
                pot_id=pot.id,
                decision_id=decision.id,
                amount_pence=5_000 + i,
                status="payment_authorised",
            )
            db.session.add(award)
            db.session.flush()
            details = PayeeDetails(
                award_id=award.id,
                method="bank_transfer",
                account_name=f"Payee number {i}",
                sort_code="309430",
                account_number=f"{i:08d}",
                account_number_last2=f"{i:08d}"[-2:],
                version=1,
            )
            db.session.add(details)
            db.session.flush()
            db.session.add(PayeeDetailChange.of(details, resident.id))
            db.session.add(
                Payment(
                    award_id=award.id,
                    run_id=run.id,
                    amount_pence=award.amount_pence,
                    method="bank_transfer",
                    payee_details_version=details.version,
                    status="authorised",
                    prepared_by_id=officer_a.id,
                    authorised_by_id=officer_b.id,
                    authorised_at=now,
                )
            )
        db.session.flush()
        run.status, run.authorised_by_id, run.authorised_at = "authorised", officer_b.id, now
        db.session.flush()
        run.content_hash = runs.content_hash(run)
        db.session.commit()
        count = db.session.execute(sa.select(sa.func.count(Payment.id))).scalar()
        assert count == payments
        return app, run.id


def bare_html(run) -> str:
    """A plain single table of the same rows: one column per field, nothing else."""
    head = [
        "Reference",
        "Pot",
        "Payee",
        "Sort code",
        "Account number",
        "Amount",
        "Prepared by",
        "Authorised by",
        "Authorised on",
    ]
    rows = []
    for line in run.lines:
        details = line.payee
        cells = [
            line.reference,
            line.pot,
            details.account_name.reveal(),
            details.sort_code.reveal(),
            details.account_number.reveal(),
            f"£{line.amount_pence / 100:,.2f}",
            line.prepared_by,
            line.authorised_by,
            line.authorised_at.date().isoformat(),
        ]
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
    header = "".join(f"<th>{h}</th>" for h in head)
    return f"<html><body><table><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table></body></html>"


def export_as_the_job_does(run_id: int, requested_by: int) -> tuple[float, int, bytes]:
    """Queue a schedule export and run the job on it, with real commits: (seconds, SQL statements, the PDF)."""
    import sqlalchemy as sa

    from portal.extensions import db
    from portal.payments import exports
    from portal.payments.models import PaymentExport

    export = PaymentExport(run_id=run_id, kind="schedule", filename="bench.pdf", requested_by_id=requested_by)
    db.session.add(export)
    db.session.commit()
    export_id = export.id
    db.session.remove()  # a worker starts with nothing loaded
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        started = time.perf_counter()
        exports.make_export(export_id)
        seconds = time.perf_counter() - started
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    made = db.session.get(PaymentExport, export_id)
    assert made is not None and made.status == "ready", made.error if made else "no export"
    content = made.content
    db.session.remove()
    return seconds, len(statements), content


def measure(payments: int, repeat: int) -> dict[str, float]:
    from weasyprint import HTML

    from portal.common.pdf import layout_pdf, pdf_html, write_document
    from portal.common.transactions import finish_reading
    from portal.payments import documents, export_facts
    from portal.payments.models import PaymentRun

    with tempfile.TemporaryDirectory() as folder:
        app, run_id = build_run(f"sqlite:///{folder}/bench.db", payments)
        with app.app_context():
            from flask_babel import force_locale

            from portal.common.rendering import rendering_context
            from portal.extensions import db

            requested_by = db.session.get(PaymentRun, run_id).created_by_id
            run = export_facts.read_run(run_id)
            finish_reading()
            bare = bare_html(run)
            ours_times, bare_times, statements = [], [], []
            for _ in range(repeat):
                seconds, count, pdf = export_as_the_job_does(run_id, requested_by)
                ours_times.append(seconds)
                statements.append(count)
                started = time.perf_counter()
                HTML(string=bare).write_pdf()
                bare_times.append(time.perf_counter() - started)
            from pypdf import PdfReader

            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            with rendering_context(), force_locale("en"):
                # What subsetting the fonts costs: the same first part of the schedule, laid out once, written
                # with subset fonts (as the job does) and with whole fonts.
                shown = [documents._shown(line, False) for line in run.lines]
                part = list(enumerate(documents._pages(shown), start=2))[: documents.BATCH_PAGES]
                common = {"run": run, "full": False, "count": len(part) + 1, "totals": [], "total_pence": 0}
                html_text = pdf_html(
                    "pdf/schedule.html", pages=part, with_summary=True, payments=0, failed=[], failed_pence=0, **common
                )
                subset_times, whole_times, sizes = [], [], {}
                for _ in range(repeat):  # each written from its own layout: writing subsets the layout's fonts
                    document = layout_pdf(html_text)
                    started = time.perf_counter()
                    sizes["subset"] = len(write_document(document))
                    subset_times.append(time.perf_counter() - started)
                    document = layout_pdf(html_text)
                    started = time.perf_counter()
                    sizes["whole"] = len(write_document(document, full_fonts=True))
                    whole_times.append(time.perf_counter() - started)
                documents.remittance_pdf(run.reference, run.lines[0])  # warm
                remittance = []
                for line in run.lines[:10]:
                    started = time.perf_counter()
                    documents.remittance_pdf(run.reference, line)
                    remittance.append(time.perf_counter() - started)
    return {
        "ours": statistics.median(ours_times),
        "bare": statistics.median(bare_times),
        "pages": pages,
        "statements": max(statements),
        "write_subset": statistics.median(subset_times),
        "write_whole": statistics.median(whole_times),
        "part_pages": len(part) + 1,
        "subset_kb": sizes["subset"] / 1024,
        "whole_kb": sizes["whole"] / 1024,
        "remittance_ms": statistics.median(remittance) * 1000,
    }


SEED = """
import sys
sys.path.insert(0, {root!r})
from benchmarks.payment_pdf import build_run
build_run({url!r}, {payments})
"""

EXPORT = """
import json, sys
sys.path.insert(0, {root!r})


def high_water_mb():
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across exec, so a child would report
    # the benchmark's own peak; VmHWM belongs to this process's memory alone.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024


from benchmarks.payment_pdf import export_as_the_job_does
from portal.payments.models import PaymentRun
from tests.conftest import make_test_app
app = make_test_app({url!r})
with app.app_context():
    from portal.extensions import db
    run = db.session.execute(db.select(PaymentRun)).scalar_one()
    run_id, requested_by = run.id, run.created_by_id
    db.session.remove()
    before = high_water_mb()
    seconds, statements, pdf = export_as_the_job_does(run_id, requested_by)
    peak = high_water_mb()
print(json.dumps({{"before_mb": before, "peak_mb": peak, "bytes": len(pdf), "statements": statements}}))
"""


def peak_memory(payments: int) -> dict[str, float]:
    """Seed a run of `payments` in one process, then export it in a fresh one, as a worker would: the exporting
    process's peak resident memory (imports and loading the run included), in MB."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/memory.db"
        subprocess.run(
            [sys.executable, "-c", SEED.format(root=str(ROOT), url=url, payments=payments)],
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        result = subprocess.run(
            [sys.executable, "-c", EXPORT.format(root=str(ROOT), url=url)],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory-payments", type=int, default=5000)
    args = parser.parse_args()
    figures = measure(args.payments, args.repeat)
    print(f"payments: {args.payments}, schedule pages: {figures['pages']}, repeats: {args.repeat} (medians)")
    print(f"our schedule export, as the job runs it: {figures['ours']:.2f} s")
    print(f"bare WeasyPrint, plain single table:     {figures['bare']:.2f} s")
    print(f"SQL statements in one export:            {figures['statements']}")
    print(
        f"writing {figures['part_pages']} laid-out pages: subset fonts {figures['write_subset']:.2f} s "
        f"({figures['subset_kb']:.0f} KB), whole fonts {figures['write_whole']:.2f} s ({figures['whole_kb']:.0f} KB)"
    )
    print(f"remittance advice, warm:                 {figures['remittance_ms']:.0f} ms (bar <= 150 ms)")
    if args.memory_payments:
        memory = peak_memory(args.memory_payments)
        print(
            f"{args.memory_payments}-payment export in a fresh process: peak {memory['peak_mb']:.0f} MB "
            f"({memory['before_mb']:.0f} MB before rendering; bar < 500 MB), {memory['bytes'] / 1e6:.1f} MB of PDF, "
            f"{memory['statements']} SQL statements"
        )
    print(f"P4 ratio: {figures['ours'] / figures['bare']:.2f}")


if __name__ == "__main__":
    main()
