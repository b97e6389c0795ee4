"""Paying an award through the services: payee details kept secret, and each step of a payment by the right person."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal.common import audit
from portal.common.audit import AuditEvent
from portal.domain.payments import BankDetailsProblem, ConfirmationOfPayee, PaymentRefused, SegregationOfDuties
from portal.domain.roles import PaymentMethod, Role
from portal.extensions import db
from portal.payments import services, work
from portal.payments.models import PayeeDetails, Payment
from tests.factories import UserFactory, make_staff
from tests.integration.payments.helpers import GOOD_BANK, accepted_award


def give_bank_details(case, bank=GOOD_BANK):
    return services.save_payee_details(case.application.id, case.resident, PaymentMethod.BANK_TRANSFER, bank=bank)


def refused(rule, call, *args, **kwargs):
    with pytest.raises(PaymentRefused) as raised:
        call(*args, **kwargs)
    assert raised.value.rule == rule


# Payee details ----------------------------------------------------------------------------------------------------


def test_bank_details_are_encrypted_at_rest_and_masked_when_shown(db_session):
    case = accepted_award()
    give_bank_details(case)
    raw = db.session.execute(
        sa.text("SELECT account_name, sort_code, account_number, account_number_last2 FROM payee_details")
    ).one()
    assert "00733445" not in str(raw) and "309430" not in str(raw) and "Rosa" not in str(raw)
    assert raw.account_number_last2 == "45"
    shown = services.show_details(services.payee_details_for(case.award.id))
    assert (shown.account_number, shown.sort_code, shown.full) == ("••••••45", "••-••-••", False)
    details = services.payee_details_for(case.award.id)
    assert "00733445" not in repr(details.account_number) and "00733445" not in str(details.account_number)


def test_a_full_view_of_bank_details_is_for_finance_and_audited(db_session):
    case = accepted_award()
    give_bank_details(case)
    refused("finance_only", services.reveal_details, case.award.id, case.resident)
    shown = services.reveal_details(case.award.id, case.officer_a)
    assert (shown.account_name, shown.sort_code, shown.account_number) == ("Rosa Resident", "30-94-30", "00733445")
    event = db.session.execute(sa.select(AuditEvent).where(AuditEvent.action == "payee.details_viewed")).scalar_one()
    assert event.actor_id == case.officer_a.id and "00733445" not in event.details


@pytest.mark.parametrize(
    ("bank", "field", "rule"),
    [
        (GOOD_BANK.__class__("", "309430", "00733445"), "account_name", "missing"),
        (GOOD_BANK.__class__("Rosa", "", "00733445"), "sort_code", "missing"),
        (GOOD_BANK.__class__("Rosa", "30943", "00733445"), "sort_code", "format"),
        (GOOD_BANK.__class__("Rosa", "30 94 3O", "00733445"), "sort_code", "format"),
        (GOOD_BANK.__class__("Rosa", "309430", "12345"), "account_number", "length"),
        (GOOD_BANK.__class__("Rosa", "309430", "123456789"), "account_number", "length"),
        (GOOD_BANK.__class__("Rosa", "309430", "1234567a"), "account_number", "format"),
        (GOOD_BANK.__class__("Rosa", "309430", "00733445", "x" * 19), "roll_number", "length"),
        (GOOD_BANK.__class__("Rosa", "309430", "00733445", "AB*12"), "roll_number", "format"),
    ],
)
def test_bank_details_that_cannot_be_right_are_refused_by_field(db_session, bank, field, rule):
    case = accepted_award()
    with pytest.raises(BankDetailsProblem) as problem:
        give_bank_details(case, bank)
    assert (problem.value.field, problem.value.rule) == (field, rule)
    assert services.payee_details_for(case.award.id) is None


def test_a_sort_code_and_account_number_are_read_as_people_type_them(db_session):
    case = accepted_award()
    give_bank_details(case, GOOD_BANK.__class__("Rosa Resident", "30 94 30", "0073 3445", "RN-12/3.4"))
    shown = services.reveal_details(case.award.id, case.officer_a)
    assert (shown.sort_code, shown.account_number, shown.roll_number) == ("30-94-30", "00733445", "RN-12/3.4")


def test_only_the_resident_or_their_builder_with_an_agreement_gives_details(db_session):
    builder, _ = make_staff(Role.COMMUNITY_BUILDER)
    case = accepted_award(builder=builder)
    stranger = UserFactory()
    refused(
        "not_the_applicant",
        services.save_payee_details,
        case.application.id,
        stranger,
        PaymentMethod.BANK_TRANSFER,
        bank=GOOD_BANK,
    )
    refused(
        "agreement_needed",
        services.save_payee_details,
        case.application.id,
        builder,
        PaymentMethod.BANK_TRANSFER,
        bank=GOOD_BANK,
    )
    details = services.save_payee_details(
        case.application.id, builder, PaymentMethod.BANK_TRANSFER, bank=GOOD_BANK, agreed_on=date.today()
    )
    assert (details.agreement, details.agreed_on) == ("spoken", date.today())


def test_only_the_ways_the_pot_offers_can_be_chosen(db_session):
    case = accepted_award(methods=["host_organisation"])
    refused("method_not_offered", give_bank_details, case)
    details = services.save_payee_details(case.application.id, case.resident, PaymentMethod.PAID_TO_HOST_ORGANISATION)
    assert details.account_number is None and details.method == "host_organisation"


def test_another_way_keeps_what_the_resident_asked_for_encrypted(db_session):
    case = accepted_award()
    services.save_payee_details(
        case.application.id, case.resident, PaymentMethod.OTHER_ARRANGEMENT, arrangement="A prepaid card, please"
    )
    assert "prepaid" not in str(db.session.execute(sa.text("SELECT arrangement FROM payee_details")).scalar())
    assert services.show_details(services.payee_details_for(case.award.id)).arrangement == "A prepaid card, please"


# Payments and segregation of duties ---------------------------------------------------------------------------------


def test_a_full_payment_cycle_by_two_officers_is_audited_and_the_chain_holds(db_session):
    case = accepted_award()
    give_bank_details(case)
    payment = services.prepare_payment(case.award.id, case.officer_a)
    assert (payment.amount_pence, payment.method, payment.status) == (20_000, "bank_transfer", "prepared")
    services.authorise_payment(payment.id, case.officer_b)
    services.record_paid(payment.id, case.officer_a, paid_on=date.today(), finance_reference="BACS-0042")
    db.session.refresh(case.award)
    db.session.refresh(payment)
    assert (payment.status, payment.finance_reference, case.award.status) == ("paid", "BACS-0042", "paid")
    query = sa.select(AuditEvent.action).where(AuditEvent.action.like("payment.%")).order_by(AuditEvent.id)
    actions = db.session.execute(query).scalars()
    assert list(actions) == ["payment.prepared", "payment.authorised", "payment.paid"]
    assert audit.verify() == []


def test_whoever_decided_the_award_cannot_prepare_or_authorise_its_payment(db_session):
    case = accepted_award()
    give_bank_details(case)
    case.chair.role_rows.append(type(case.officer_a.role_rows[0])(role=Role.FINANCE_OFFICER))
    db.session.commit()
    with pytest.raises(SegregationOfDuties) as refusal:
        services.prepare_payment(case.award.id, case.chair)
    assert refusal.value.rule == "decided_the_award"
    payment = services.prepare_payment(case.award.id, case.officer_a)
    with pytest.raises(SegregationOfDuties) as refusal:
        services.authorise_payment(payment.id, case.chair)
    assert refusal.value.rule == "decided_the_award"


def test_whoever_prepared_a_payment_cannot_authorise_it(db_session):
    case = accepted_award()
    give_bank_details(case)
    payment = services.prepare_payment(case.award.id, case.officer_a)
    with pytest.raises(SegregationOfDuties) as refusal:
        services.authorise_payment(payment.id, case.officer_a)
    assert refusal.value.rule == "prepared_the_payment"
    db.session.refresh(payment)
    assert payment.status == "prepared"


def test_whoever_entered_or_changed_the_bank_details_cannot_authorise_a_payment_to_them(db_session):
    builder, _ = make_staff(Role.COMMUNITY_BUILDER, Role.FINANCE_OFFICER)
    case = accepted_award(builder=builder)
    give_bank_details(case)
    services.save_payee_details(
        case.application.id, builder, PaymentMethod.BANK_TRANSFER, bank=GOOD_BANK, agreed_on=date.today()
    )
    payment = services.prepare_payment(case.award.id, case.officer_a)
    with pytest.raises(SegregationOfDuties) as refusal:
        services.authorise_payment(payment.id, builder)
    assert refusal.value.rule == "entered_the_details"


def test_a_no_match_from_confirmation_of_payee_blocks_authorisation(db_session):
    case = accepted_award()
    give_bank_details(case)
    payment = services.prepare_payment(case.award.id, case.officer_a)
    services.record_confirmation_of_payee(case.award.id, case.officer_a, ConfirmationOfPayee.NO_MATCH)
    refused("payee_not_confirmed", services.authorise_payment, payment.id, case.officer_b)
    services.record_confirmation_of_payee(case.award.id, case.officer_a, ConfirmationOfPayee.CLOSE_MATCH)
    assert services.authorise_payment(payment.id, case.officer_b).status == "authorised"


def test_only_finance_officers_prepare_authorise_and_record(db_session):
    case = accepted_award()
    give_bank_details(case)
    programme, _ = make_staff(Role.PROGRAMME_OFFICER)
    refused("finance_only", services.prepare_payment, case.award.id, programme)
    payment = services.prepare_payment(case.award.id, case.officer_a)
    refused("finance_only", services.authorise_payment, payment.id, programme)


def test_a_change_of_bank_details_after_authorisation_withdraws_it(db_session):
    case = accepted_award()
    give_bank_details(case)
    payment = services.prepare_payment(case.award.id, case.officer_a)
    services.authorise_payment(payment.id, case.officer_b)
    give_bank_details(case, GOOD_BANK.__class__("Rosa Resident", "20-00-00", "55779911"))
    db.session.refresh(payment)
    db.session.refresh(case.award)
    assert (payment.status, payment.authorised_by_id, case.award.status) == ("prepared", None, "payment_prepared")
    refused(
        "not_authorised", services.record_paid, payment.id, case.officer_a, paid_on=date.today(), finance_reference="X"
    )
    assert services.authorise_payment(payment.id, case.officer_b).status == "authorised"


def test_a_failed_payment_makes_the_award_due_again_and_a_new_payment_can_be_made(db_session):
    case = accepted_award()
    give_bank_details(case)
    payment = services.prepare_payment(case.award.id, case.officer_a)
    services.authorise_payment(payment.id, case.officer_b)
    services.record_failed(payment.id, case.officer_a, reason="The account is closed")
    db.session.refresh(case.award)
    assert case.award.status == "accepted"
    again = services.prepare_payment(case.award.id, case.officer_a)
    assert again.id != payment.id
    assert [p.status for p in work.payment_history(case.award.id)] == ["failed", "prepared"]


def test_an_award_cannot_be_prepared_twice_and_recording_paid_twice_changes_nothing(db_session):
    case = accepted_award()
    give_bank_details(case)
    payment = services.prepare_payment(case.award.id, case.officer_a)
    refused("not_due", services.prepare_payment, case.award.id, case.officer_b)
    services.authorise_payment(payment.id, case.officer_b)
    paid_on = date.today() - timedelta(days=1)
    services.record_paid(payment.id, case.officer_a, paid_on=paid_on, finance_reference="R1")
    services.record_paid(payment.id, case.officer_b, paid_on=date.today(), finance_reference="R2")
    db.session.refresh(payment)
    assert (payment.paid_on, payment.finance_reference) == (paid_on, "R1")
    assert db.session.execute(sa.select(sa.func.count(Payment.id))).scalar() == 1


def test_the_database_refuses_a_second_live_payment_for_an_award(db_session):
    case = accepted_award()
    give_bank_details(case)
    payment = services.prepare_payment(case.award.id, case.officer_a)
    db.session.execute(sa.text("SAVEPOINT second"))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(
            sa.insert(Payment).values(
                award_id=case.award.id,
                amount_pence=payment.amount_pence,
                method="bank_transfer",
                payee_details_version=1,
                status="prepared",
                prepared_by_id=case.officer_b.id,
                prepared_at=payment.prepared_at,
            )
        )
    db.session.execute(sa.text("ROLLBACK TO SAVEPOINT second"))


def test_payee_details_are_never_written_to_the_audit_log(db_session):
    case = accepted_award()
    give_bank_details(case)
    services.reveal_details(case.award.id, case.officer_a)
    everything = " ".join(db.session.execute(sa.select(AuditEvent.details)).scalars())
    assert "00733445" not in everything and "309430" not in everything and "Rosa Resident" not in everything


def test_no_details_no_payment(db_session):
    case = accepted_award()
    refused("no_details", services.prepare_payment, case.award.id, case.officer_a)
    assert db.session.execute(sa.select(PayeeDetails)).first() is None
