"""A resident downloads everything the portal holds about them (JSON and PDF, made by a background job, bank details
masked), and a programme officer erases a resident who asks: what can go goes, a paid award's finance record stays
without their name, and they are told what was kept and why. Programme officers set the retention rules."""

from __future__ import annotations

import html
import io
import json

import sqlalchemy as sa
from pypdf import PdfReader

from portal.accounts.models import User
from portal.applications.models import Application
from portal.common.audit import AuditEvent
from portal.domain.roles import Role
from portal.extensions import db
from portal.payments.models import PayeeDetails, Payment
from portal.retention.models import DataCopy, RetentionRules
from portal.stories.models import Story
from tests.conftest import explained, login_as, outbox, post_form
from tests.factories import PotFactory, UserFactory, make_staff
from tests.integration.payments.helpers import GOOD_BANK, accepted_award
from tests.integration.stories.helpers import paid_award


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


# A copy of your data ---------------------------------------------------------------------------------------------


def test_a_resident_downloads_everything_we_hold_with_bank_details_masked(client):
    case = paid_award()
    case.application.contact_name = "Rosa Resident"
    db.session.commit()
    login_as(client, case.resident)
    assert "Download everything we hold about you" in text(client.get("/account"))
    page = text(client.get("/account/your-data"))
    assert "Make a copy of my data" in page
    made = post_form(client, "/account/your-data", {})
    copy = db.session.execute(sa.select(DataCopy)).scalar_one()
    assert made.headers["Location"] == f"/account/your-data/{copy.id}"
    db.session.refresh(copy)
    assert copy.status == "ready"  # the job ran (at once, in tests) after the request committed
    shown = text(client.get(f"/account/your-data/{copy.id}"))
    assert "Your copy is ready." in shown and "Download it for other systems (JSON)" in shown

    as_json = client.get(f"/account/your-data/{copy.id}/download/json")
    assert as_json.mimetype == "application/json" and "no-store" in as_json.headers["Cache-Control"]
    data = json.loads(as_json.get_data())
    assert data["account"][0]["email"] == case.resident.email
    assert data["ideas"][0]["reference"] == case.application.reference
    assert data["ideas"][0]["idea_name"] == "Street party"
    money = data["awards_and_payments"][0]
    assert money["account_ending"] == GOOD_BANK.account_number[-2:]
    assert money["payments"] == [{"amount_pence": 20000, "status": "paid", "paid_on": "2026-11-20"}]
    assert [d["decision"] for d in data["ideas"][0]["decisions"]] == ["yes"]  # every decision, as a list
    assert data["ideas"][0]["costs"] == [{"item": "Food", "amount_pence": 20000}]
    everything = as_json.get_data(as_text=True)
    for secret in (GOOD_BANK.account_number, "30-94-30", "309430"):
        assert secret not in everything

    as_pdf = client.get(f"/account/your-data/{copy.id}/download/pdf")
    assert as_pdf.mimetype == "application/pdf"
    words = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(as_pdf.get_data())).pages)
    assert "Everything we hold about you" in words and "Street party" in words
    # Plain words and dates as people write them, not the portal's codes.
    assert "Into a bank account" in words and "20 November 2026" in words and "Paid" in words
    assert "bank_transfer" not in words and "T00:" not in words
    assert GOOD_BANK.account_number not in words
    downloads = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action == "data_copy.downloaded"))
    assert len(list(downloads)) == 2


def test_a_copy_is_only_ever_its_own_persons(client):
    resident = UserFactory(roles=[Role.RESIDENT])
    login_as(client, resident)
    post_form(client, "/account/your-data", {})
    copy = db.session.execute(sa.select(DataCopy)).scalar_one()
    login_as(client, UserFactory(roles=[Role.RESIDENT]))
    for url in (f"/account/your-data/{copy.id}", f"/account/your-data/{copy.id}/download/json"):
        assert client.get(url).status_code == 404
    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    assert client.get(f"/account/your-data/{copy.id}/download/pdf").status_code == 404


def test_asking_twice_while_a_copy_is_being_made_gives_the_same_copy(client, app):
    resident = UserFactory(roles=[Role.RESIDENT])
    login_as(client, resident)
    from portal.retention.copies import request_copy

    with app.test_request_context():
        first = request_copy(resident, "en")
        first_id = first.id
        db.session.execute(sa.update(DataCopy).values(status="running"))
        db.session.commit()
        assert request_copy(resident, "en").id == first_id


# Erasing a resident --------------------------------------------------------------------------------------------------


def erase_url(person) -> str:
    return f"/programme/erase-a-resident/{person.id}"


