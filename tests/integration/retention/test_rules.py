"""Data kept only as long as needed: the nightly run removes what each retention rule says has been kept long enough
(contact details of ideas not funded, bank details of payments made, the words and photos of stories only the
programme may see, sign-in records), keeps what must stay, and the audit log counts each kind, never whose."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal.accounts.models import SignInToken
from portal.applications.models import Application
from portal.common.audit import AuditEvent
from portal.common.time import utcnow
from portal.domain.retention import DEFAULTS, Rules
from portal.extensions import db
from portal.payments.models import PayeeDetails, Payment
from portal.retention.rules import apply_retention, current_rules, save_rules
from portal.stories.models import Story
from tests.factories import PotFactory, UserFactory
from tests.integration.stories.helpers import paid_award

pytestmark = pytest.mark.usefixtures("db_session")

LATER = timedelta(days=400)  # past every default rule but stories' three years


def an_idea(status: str, *, days_ago: int = 0, **answers) -> Application:
    idea = Application(
        pot_id=PotFactory().id,
        applicant_id=UserFactory().id,
        status=status,
        contact_name="Rosa Parks",
        contact_phone_encrypted="sealed",
        updated_at=utcnow() - timedelta(days=days_ago),
        **answers,
    )
    db.session.add(idea)
    db.session.commit()
    return idea


def test_the_defaults_hold_until_an_officer_changes_them():
    assert current_rules() == DEFAULTS
    officer = UserFactory()
    save_rules(officer.id, Rules(not_funded_months=6, bank_details_months=3, private_story_months=24, sign_in_months=1))
    assert current_rules().not_funded_months == 6 and current_rules().sign_in_months == 1
    event = db.session.execute(sa.select(AuditEvent).where(AuditEvent.action == "retention.rules_changed")).scalar_one()
    assert event.actor_id == officer.id


def test_contact_details_of_ideas_not_funded_go_after_their_time_and_others_stay():
    old_not_yet = an_idea("not_yet", days_ago=400, idea_name="Tea dance")
    old_withdrawn = an_idea("withdrawn", days_ago=400)
    recent_not_yet = an_idea("not_yet", days_ago=30)
    old_funded = an_idea("approved", days_ago=400)
    removed = apply_retention()
    assert removed["ideas_not_funded"] == 2
    for idea in (old_not_yet, old_withdrawn):
        db.session.refresh(idea)
        assert (idea.contact_name, idea.contact_phone_encrypted) == (None, None)
        assert idea.personal_details_removed_at is not None
    assert old_not_yet.idea_name == "Tea dance"  # the idea itself stays, for the programme's learning
    for idea in (recent_not_yet, old_funded):
        db.session.refresh(idea)
        assert idea.contact_name == "Rosa Parks" and idea.personal_details_removed_at is None
    assert apply_retention()["ideas_not_funded"] == 0  # nothing counted twice


def test_bank_details_go_once_the_payment_is_old_enough_and_the_finance_record_stays():
    case = paid_award()  # paid on 20 November 2026
    payee = db.session.execute(sa.select(PayeeDetails)).scalar_one()
    assert apply_retention(now=utcnow())["bank_details"] == 0  # paid less than six months ago
    months_on = utcnow().replace(year=2027, month=6, day=1)
    assert apply_retention(now=months_on)["bank_details"] == 1
    db.session.refresh(payee)
    assert (payee.account_name, payee.sort_code, payee.account_number) == (None, None, None)
    assert payee.account_number_last2 is not None and payee.removed_at is not None  # the masked record
    payment = db.session.execute(sa.select(Payment).where(Payment.award_id == case.award.id)).scalar_one()
    assert (payment.finance_reference, payment.paid_on, payment.amount_pence) == ("FIN-1", date(2026, 11, 20), 20000)
    assert apply_retention(now=months_on)["bank_details"] == 0


def test_the_words_of_a_story_only_the_programme_sees_go_and_its_counts_stay():
    idea = an_idea("approved")
    private = Story(
        application_id=idea.id,
        status="sent",
        consent="programme",
        what_happened="We met my neighbour Joan every week.",
        first_name="Rosa",
        people_count=12,
        way_connect=True,
        updated_at=utcnow() - timedelta(days=40 * 30),
    )
    public_idea = an_idea("approved")
    public = Story(
        application_id=public_idea.id,
        status="published",
        consent="public_named",
        what_happened="A party.",
        updated_at=utcnow() - timedelta(days=40 * 30),
    )
    db.session.add_all([private, public])
    db.session.commit()
    assert apply_retention()["private_stories"] == 1
    db.session.refresh(private)
    db.session.refresh(public)
    assert (private.what_happened, private.first_name) == (None, None) and private.words_removed_at is not None
    assert (private.people_count, private.way_connect) == (12, True)
    assert public.what_happened == "A party."  # shared with everyone, as the resident chose


def test_old_sign_in_records_go():
    old = SignInToken(
        email="a@example.org",
        token_hash="a" * 64,
        code_hash="b" * 64,
        created_at=utcnow() - LATER,
        expires_at=utcnow() - LATER,
    )
    new = SignInToken(email="b@example.org", token_hash="c" * 64, code_hash="d" * 64, expires_at=utcnow())
    db.session.add_all([old, new])
    db.session.commit()
    assert apply_retention()["sign_in_records"] == 1
    assert db.session.execute(sa.select(SignInToken.email)).scalars().all() == ["b@example.org"]


def test_the_audit_log_counts_each_kind_and_names_nobody():
    an_idea("not_yet", days_ago=400)
    apply_retention()
    event = db.session.execute(sa.select(AuditEvent).where(AuditEvent.action == "retention.applied")).scalar_one()
    details = json.loads(event.details)
    assert details == {
        "ideas_not_funded": 1,
        "bank_details": 0,
        "private_stories": 0,
        "sign_in_records": 0,
        "copies_of_residents_data": 0,
    }
    assert (event.actor_id, event.object_type, event.object_id) == (None, "retention", "nightly")
