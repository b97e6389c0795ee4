"""Where an award is on its way to being paid has one name, the same on the finance pages, the pot statement (PDF
and CSV) and the awards spreadsheet, for every state."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from portal.applications.models import Application
from portal.domain.payments import PaymentState
from portal.domain.references import new_reference
from portal.domain.roles import PaymentMethod, Role
from portal.extensions import db
from portal.payments import exports, services
from portal.payments.models import ExportKind, PaymentExport
from tests.conftest import login_as
from tests.factories import PotFactory, UserFactory, make_award, make_staff
from tests.integration.payments.helpers import GOOD_BANK, accepted_award

# The review's case first: the finance page said "waiting for the resident", the statement "Due payment", the CSV
# "accepted".
NAMES = {
    PaymentState.WAITING_FOR_DETAILS: "Accepted, waiting for the resident to say how to be paid",
    PaymentState.OFFERED: "Offered, waiting for the resident to accept",
    PaymentState.DUE: "Due payment",
    PaymentState.TO_AUTHORISE: "Prepared, waiting for authorisation",
    PaymentState.TO_RECORD: "Authorised, waiting to be paid",
    PaymentState.PAID: "Paid",
    PaymentState.DECLINED: "Declined",
    PaymentState.CANCELLED: "Cancelled",
}
STEPS = [PaymentState.WAITING_FOR_DETAILS, PaymentState.DUE, PaymentState.TO_AUTHORISE, PaymentState.TO_RECORD]


def award_in(state: PaymentState):
    """An award in the state, reached the way people reach it where there is a way; (award, application, officer)."""
    if state in (PaymentState.OFFERED, PaymentState.DECLINED, PaymentState.CANCELLED):
        pot = PotFactory()
        idea = Application(
            pot_id=pot.id,
            applicant_id=UserFactory().id,
            status="approved",
            reference=new_reference(),
            idea_name="Street party",
        )
        db.session.add(idea)
        db.session.flush()
        award = make_award(pot, 5_000, status=state.value, idea=idea)
        return award, idea, make_staff(Role.FINANCE_OFFICER)[0]
    case = accepted_award()
    if state is not PaymentState.WAITING_FOR_DETAILS:
        services.save_payee_details(case.application.id, case.resident, PaymentMethod.BANK_TRANSFER, bank=GOOD_BANK)
    if state in (PaymentState.TO_AUTHORISE, PaymentState.TO_RECORD, PaymentState.PAID):
        payment = services.prepare_payment(case.award.id, case.officer_a)
        if state is not PaymentState.TO_AUTHORISE:
            services.authorise_payment(payment.id, case.officer_b)
        if state is PaymentState.PAID:
            services.record_paid(payment.id, case.officer_a, paid_on=date(2026, 11, 27), finance_reference="BACS-1")
    return case.award, case.application, case.officer_a


def made(export_id: int) -> bytes:
    export = db.session.get(PaymentExport, export_id)
    db.session.refresh(export)
    assert export.status == "ready", export.error
    return export.content


def text_of(response) -> str:
    """The page's words, without its markup."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


@pytest.mark.parametrize("state", list(NAMES), ids=[state.value for state in NAMES])
def test_an_awards_payment_state_is_named_the_same_on_the_page_the_pdf_the_csv_and_the_spreadsheet(client, state):
    award, idea, officer = award_in(state)
    login_as(client, officer)

    page = client.get(f"/finance/ledger/pots/{award.pot_id}").get_data(as_text=True)
    row = next(row for row in page.split("<tr") if idea.reference in row)
    on_page = html.unescape(re.search(r'data-label="Status">([^<]*)</td>', row).group(1))

    pdf = made(exports.request_pot_export(award.pot_id, officer, ExportKind.POT_STATEMENT).id)
    in_pdf = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())

    statement = made(exports.request_pot_export(award.pot_id, officer, ExportKind.POT_CSV).id)
    [in_csv] = [r["award_status"] for r in csv.DictReader(io.StringIO(statement.decode("utf-8-sig")))]

    spreadsheet = client.get("/exports/awards.csv").get_data(as_text=True).lstrip("\ufeff")
    [in_spreadsheet] = [
        r["Status"] for r in csv.DictReader(io.StringIO(spreadsheet)) if r["Reference"] == idea.reference
    ]

    assert on_page == in_csv == in_spreadsheet == NAMES[state]
    assert f"{idea.reference} Street party {NAMES[state]}" in in_pdf.replace("- ", "-")
    # The award's own page, and the finance list it is in, name it the same way.
    if state not in (PaymentState.OFFERED, PaymentState.DECLINED, PaymentState.CANCELLED):
        assert f"Status {NAMES[state]}" in text_of(client.get(f"/finance/awards/{award.id}"))
    if state in STEPS:
        listing = text_of(client.get(f"/finance?show={state.value}"))
        assert f"{NAMES[state]} (1)" in listing and idea.reference in listing


def test_the_pot_statement_pdf_has_a_heading_over_every_column(db_session):
    award, idea, officer = award_in(PaymentState.PAID)
    pdf = made(exports.request_pot_export(award.pot_id, officer, ExportKind.POT_STATEMENT).id)
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "Reference Idea Status Amount Paid on Finance reference" in text
    assert "27 Nov 2026 BACS-1" in text


@pytest.mark.parametrize("language", ["cy", "ar"])
def test_the_finance_lists_are_named_in_the_language_chosen_after_another(client, language):
    """The list headings once stayed in the first language the template was drawn in (Jinja folded the filter)."""
    from tests.conftest import post_form

    login_as(client, make_staff(Role.FINANCE_OFFICER)[0])
    assert "Due payment (0)" in html.unescape(client.get("/finance").get_data(as_text=True))
    post_form(client, "/language", {"language": language, "next": "/finance"}, token_from="/finance")
    page = html.unescape(client.get("/finance").get_data(as_text=True))
    root = Path(__file__).resolve().parents[3]
    with open(root / f"translations/{language}/LC_MESSAGES/messages.po", "rb") as handle:
        from babel.messages.pofile import read_po

        catalogue = read_po(handle)
    for english in ("Due payment", "Prepared, waiting for authorisation", "Authorised, waiting to be paid"):
        assert f"{english} (" not in page
        assert f"{catalogue[english].string} (0)" in page
