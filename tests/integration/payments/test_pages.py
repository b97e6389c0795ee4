"""The payment pages: a resident says how to be paid, and finance officers pay, each refusal explained plainly."""

from __future__ import annotations

import html
import io
import re
from datetime import date

import sqlalchemy as sa
from pypdf import PdfReader

from portal.common.audit import AuditEvent
from portal.common.time import utcnow
from portal.domain.roles import PaymentMethod, Role
from portal.extensions import db
from portal.payments import services, work
from portal.payments.models import PayeeDetails, Payment
from tests.conftest import count_queries, explained, login_as, post_form, submit_form
from tests.factories import make_staff
from tests.integration.payments.helpers import GOOD_BANK, accepted_award

BANK = {"account_name": "Rosa Resident", "sort_code": "30 94 30", "account_number": "00733445", "roll_number": ""}


def text(response):
    return html.unescape(response.get_data(as_text=True))


# The resident ------------------------------------------------------------------------------------------------------


def test_a_resident_chooses_a_bank_account_and_gives_the_details(client):
    case = accepted_award()
    login_as(client, case.resident)
    url = f"/ideas/{case.application.id}/how-to-be-paid"
    page = text(client.get(url))
    assert "How do you want to be paid?" in page and "Into my bank account" in page and "£200" in page
    response = post_form(client, url, {"method": "bank_transfer"})
    assert response.headers["Location"] == f"/ideas/{case.application.id}/bank-details?method=bank_transfer"
    response = post_form(client, response.headers["Location"], BANK)
    assert response.headers["Location"] == f"/ideas/{case.application.id}/payment-details"
    summary = text(client.get(response.headers["Location"]))
    assert "••••••45" in summary and "00733445" not in summary and "309430" not in summary
    ideas = text(client.get("/ideas"))
    assert "How you will be paid" in ideas


def test_an_award_moves_from_waiting_for_details_to_due_when_the_resident_gives_them(client):
    """The finance lists read whether details are given from the award itself (issue 24): it must follow them."""
    case = accepted_award()
    assert not case.award.has_payee_details
    officer = make_staff(Role.FINANCE_OFFICER)[0]
    counts_before = work.count_payment_work()
    resident = client.application.test_client()
    login_as(resident, case.resident)
    url = f"/ideas/{case.application.id}/how-to-be-paid"
    post_form(resident, url, {"method": "bank_transfer"})
    post_form(resident, f"/ideas/{case.application.id}/bank-details?method=bank_transfer", BANK)
    db.session.refresh(case.award)
    assert case.award.has_payee_details
    counts_after = work.count_payment_work()
    assert counts_after["waiting_for_details"] == counts_before["waiting_for_details"] - 1
    assert counts_after["due"] == counts_before["due"] + 1
    login_as(client, officer)
    due = text(client.get("/finance?show=due"))
    assert f"/finance/awards/{case.award.id}" in due
    assert f"/finance/awards/{case.award.id}" not in text(client.get("/finance?show=waiting_for_details"))


def test_each_wrong_bank_detail_is_explained_and_what_was_typed_kept(client):
    case = accepted_award()
    login_as(client, case.resident)
    url = f"/ideas/{case.application.id}/bank-details"
    for data, message, kept in [
        ({**BANK, "account_name": ""}, "Enter the name on the account", 'value="00733445"'),
        ({**BANK, "sort_code": ""}, "Enter a sort code", 'value="Rosa Resident"'),
        ({**BANK, "sort_code": "30-94"}, "Enter a valid sort code like 309430", 'value="30-94"'),
        ({**BANK, "account_number": ""}, "Enter an account number", 'value="30 94 30"'),
        ({**BANK, "account_number": "12345"}, "Account number must be between 6 and 8 digits", 'value="12345"'),
        ({**BANK, "account_number": "12a45678"}, "Enter a valid account number like 00733445", 'value="12a45678"'),
        (
            {**BANK, "roll_number": "x" * 19},
            "Building society roll number must be between 1 and 18 characters",
            "x" * 19,
        ),
    ]:
        explained(post_form(client, url, data), message, kept=[kept])
    assert db.session.execute(sa.select(PayeeDetails)).first() is None


