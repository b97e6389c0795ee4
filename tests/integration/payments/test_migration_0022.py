"""Migration 0022 keeps the version of payee details each award is at now whole (its ciphertext copied as it is), and
can be taken back; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade, upgrade

from portal.domain.roles import PaymentMethod
from portal.extensions import db
from portal.payments import services
from portal.payments.models import PayeeDetailChange, PayeeDetails
from tests.conftest import make_test_app, migrate_to_head, postgres_app
from tests.integration.payments.helpers import GOOD_BANK, accepted_award


@contextmanager
def sqlite_app(tmp_path) -> Iterator[Flask]:
    app = make_test_app(f"sqlite:///{tmp_path / 'migrate.db'}")
    migrate_to_head(app)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_the_current_version_of_each_awards_payee_details_is_kept_whole_by_the_migration(tmp_path, database):
    place = sqlite_app(tmp_path) if database == "sqlite" else postgres_app("sparks_payments_0022")
    with place as app, app.app_context():
        case = accepted_award()
        services.save_payee_details(case.application.id, case.resident, PaymentMethod.BANK_TRANSFER, bank=GOOD_BANK)
        moved = services.BankDetails("Rosa Resident", "20-00-00", "11223344")
        services.save_payee_details(case.application.id, case.resident, PaymentMethod.BANK_TRANSFER, bank=moved)
        stored = db.session.execute(sa.text("SELECT account_number FROM payee_details")).scalar_one()
        db.session.remove()

        downgrade(revision="0021")  # as the database was before: one row of details, changes without contents
        with db.engine.connect() as conn:
            columns = {c["name"] for c in sa.inspect(conn).get_columns("payee_detail_changes")}
        assert "account_number" not in columns
        upgrade()

        versions = {v.version: v for v in db.session.execute(sa.select(PayeeDetailChange)).scalars()}
        details = db.session.execute(sa.select(PayeeDetails)).scalar_one()
        assert details.version == 2
        assert versions[2].account_number.reveal() == "11223344" and versions[2].sort_code.reveal() == "200000"
        assert versions[2].method == "bank_transfer" and versions[2].account_number_last2 == "44"
        copied = db.session.execute(
            sa.text("SELECT account_number FROM payee_detail_changes WHERE version = 2")
        ).scalar_one()
        assert copied == stored  # the ciphertext, copied as it is: nothing decrypted on the way
        assert versions[1].method is None and versions[1].account_number is None  # overwritten before 0022
        db.session.remove()
