"""R1 on PostgreSQL with real concurrent sessions: 20 officers preparing one award's payment at once make one
payment, and 20 recording it paid at once record it once."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tests.conftest import postgres_app as running_on_postgres
from tests.integration.panels.test_races import at_once

ATTEMPTS = 20


@pytest.fixture
def postgres_app():
    with running_on_postgres("sparks_pay", pool_size=ATTEMPTS + 4) as app:
        yield app


def set_up(app):
    """An accepted award with bank details, and 20 finance officers."""
    from portal.domain.roles import PaymentMethod, Role
    from portal.payments.services import save_payee_details
    from tests.factories import make_staff
    from tests.integration.payments.helpers import GOOD_BANK, accepted_award

    with app.app_context():
        case = accepted_award()
        save_payee_details(case.application.id, case.resident, PaymentMethod.BANK_TRANSFER, bank=GOOD_BANK)
        officers = [make_staff(Role.FINANCE_OFFICER)[0].id for _ in range(ATTEMPTS)]
        return case.award.id, officers


def officer(user_id):
    from portal.accounts.models import User
    from portal.extensions import db

    return db.session.get(User, user_id)


def payments(app, award_id):
    from portal.extensions import db
    from portal.payments.models import Payment

    with app.app_context():
        rows = db.session.execute(sa.select(Payment.status).where(Payment.award_id == award_id)).scalars().all()
        db.session.remove()
        return rows


def test_twenty_officers_preparing_one_award_at_once_make_exactly_one_payment(postgres_app):
    from portal.payments.services import prepare_payment

    award_id, officers = set_up(postgres_app)
    outcomes = at_once(postgres_app, [lambda o=o: prepare_payment(award_id, officer(o)) for o in officers])
    assert sorted(outcomes) == ["done"] + ["not_due"] * (ATTEMPTS - 1)
    assert payments(postgres_app, award_id) == ["prepared"]


def test_twenty_officers_recording_one_payment_paid_at_once_record_it_once(postgres_app):
    from portal.payments.services import authorise_payment, prepare_payment, record_paid

    award_id, officers = set_up(postgres_app)
    with postgres_app.app_context():
        payment = prepare_payment(award_id, officer(officers[0]))
        authorise_payment(payment.id, officer(officers[1]))
        payment_id = payment.id
    calls = [
        lambda o=o: record_paid(payment_id, officer(o), paid_on=date.today(), finance_reference=f"REF-{o}")
        for o in officers
    ]
    assert at_once(postgres_app, calls) == ["done"] * ATTEMPTS  # a retry is harmless
    from portal.common.audit import AuditEvent
    from portal.extensions import db

    with postgres_app.app_context():
        paid_events = db.session.execute(
            sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "payment.paid")
        ).scalar()
        db.session.remove()
    assert paid_events == 1
    assert payments(postgres_app, award_id) == ["paid"]
