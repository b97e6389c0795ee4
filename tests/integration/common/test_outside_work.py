"""Drawing a PDF and calling the file store refuse to run while the database session holds a transaction open."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest
import sqlalchemy as sa
from jinja2 import ChoiceLoader, DictLoader

from portal.common.pdf import draw_pdf, render_pdf
from portal.common.storage import get_storage
from portal.common.transactions import WorkInsideTransaction, finish_reading, transactional
from portal.extensions import db
from portal.programme.models import Neighbourhood
from tests.factories import NeighbourhoodFactory


def test_the_guard_is_on_in_the_test_configuration(app):
    assert app.config["OUTSIDE_WORK_IN_TRANSACTION"] == "raise"


def test_a_pdf_is_not_drawn_while_a_transaction_is_open(db_session):
    db.session.execute(sa.select(Neighbourhood.id)).all()  # reading opens a transaction
    with pytest.raises(WorkInsideTransaction, match="drawing a PDF"):
        draw_pdf("<p>hello</p>")
    finish_reading()
    assert draw_pdf("<p>hello</p>").startswith(b"%PDF")


def test_a_template_that_reaches_into_the_database_is_caught(app, db_session, monkeypatch):
    monkeypatch.setattr(
        app.jinja_env,
        "loader",
        ChoiceLoader([DictLoader({"pdf/guard.html": "<p>{{ n.name }}</p>"}), app.jinja_env.loader]),
    )
    neighbourhood = NeighbourhoodFactory(name="Seacroft")  # the factory commits
    assert not db.session().in_transaction()
    # The object expired at commit: reading its name in the template loads it again, opening a transaction.
    with pytest.raises(WorkInsideTransaction, match="the template loaded rows"):
        render_pdf("pdf/guard.html", n=neighbourhood)
    finish_reading()
    assert render_pdf("pdf/guard.html", n={"name": "Seacroft"}).startswith(b"%PDF")


def test_the_file_store_is_not_called_while_a_transaction_is_open(db_session):
    store = get_storage()
    db.session.execute(sa.select(Neighbourhood.id)).all()
    for call in (
        lambda: store.put("guard/a.txt", b"a", "text/plain"),
        lambda: store.get("guard/a.txt"),
        lambda: store.exists("guard/a.txt"),
        lambda: store.delete("guard/a.txt"),
    ):
        with pytest.raises(WorkInsideTransaction, match="file"):
            call()
    finish_reading()
    store.put("guard/a.txt", b"a", "text/plain")
    assert store.get("guard/a.txt") == b"a"
    store.delete("guard/a.txt")


def test_a_stand_in_store_is_guarded_too(app, db_session, monkeypatch):
    calls = []

    class StandIn:
        def put(self, key, data, content_type):
            calls.append(key)

    monkeypatch.setitem(app.extensions, "storage", StandIn())
    db.session.execute(sa.select(Neighbourhood.id)).all()
    with pytest.raises(WorkInsideTransaction):
        get_storage().put("guard/b.txt", b"b", "text/plain")
    assert calls == []


def test_finish_reading_refuses_inside_a_unit_of_work_or_with_changes_pending(db_session):
    @transactional
    def inside() -> None:
        finish_reading()

    with pytest.raises(RuntimeError, match="unit of work"):
        inside()
    db.session.add(Neighbourhood(name="Harehills", slug="harehills", description="", host_organisation="Hub"))
    with pytest.raises(RuntimeError, match="not committed"):
        finish_reading()


def test_in_production_the_fault_is_logged_and_the_work_goes_on(app, db_session, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "OUTSIDE_WORK_IN_TRANSACTION", "log")
    db.session.execute(sa.select(Neighbourhood.id)).all()
    with caplog.at_level(logging.ERROR):
        assert draw_pdf("<p>hello</p>").startswith(b"%PDF")
    assert "drawing a PDF while a database transaction is open" in caplog.text


def test_only_the_pdf_module_draws_pdfs_and_only_the_storage_module_talks_to_the_file_store():
    portal = Path(__file__).resolve().parents[3] / "portal"
    offenders = []
    for path in portal.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                if name.split(".")[0] == "weasyprint" and path != portal / "common" / "pdf.py":
                    offenders.append(f"{path.relative_to(portal)} imports {name}")
                if name.split(".")[0] in ("boto3", "botocore") and path != portal / "common" / "storage.py":
                    offenders.append(f"{path.relative_to(portal)} imports {name}")
    assert offenders == [], "draw PDFs through portal/common/pdf.py and store files through portal/common/storage.py"
