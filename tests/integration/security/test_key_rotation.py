"""Rotating the encryption key: `flask keys rotate` encrypts every secret at rest again with the new first key, so
the old key can be removed and bank details and authenticator keys still open."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from portal.accounts.models import User
from portal.common.audit import AuditEvent
from portal.common.crypto import InvalidToken, decrypt
from portal.common.keys import secret_columns
from portal.domain.roles import PaymentMethod, Role
from portal.extensions import db
from portal.payments import services
from portal.payments.models import PayeeDetails
from tests.factories import make_staff
from tests.integration.payments.helpers import GOOD_BANK, accepted_award


def raw_tokens():
    row = db.session.execute(sa.text("SELECT account_name, sort_code, account_number FROM payee_details")).one()
    return tuple(row)


@pytest.fixture
def secrets_under_the_old_key(app, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "ENCRYPTION_KEY", app.config["ENCRYPTION_KEY"])  # put back after the test
    case = accepted_award()
    services.save_payee_details(case.application.id, case.resident, PaymentMethod.BANK_TRANSFER, bank=GOOD_BANK)
    staff, totp = make_staff(Role.FINANCE_OFFICER)
    return case, staff, totp


def test_every_secret_column_is_found_from_the_models(app):
    names = {f"{column.table.name}.{column.name}" for column in secret_columns()}
    assert {
        "users.totp_secret_encrypted",
        "applications.contact_phone_encrypted",
        "payee_details.account_number",
        "payee_details.sort_code",
        "payee_details.arrangement",
    } <= names


def test_after_rotation_the_old_key_can_be_removed(app, secrets_under_the_old_key):
    case, staff, totp = secrets_under_the_old_key
    old_key = app.config["ENCRYPTION_KEY"].split(",")[0]
    new_key = Fernet.generate_key().decode()
    before = raw_tokens()

    app.config["ENCRYPTION_KEY"] = new_key
    with pytest.raises(InvalidToken):  # the new key alone cannot read what the old one wrote
        decrypt(before[2])

    app.config["ENCRYPTION_KEY"] = f"{new_key},{old_key}"
    result = app.test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    assert "payee_details.account_number: 1 encrypted again" in result.output
    assert "00733445" not in result.output

    app.config["ENCRYPTION_KEY"] = new_key  # the old key is gone
    db.session.expire_all()
    after = raw_tokens()
    assert all(a != b for a, b in zip(after, before, strict=True))
    details = db.session.execute(sa.select(PayeeDetails)).scalar_one()
    assert (details.account_name.reveal(), details.account_number.reveal()) == ("Rosa Resident", "00733445")
    stored = db.session.get(User, staff.id).totp_secret_encrypted
    assert decrypt(stored) == totp.secret
    event = db.session.execute(sa.select(AuditEvent).where(AuditEvent.action == "keys.rotated")).scalar_one()
    assert "00733445" not in event.details


def test_a_secret_made_with_a_key_no_longer_configured_stops_the_rotation_with_a_plain_message(
    app, secrets_under_the_old_key
):
    before = raw_tokens()
    app.config["ENCRYPTION_KEY"] = Fernet.generate_key().decode()
    result = app.test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code == 1
    assert "Put the old key back" in result.output and "Traceback" not in result.output
    db.session.rollback()
    assert raw_tokens() == before