def test_a_resident_chooses_another_way_and_says_what_would_work(client):
    case = accepted_award()
    login_as(client, case.resident)
    url = f"/ideas/{case.application.id}/how-to-be-paid"
    response = post_form(client, url, {"method": "other_arrangement"})
    assert response.headers["Location"] == f"/ideas/{case.application.id}/another-way-to-be-paid"
    post_form(client, response.headers["Location"], {"arrangement": "A prepaid card, please"})
    assert "A prepaid card, please" in text(client.get(f"/ideas/{case.application.id}/payment-details"))


def test_only_the_ways_the_pot_offers_are_shown_and_accepted(client):
    case = accepted_award(methods=["host_organisation", "other_arrangement"])
    login_as(client, case.resident)
    url = f"/ideas/{case.application.id}/how-to-be-paid"
    page = text(client.get(url))
    assert "Into my bank account" not in page and "Through Community Hub, for our group" in page
    explained(post_form(client, url, {"method": "bank_transfer"}), "Select how you want to be paid")
    assert post_form(client, url, {"method": "host_organisation"}).status_code == 302
    assert db.session.execute(sa.select(PayeeDetails.method)).scalar() == "host_organisation"


def test_a_builder_enters_details_with_the_residents_agreement_date(client):
    builder, _ = make_staff(Role.COMMUNITY_BUILDER)
    case = accepted_award(builder=builder)
    login_as(client, builder)
    url = f"/ideas/{case.application.id}/bank-details"
    page = post_form(client, url, BANK)
    explained(page, "Enter the date the resident agreed to these details", kept=['value="Rosa Resident"'])
    today = date.today()
    response = post_form(client, url, {**BANK, "agreed_on": [str(today.day), str(today.month), str(today.year)]})
    assert response.status_code == 302
    details = db.session.execute(sa.select(PayeeDetails)).scalar_one()
    assert (details.agreement, details.agreed_on) == ("spoken", today)


def test_someone_else_cannot_see_or_give_payment_details(client):
    case = accepted_award()
    services.save_payee_details(case.application.id, case.resident, PaymentMethod.BANK_TRANSFER, bank=GOOD_BANK)
    login_as(client, case.officer_a)  # finance, but these are the resident's pages
    for path in ("how-to-be-paid", "bank-details", "payment-details"):
        assert client.get(f"/ideas/{case.application.id}/{path}").status_code == 404


# Finance ------------------------------------------------------------------------------------------------------------


def test_two_officers_pay_an_award_through_the_pages(client):
    case = accepted_award()
    services.save_payee_details(case.application.id, case.resident, PaymentMethod.BANK_TRANSFER, bank=GOOD_BANK)
    award_url = f"/finance/awards/{case.award.id}"
    login_as(client, case.officer_a)
    listing = text(client.get("/finance"))
    assert "Street party" in listing and "£200" in listing and "00733445" not in listing
    page = text(client.get(award_url))
    assert "••••••45" in page and "00733445" not in page
    full = text(post_form(client, f"{award_url}/full-details", {}, token_from=award_url))
    assert "00733445" in full and "30-94-30" in full and "This view has been recorded" in full
    post_form(client, f"{award_url}/prepare", {}, token_from=award_url)
    post_form(client, f"{award_url}/authorise", {}, token_from=award_url)
    refused = text(client.get(award_url))
    assert "You prepared this payment, so another finance officer must authorise it." in refused
    assert "There is a problem" in refused and "<title>Error:" in refused  # a refusal reads as an error
    assert 'action="' + award_url + '/authorise"' not in refused  # and the button it refused is not offered again
    login_as(client, case.officer_b)
    submit_form(client, award_url, f"{award_url}/authorise")
    today = date.today()
    paid = {"paid_on": [str(today.day), str(today.month), str(today.year)], "finance_reference": "BACS-77"}
    post_form(client, f"{award_url}/paid", paid, token_from=award_url)
    payment = db.session.execute(sa.select(Payment)).scalar_one()
    assert (payment.status, payment.prepared_by_id, payment.authorised_by_id) == (
        "paid",
        case.officer_a.id,
        case.officer_b.id,
    )
    assert "Paid on" in text(client.get(award_url)) and "BACS-77" in text(client.get(award_url))
    viewed = db.session.execute(sa.select(AuditEvent).where(AuditEvent.action == "payee.details_viewed")).scalar_one()
    assert viewed.actor_id == case.officer_a.id


