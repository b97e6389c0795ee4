"""The export and statement jobs read what a file needs in one short transaction, end it, then draw: nothing is drawn
while a transaction is open (on PostgreSQL with real commits, and through a real worker on Redis), and the SQL an
export makes does not grow with the number of payments."""

from __future__ import annotations

import ast
import csv
import io
import uuid
import zipfile
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
import weasyprint
from pypdf import PdfReader

from portal.common.email import OutboxMessage
from portal.domain.roles import Role
from portal.extensions import db
from portal.payments import exports
from portal.payments.models import ExportKind, Payment, PaymentExport
from tests.conftest import POSTGRES_ADMIN_URL, count_queries, postgres_app
from tests.factories import PotFactory, make_award, make_staff
from tests.integration.common.test_jobs import REDIS_URL, redis_or_fail, wait_for, worker
from tests.integration.payments.helpers import authorised_run, queued_export

PORTAL = Path(__file__).resolve().parents[3] / "portal"


def made(export_id: int) -> PaymentExport:
    export = db.session.get(PaymentExport, export_id)
    assert export is not None
    db.session.refresh(export)
    return export


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.parametrize("kind", exports.RUN_KINDS)
def test_an_export_makes_as_many_sql_statements_for_30_payments_as_for_3(db_session, kind):
    counts = {}
    for size in (3, 30):
        run, _, a, _ = authorised_run(size)
        export_id = queued_export(run, a, kind)
        db.session.expire_all()  # a worker starts with nothing loaded
        with count_queries() as statements:
            exports.make_export(export_id)
        assert made(export_id).status == "ready", made(export_id).error
        counts[size] = len(statements)
    assert counts[3] == counts[30], counts
    # Claim, read (the export, the run, its payments with their authorised details, the officers' names), progress
    # at fixed points, finish: a handful, whatever the size.
    assert counts[3] <= 12, counts


def test_a_pot_statement_makes_as_many_sql_statements_for_30_awards_as_for_3(db_session):
    officer, _ = make_staff(Role.FINANCE_OFFICER)
    counts = {}
    for size in (3, 30):
        pot = PotFactory()
        for i in range(size):
            make_award(pot, 1_000 + i, status="accepted")
        export = PaymentExport(pot_id=pot.id, kind="pot_statement", filename="p.pdf", requested_by_id=officer.id)
        db.session.add(export)
        db.session.commit()
        db.session.expire_all()
        with count_queries() as statements:
            exports.make_export(export.id)
        assert made(export.id).status == "ready", made(export.id).error
        counts[size] = len(statements)
    assert counts[3] == counts[30], counts


def test_sending_remittances_reads_the_run_once_and_draws_with_nothing_open(db_session, monkeypatch):
    run, cases, a, _ = authorised_run(3)
    drawn_inside = []
    real_write = weasyprint.Document.write_pdf

    def watched(document, *args, **kwargs):
        drawn_inside.append(db.session().in_transaction())
        return real_write(document, *args, **kwargs)

    monkeypatch.setattr(weasyprint.Document, "write_pdf", watched)
    db.session.expire_all()
    with count_queries() as statements:
        assert exports.send_remittances(run.id) == 3
    assert drawn_inside == [False, False, False]
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    # The run, its payments and the officers' names are read once; after that each email is a claim and an insert.
    assert len([s for s in reads if "FROM payments" in s and "JOIN" in s]) == 1


