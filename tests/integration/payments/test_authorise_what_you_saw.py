"""An officer authorises what their page showed them: if a payee's details change while the page is open, pressing
"Authorise" is refused and nothing is authorised, so no authorisation is ever given to details nobody looked at."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa

from portal.domain.roles import PaymentMethod
from portal.extensions import db
from portal.payments import runs, services
from portal.payments.models import Payment, PaymentRun
from portal.payments.services import BankDetails
from tests.conftest import ATTRIBUTE_RE, INPUT_RE, login_as
from tests.integration.payments.helpers import GOOD_BANK, accepted_award

NEW_BANK = BankDetails(account_name="Rosa Resident", sort_code="20-00-00", account_number="55779911")


def fields_of_the_form(client, page_url: str, action: str) -> dict[str, str]:
    """The hidden fields of the form that posts to action, as the page gave them when the officer opened it."""
    page = client.get(page_url).get_data(as_text=True)
    form = re.search(r'<form[^>]*action="' + re.escape(action) + r'"[^>]*>(.*?)</form>', page, re.S)
    assert form, f"no form posting to {action}"
    fields = {}
    for tag in INPUT_RE.findall(form.group(1)):
        attributes = dict(ATTRIBUTE_RE.findall(tag))
        if attributes.get("type") == "hidden":
            fields[attributes["name"]] = html.unescape(attributes.get("value", ""))
    return fields


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_a_run_whose_payees_details_change_while_the_page_is_open_is_not_authorised(client):
    cases = [accepted_award(pence=10_000 + i) for i in range(2)]
    for case in cases:
        services.save_payee_details(case.application.id, case.resident, PaymentMethod.BANK_TRANSFER, bank=GOOD_BANK)
    a, b = cases[0].officer_a, cases[0].officer_b
    run = runs.create_run(a, [case.award.id for case in cases])
    run_url = f"/finance/runs/{run.id}"
    login_as(client, b)
    shown = fields_of_the_form(client, run_url, f"{run_url}/authorise")  # b opens the run
    # Meanwhile the resident gives new bank details.
    services.save_payee_details(cases[1].application.id, cases[1].resident, PaymentMethod.BANK_TRANSFER, bank=NEW_BANK)
    response = client.post(f"{run_url}/authorise", data=shown)
    assert response.headers["Location"] == run_url
    page = text(client.get(run_url))
    assert "The run changed while you were looking at it" in page and "There is a problem" in page
    assert db.session.get(PaymentRun, run.id).status == "open"
    assert db.session.execute(sa.select(Payment.status)).scalars().all() == ["prepared", "prepared"]
    # Looking again, b sees the run as it is and authorises that: the new details' version.
    again = fields_of_the_form(client, run_url, f"{run_url}/authorise")
    assert again["seen"] != shown["seen"]
    client.post(f"{run_url}/authorise", data=again)
    db.session.expire_all()
    assert db.session.get(PaymentRun, run.id).status == "authorised"
    versions = dict(db.session.execute(sa.select(Payment.award_id, Payment.payee_details_version)).all())
    assert versions == {cases[0].award.id: 1, cases[1].award.id: 2}


def test_a_forged_authorisation_without_what_the_page_showed_is_refused(client):
    case = accepted_award()
    services.save_payee_details(case.application.id, case.resident, PaymentMethod.BANK_TRANSFER, bank=GOOD_BANK)
    run = runs.create_run(case.officer_a, [case.award.id])
    run_url = f"/finance/runs/{run.id}"
    login_as(client, case.officer_b)
    shown = fields_of_the_form(client, run_url, f"{run_url}/authorise")
    client.post(f"{run_url}/authorise", data={"csrf_token": shown["csrf_token"]})
    assert db.session.get(PaymentRun, run.id).status == "open"


def test_a_payment_whose_payees_details_change_while_the_page_is_open_is_not_authorised(client):
    case = accepted_award()
    services.save_payee_details(case.application.id, case.resident, PaymentMethod.BANK_TRANSFER, bank=GOOD_BANK)
    payment = services.prepare_payment(case.award.id, case.officer_a)
    award_url = f"/finance/awards/{case.award.id}"
    login_as(client, case.officer_b)
    shown = fields_of_the_form(client, award_url, f"{award_url}/authorise")
    assert shown["details_version"] == "1"
    services.save_payee_details(case.application.id, case.resident, PaymentMethod.BANK_TRANSFER, bank=NEW_BANK)
    client.post(f"{award_url}/authorise", data=shown)
    page = text(client.get(award_url))
    assert "The payee's details changed while you were looking at them" in page
    assert db.session.get(Payment, payment.id).status == "prepared"
    client.post(f"{award_url}/authorise", data=fields_of_the_form(client, award_url, f"{award_url}/authorise"))
    db.session.expire_all()
    authorised = db.session.get(Payment, payment.id)
    assert (authorised.status, authorised.payee_details_version) == ("authorised", 2)