def test_a_paid_date_in_the_future_or_missing_reference_is_explained(client):
    case = accepted_award()
    services.save_payee_details(case.application.id, case.resident, PaymentMethod.BANK_TRANSFER, bank=GOOD_BANK)
    payment = services.prepare_payment(case.award.id, case.officer_a)
    services.authorise_payment(payment.id, case.officer_b)
    login_as(client, case.officer_a)
    award_url = f"/finance/awards/{case.award.id}"
    page = post_form(
        client, f"{award_url}/paid", {"paid_on": ["1", "1", "2999"], "finance_reference": ""}, token_from=award_url
    )
    body = text(page)
    assert (
        "The date it was paid must be today or in the past" in body
        or "Enter the reference from the finance system" in body
    )
    assert page.status_code == 200
    db.session.refresh(payment)
    assert payment.status == "authorised"
    # A date that does not exist is explained as that, not as a missing date.
    impossible = {"paid_on": ["31", "2", "2026"], "finance_reference": "BACS-1"}
    page = explained(
        post_form(client, f"{award_url}/paid", impossible, token_from=award_url),
        "Enter a real date, like 27 3 2026",
        ('value="BACS-1"',),
    )
    assert "Enter the date it was paid" not in page


def test_the_payments_list_uses_the_same_queries_for_2_or_12_awards(client):
    def awards(n):
        for _ in range(n):
            case = accepted_award()
            services.save_payee_details(case.application.id, case.resident, PaymentMethod.BANK_TRANSFER, bank=GOOD_BANK)
        return case

    case = awards(2)
    login_as(client, case.officer_a)
    db.session.expire_all()  # each count starts from a cold session, as a request does
    with count_queries() as few:
        client.get("/finance")
    awards(10)
    db.session.expire_all()
    with count_queries() as many:
        assert "Street party" in text(client.get("/finance"))
    assert len(many) == len(few) <= 12


def test_people_who_are_not_finance_officers_cannot_open_the_finance_pages(client):
    case = accepted_award()
    for who in (case.resident, case.chair, make_staff(Role.PROGRAMME_OFFICER)[0]):
        login_as(client, who)
        assert client.get("/finance").status_code == 403
        assert client.get(f"/finance/awards/{case.award.id}").status_code == 403


def test_a_run_through_the_pages_prepare_authorise_export_and_record_paid(client):
    from portal.payments.models import PaymentExport, PaymentRun

    cases = [accepted_award(pence=10_000 + i) for i in range(2)]
    for case in cases:
        services.save_payee_details(case.application.id, case.resident, PaymentMethod.BANK_TRANSFER, bank=GOOD_BANK)
    a, b = cases[0].officer_a, cases[0].officer_b
    login_as(client, a)
    assert "Put due payments in a run" in text(client.get("/finance"))
    explained(post_form(client, "/finance/runs/new", {}), "Select at least one payment for the run")
    response = post_form(client, "/finance/runs/new", {"awards": [str(c.award.id) for c in cases]})
    run = db.session.execute(sa.select(PaymentRun)).scalar_one()
    assert response.headers["Location"] == f"/finance/runs/{run.id}"
    run_url = response.headers["Location"]
    assert "You prepared this run, so another finance officer must authorise it." in text(client.get(run_url))
    response = post_form(client, f"{run_url}/authorise", {}, token_from=run_url)  # forced: the service refuses
    assert response.headers["Location"] == run_url
    page = text(client.get(run_url))
    assert "There is a problem" in page and "You prepared this payment" in page and "<title>Error:" in page
    login_as(client, b)
    submit_form(client, run_url, f"{run_url}/authorise")
    assert "Authorised: record when paid" in text(client.get(run_url))
    response = post_form(client, f"{run_url}/exports", {"kind": "schedule"}, token_from=run_url)
    export_url = response.headers["Location"]
    page = text(client.get(export_url))
    assert "The file is ready." in page and 'http-equiv="refresh"' not in page
    pdf = client.get(f"{export_url}/download")
    assert pdf.mimetype == "application/pdf" and pdf.headers["Cache-Control"] == "no-store"
    assert run.reference.lower() in pdf.headers["Content-Disposition"]
    today = date.today()
    paid = {"paid_on": [str(today.day), str(today.month), str(today.year)], "finance_reference": "BACS-RUN"}
    post_form(client, f"{run_url}/paid", paid, token_from=run_url)
    db.session.refresh(run)
    assert run.status == "closed"
    assert db.session.execute(sa.select(sa.func.count(PaymentExport.id))).scalar() == 1


