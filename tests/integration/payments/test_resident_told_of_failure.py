"""A resident is told when their payment fails (found on a new user's walk: nothing changed on "Your ideas" or in
their inbox, and the page still said "We will let you know when the money has gone")."""

from __future__ import annotations

import html

from portal.domain.roles import PaymentMethod
from portal.payments import runs, services
from tests.conftest import login_as, outbox
from tests.integration.payments.helpers import GOOD_BANK, accepted_award


def failed_payment(language: str = "en"):
    case = accepted_award(pence=12_000)
    case.application.language = language
    services.save_payee_details(case.application.id, case.resident, PaymentMethod.BANK_TRANSFER, bank=GOOD_BANK)
    run = runs.create_run(case.officer_a, [case.award.id])
    runs.authorise_run(run.id, case.officer_b)
    payment = run.payments[0]
    before = len(outbox(case.resident.email))
    services.record_failed(payment.id, case.officer_a, reason="The bank says the account is closed.")
    return case, before


def test_the_resident_is_emailed_and_their_payment_page_says_it_failed(client):
    case, before = failed_payment()
    mails = outbox(case.resident.email)
    assert len(mails) == before + 1
    mail = mails[-1]
    assert mail.subject == "We could not pay your award: Street party"
    assert "We tried to pay your award of £120 for Street party, but the payment did not go through." in mail.body
    assert "What our finance team said: The bank says the account is closed." in mail.body
    assert f"/ideas/{case.application.id}/payment-details" in mail.body
    login_as(client, case.resident)
    page = html.unescape(client.get(f"/ideas/{case.application.id}/payment-details").get_data(as_text=True))
    assert "but the payment did not go through." in page
    assert "What our finance team said: The bank says the account is closed." in page
    assert "We will let you know when the money has gone" not in page


def test_the_email_is_in_the_resident_s_language(db_session):
    case, before = failed_payment(language="cy")
    mail = outbox(case.resident.email)[-1]
    assert "Street party" in mail.subject and "We could not pay your award" not in mail.subject
    assert "What our finance team said" not in mail.body and "The bank says the account is closed." in mail.body


def test_a_new_payment_ends_the_warning(client):
    case, _ = failed_payment()
    run = runs.create_run(case.officer_a, [case.award.id])
    assert run.payments[0].status == "prepared"
    assert services.last_failed_payment(case.award.id) is None
    login_as(client, case.resident)
    page = client.get(f"/ideas/{case.application.id}/payment-details").get_data(as_text=True)
    assert "did not go through" not in page and "We will let you know when the money has gone" in page