def test_payments_draw_only_through_the_pdf_module_and_never_import_weasyprint():
    found = []
    for path in sorted((PORTAL / "payments").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            found += [f"{path.relative_to(PORTAL)}: {name}" for name in names if name.split(".")[0] == "weasyprint"]
    assert found == []


# Real commit boundaries ---------------------------------------------------------------------------------------------


def open_transactions(database: str) -> int:
    """Sessions on the database (other than this one) that hold a transaction open right now."""
    admin = sa.create_engine(sa.make_url(POSTGRES_ADMIN_URL), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            return conn.execute(
                sa.text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid() AND backend_type = 'client backend' "
                    "AND xact_start IS NOT NULL"
                ),
                {"name": database},
            ).scalar_one()
    finally:
        admin.dispose()


def test_every_export_and_statement_job_draws_with_no_transaction_open_on_postgresql(monkeypatch):
    """Outside the per-test savepoint: each job commits for real, and PostgreSQL itself is asked, while each page is
    laid out and each PDF written, whether any session of the portal holds a transaction open."""
    with postgres_app("sparks_payments_commits") as app, app.app_context():
        database = db.engine.url.database
        seen: list[tuple[str, bool, int]] = []
        real_render, real_write = weasyprint.HTML.render, weasyprint.Document.write_pdf

        def watched_render(html, *args, **kwargs):
            seen.append(("layout", db.session().in_transaction(), open_transactions(database)))
            return real_render(html, *args, **kwargs)

        def watched_write(document, *args, **kwargs):
            seen.append(("write", db.session().in_transaction(), open_transactions(database)))
            return real_write(document, *args, **kwargs)

        monkeypatch.setattr(weasyprint.HTML, "render", watched_render)
        monkeypatch.setattr(weasyprint.Document, "write_pdf", watched_write)

        run, cases, a, b = authorised_run(2)
        results = {}
        for kind, full in ((ExportKind.SCHEDULE, True), (ExportKind.REMITTANCES, False), (ExportKind.CSV, True)):
            export_id = exports.request_export(run.id, a, kind, full_details=full).id  # the job runs after commit
            results[kind] = made(export_id)
        pot_id = cases[0].application.pot_id
        for kind in (ExportKind.POT_STATEMENT, ExportKind.POT_CSV):
            results[kind] = made(exports.request_pot_export(pot_id, a, kind).id)
        exports.email_remittances(run.id, a)

        assert {kind: export.status for kind, export in results.items()} == dict.fromkeys(results, "ready")
        assert all(export.run_hash == run.content_hash for export in results.values() if export.run_id)
        schedule = pdf_text(results[ExportKind.SCHEDULE].content)
        assert "30-94-30 00733440" in schedule and "Authorised by Faye Beta" in schedule
        archive = zipfile.ZipFile(io.BytesIO(results[ExportKind.REMITTANCES].content))
        assert len(archive.namelist()) == 2
        rows = list(csv.DictReader(io.StringIO(results[ExportKind.CSV].content.decode("utf-8-sig"))))
        assert sorted(row["account_number"] for row in rows) == ["00733440", "00733441"]
        assert cases[0].application.reference in pdf_text(results[ExportKind.POT_STATEMENT].content)
        sent = db.session.execute(sa.select(OutboxMessage.attachment_name)).scalars().all()
        assert sorted(n for n in sent if n) == sorted(f"remittance-{c.application.reference}.pdf" for c in cases)

        # Schedule (1 layout + 1 write), 2 remittances, the pot statement, 2 emailed remittances: each drawn with
        # nothing open in this session nor anywhere in the database.
        assert len(seen) == 2 + 2 * 2 + 2 + 2 * 2
        assert {(opened, elsewhere) for _, opened, elsewhere in seen} == {(False, 0)}
        db.session.remove()


def test_exports_and_remittances_are_made_by_a_real_worker_through_redis(tmp_path):
    """`flask jobs work` in its own process, on Redis and PostgreSQL, as production runs it: the worker refuses to
    draw inside a transaction (its configuration raises), so a file it makes was drawn with nothing held open."""
    redis_or_fail()
    queue = f"sparks-payments-{uuid.uuid4().hex[:8]}"
    settings = {"JOBS_BACKEND": "redis", "REDIS_URL": REDIS_URL, "JOBS_QUEUE_NAME": queue}
    with postgres_app("sparks_payments_worker", **settings) as app, app.app_context():
        try:
            run, cases, a, _ = authorised_run(2)
            run_hash = run.content_hash
            asked = {
                kind: exports.request_export(run.id, a, kind).id
                for kind in (ExportKind.SCHEDULE, ExportKind.REMITTANCES, ExportKind.CSV)
            }
            asked[ExportKind.POT_STATEMENT] = exports.request_pot_export(
                cases[0].application.pot_id, a, ExportKind.POT_STATEMENT
            ).id
            exports.email_remittances(run.id, a)
            assert {made(i).status for i in asked.values()} == {"queued"}  # nothing runs until the worker does
            db.session.remove()

            def finished():
                statuses = {kind: made(i).status for kind, i in asked.items()}
                emailed = db.session.execute(
                    sa.select(sa.func.count()).where(OutboxMessage.attachment_name.is_not(None))
                ).scalar_one()
                db.session.remove()
                return set(statuses.values()) <= {"ready", "failed"} and emailed == 2 and statuses

            env = {"DATABASE_URL": str(db.engine.url.render_as_string(hide_password=False)), **settings}
            with worker(env, tmp_path / "worker.log"):
                statuses = wait_for(finished, 120, "the worker to make every file and email each remittance")
            assert set(statuses.values()) == {"ready"}, (statuses, (tmp_path / "worker.log").read_text()[-3000:])
            schedule = made(asked[ExportKind.SCHEDULE])
            assert schedule.run_hash == run_hash and run_hash in pdf_text(schedule.content).replace(" ", "")
            assert made(asked[ExportKind.CSV]).content.decode("utf-8-sig").count("\r\n") == 3
            emailed = db.session.execute(
                sa.select(sa.func.count()).where(Payment.remittance_emailed_at.is_not(None))
            ).scalar_one()
            assert emailed == 2
            log = (tmp_path / "worker.log").read_text()
            assert "make_export" in log and "send_remittances" in log and "WorkInsideTransaction" not in log
        finally:
            db.session.remove()
            redis.Redis.from_url(REDIS_URL).delete(
                *[f"huey.{kind}.{queue.replace('-', '')}" for kind in ("redis", "schedule", "results", "counters")]
            )