def test_an_export_in_progress_says_how_far_it_has_got_and_never_refreshes_itself(client):
    from portal.payments.models import PaymentExport, PaymentRun

    case = accepted_award()
    run = PaymentRun(reference="RUN-2026-9999", created_by_id=case.officer_a.id, status="authorised")
    db.session.add(run)
    db.session.flush()
    made = PaymentExport(
        run_id=run.id,
        kind="schedule",
        filename="x.pdf",
        requested_by_id=case.officer_a.id,
        status="running",
        progress=40,
    )
    db.session.add(made)
    db.session.commit()
    login_as(client, case.officer_a)
    page = text(client.get(f"/finance/runs/{run.id}/exports/{made.id}"))
    assert 'http-equiv="refresh"' not in page and "The file is being made: 40% done." in page
    assert "Check again" in page
    assert client.get(f"/finance/runs/{run.id}/exports/{made.id}/download").status_code == 302


def test_the_ledger_and_a_pots_statement_through_the_pages(client):
    case = accepted_award(pence=12_345)
    login_as(client, case.officer_a)
    page = text(client.get("/finance/ledger"))
    assert "Money in each pot" in page and "£123.45" in page
    pot_url = f"/finance/ledger/pots/{case.application.pot_id}"
    assert "Statement for" in text(client.get(pot_url)) and case.application.reference in text(client.get(pot_url))
    explained(post_form(client, f"{pot_url}/exports", {}), "Select what you want to download")
    response = post_form(client, f"{pot_url}/exports", {"kind": "pot_statement"})
    ready = text(client.get(response.headers["Location"]))
    assert "The file is ready." in ready
    pdf = client.get(response.headers["Location"] + "/download")
    assert pdf.mimetype == "application/pdf"
    # Found on a new user's walk: every statement was "statement.pdf" and did not say when it was drawn.
    today = utcnow().date()
    named = f'filename="pot-{case.application.pot_id}-statement-{today:%Y-%m-%d}.pdf"'
    assert named in pdf.headers["Content-Disposition"]
    words = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert re.search(r"As at \d{1,2} \w+ \d{4}, \d\d:\d\d", " ".join(words.split()))


def test_the_ledger_uses_the_same_queries_for_1_or_8_pots(client):
    case = accepted_award()
    login_as(client, case.officer_a)
    db.session.expire_all()
    with count_queries() as few:
        client.get("/finance/ledger")
    for _ in range(7):
        accepted_award()
    db.session.expire_all()
    with count_queries() as many:
        client.get("/finance/ledger")
    assert len(many) == len(few) <= 12


def test_once_paid_the_resident_is_not_offered_a_form_that_can_only_be_refused(client):
    case = accepted_award()
    services.save_payee_details(case.application.id, case.resident, PaymentMethod.BANK_TRANSFER, bank=GOOD_BANK)
    payment = services.prepare_payment(case.award.id, case.officer_a)
    services.authorise_payment(payment.id, case.officer_b)
    services.record_paid(payment.id, case.officer_a, paid_on=date.today(), finance_reference="BACS-2")
    login_as(client, case.resident)
    for page in ("how-to-be-paid", "bank-details", "another-way-to-be-paid"):
        response = client.get(f"/ideas/{case.application.id}/{page}")
        assert response.headers["Location"] == f"/ideas/{case.application.id}/payment-details", page
    shown = text(client.get(f"/ideas/{case.application.id}/payment-details"))
    assert "This award has been paid, so how it is paid cannot change now." in shown
    assert "How you were paid" in text(client.get("/ideas"))