def test_an_officer_finds_a_resident_sees_what_goes_and_erases_them(client):
    case = paid_award()
    resident = case.resident
    email = resident.email
    pot = PotFactory()
    draft = Application(pot_id=pot.id, applicant_id=resident.id, idea_name="Half an idea")
    not_funded = Application(
        pot_id=pot.id,
        applicant_id=resident.id,
        status="not_yet",
        reference="NOTYET1",
        idea_name="Rosa's tea dance",
        idea_description="Tea with my neighbour Joan",
        contact_name="Rosa Resident",
    )
    db.session.add_all([draft, not_funded])
    db.session.add(Story(application_id=case.application.id, status="sent", consent="programme", what_happened="Fun"))
    db.session.commit()
    officer = make_staff(Role.PROGRAMME_OFFICER)[0]
    login_as(client, officer)

    missing = post_form(client, "/programme/erase-a-resident", {"who": "nobody@example.org"})
    explained(
        missing, "We cannot find a resident with that email address or mobile number", kept=["nobody@example.org"]
    )
    found = post_form(client, "/programme/erase-a-resident", {"who": email.upper()})
    assert found.headers["Location"] == erase_url(resident)
    plan = text(client.get(erase_url(resident)))
    assert "Erase Rosa Resident?" in plan
    assert f'Found by: <span class="govuk-!-text-break-word">{email}</span>' in plan  # to check with them
    assert "1 idea not sent yet" in plan and "1 story, with its photos" in plan
    assert "The record of 1 payment" in plan
    explained(post_form(client, erase_url(resident), {}), "Confirm they asked, and that you checked it is them")

    done = post_form(client, erase_url(resident), {"confirmed": "y"})
    assert done.headers["Location"] == "/programme/erase-a-resident"
    assert "The resident has been erased. We have told them what we kept and why." in text(
        client.get(done.headers["Location"])
    )

    told = outbox(email)
    assert told and "We kept the record of 1 payment" in told[-1].body
    db.session.expire_all()
    person = db.session.get(User, resident.id)
    assert (person.name, person.email, person.mobile, person.is_active_account) == ("", None, None, False)
    assert person.erased_at is not None and person.roles == frozenset()
    assert db.session.get(Application, draft.id) is None
    gone = db.session.get(Application, not_funded.id)
    assert (gone.idea_name, gone.idea_description, gone.contact_name) == ("", None, None)
    kept = db.session.get(Application, case.application.id)
    assert kept.reference == case.application.reference and kept.idea_name == "Street party"
    payment = db.session.execute(sa.select(Payment).where(Payment.award_id == case.award.id)).scalar_one()
    assert payment.finance_reference == "FIN-1" and payment.amount_pence == 20000
    payee = db.session.execute(sa.select(PayeeDetails)).scalar_one()
    assert payee.account_number is None and payee.account_number_last2 == GOOD_BANK.account_number[-2:]
    assert db.session.execute(sa.select(Story)).scalar() is None
    event = db.session.execute(sa.select(AuditEvent).where(AuditEvent.action == "resident.erased")).scalar_one()
    assert event.actor_id == officer.id and "Rosa" not in event.details and email not in event.details
    # Erased: not found again, and the old page says so.
    again = post_form(client, "/programme/erase-a-resident", {"who": email})
    assert again.status_code == 200
    assert client.get(erase_url(resident)).headers["Location"] == "/programme/erase-a-resident"


def test_an_award_still_being_paid_must_be_finished_first(client):
    case = accepted_award()
    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    plan = text(client.get(erase_url(case.resident)))
    assert "They have an award still being offered or paid. Finish or cancel it first, then erase them." in plan
    assert 'name="confirmed"' not in plan
    refused = post_form(client, erase_url(case.resident), {"confirmed": "y"}, token_from="/programme/erase-a-resident")
    assert refused.status_code == 200
    db.session.refresh(case.resident)
    assert case.resident.erased_at is None


def test_staff_are_not_erased_here_and_only_programme_officers_erase(client):
    staff = make_staff(Role.FINANCE_OFFICER)[0]
    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    found = post_form(client, "/programme/erase-a-resident", {"who": staff.email})
    plan = text(client.get(found.headers["Location"]))
    assert "This is a staff account. Whoever runs the portal closes staff accounts." in plan
    assert 'name="confirmed"' not in plan
    login_as(client, UserFactory(roles=[Role.RESIDENT]))
    assert client.get("/programme/erase-a-resident").status_code == 403


# The rules -----------------------------------------------------------------------------------------------------------


def test_an_officer_sets_the_rules_within_limits(client):
    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    page = text(client.get("/programme/keeping-data"))
    assert "How long we keep personal data" in page and 'value="12"' in page and "It has not run yet." in page
    fields = {"not_funded_months": "6", "bank_details_months": "0", "private_story_months": "x", "sign_in_months": ""}
    refused = post_form(client, "/programme/keeping-data", fields)
    explained(refused, "Enter a number of months between 1 and 120")
    explained(refused, "Enter a number of months, like 12")
    fields.update(bank_details_months="3", private_story_months="24", sign_in_months="1")
    assert post_form(client, "/programme/keeping-data", fields).status_code == 302
    row = db.session.execute(sa.select(RetentionRules)).scalar_one()
    assert (row.not_funded_months, row.bank_details_months, row.private_story_months, row.sign_in_months) == (
        6,
        3,
        24,
        1,
    )
    login_as(client, UserFactory(roles=[Role.RESIDENT]))
    assert client.get("/programme/keeping-data").status_code == 403
