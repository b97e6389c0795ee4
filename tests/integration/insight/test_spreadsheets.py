"""Spreadsheets for officers: the right rows for each role, personal data only where the role may see it, cells that
cannot run in a spreadsheet, every download audited, and the same few queries however many rows."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from portal.common.audit import AuditEvent
from portal.domain.roles import PaymentMethod, Role
from portal.extensions import db
from portal.payments import services as payments
from tests.conftest import count_queries, login_as, post_form
from tests.factories import make_staff
from tests.integration.payments.helpers import GOOD_BANK, accepted_award
from tests.integration.stories.helpers import paid_award


def rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.get_data()
    assert data.startswith("\ufeff".encode())  # a spreadsheet reads it as UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_programme_officers_get_ideas_decisions_and_awards(client):
    case = paid_award()
    case.application.group_name = "=SUM(A1:A9)"
    case.application.contact_name = "Rosa"
    db.session.commit()
    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    ideas = rows(client.get("/exports/applications.csv"))
    row = next(r for r in ideas if r["Reference"] == case.application.reference)
    assert row["Email"] == case.resident.email and row["Contact name"] == "Rosa"  # programme officers may see who
    assert row["Group name"] == "'=SUM(A1:A9)"  # a formula is neutralised
    # Pounds and plain words for people, the pence and codes beside them for systems; a paid idea says "Paid".
    assert (row["Asked for"], row["Status"], row["Written in"]) == ("£200.00", "Paid", "English")
    assert (row["asked_for_pence"], row["status_code"], row["language_code"]) == ("20000", "paid", "en")
    decisions = rows(client.get("/exports/decisions.csv"))
    mine = [d for d in decisions if d["Reference"] == case.application.reference]
    assert [(d["Decision"], d["decision_code"], d["Amount"]) for d in mine] == [("Yes", "yes", "£200.00")]
    awards = rows(client.get("/exports/awards.csv"))
    assert [(a["amount_pence"], a["Status"], a["status_code"]) for a in awards] == [("20000", "Paid", "paid")]
    assert client.get("/exports/payments.csv").status_code == 403  # payments are the finance officers'
    downloads = db.session.scalars(sa.select(AuditEvent.object_id).where(AuditEvent.action == "export.downloaded"))
    assert sorted(downloads) == ["applications", "awards", "decisions"]


def test_finance_officers_get_awards_and_payments_without_who_applied_or_bank_details(client):
    case = paid_award()
    login_as(client, case.officer_a)
    paid = rows(client.get("/exports/payments.csv"))
    assert [(p["Reference"], p["Status"], p["status_code"], p["Account ending"]) for p in paid] == [
        (case.application.reference, "Paid", "paid", GOOD_BANK.account_number[-2:])
    ]
    assert (paid[0]["How"], paid[0]["method_code"]) == ("Into a bank account", "bank_transfer")
    text = client.get("/exports/payments.csv").get_data(as_text=True)
    for secret in (GOOD_BANK.account_number, GOOD_BANK.account_name, case.resident.email, "30-94-30", "309430"):
        assert secret not in text
    assert rows(client.get("/exports/awards.csv"))
    for kind in ("applications", "decisions"):
        assert client.get(f"/exports/{kind}.csv").status_code == 403
    page = client.get("/exports").get_data(as_text=True)
    assert "Payments (CSV)" in page and "Ideas sent (CSV)" not in page


def test_a_welsh_officer_reads_welsh_headings_and_words_beside_the_same_codes(client):
    from flask_babel import force_locale, gettext

    case = paid_award()
    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    post_form(client, "/language", {"language": "cy", "next": "/"})
    ideas = rows(client.get("/exports/applications.csv"))
    with client.application.test_request_context(), force_locale("cy"):
        reference, status, paid = gettext("Reference"), gettext("Status"), gettext("Paid")
    assert reference != "Reference" and paid != "Paid"  # the catalogue has them
    row = next(r for r in ideas if r[reference] == case.application.reference)
    assert row[status] == paid and row["status_code"] == "paid" and row["asked_for_pence"] == "20000"


def test_others_cannot_download_spreadsheets(client):
    for role in (Role.VIEWER, Role.COMMUNITY_BUILDER, Role.RESIDENT):
        login_as(client, make_staff(role)[0])
        for kind in ("applications", "decisions", "awards", "payments"):
            assert client.get(f"/exports/{kind}.csv").status_code == 403, (role, kind)


def test_the_spreadsheets_make_the_same_queries_for_2_or_8_awards(client):
    def add(n):
        for _ in range(n):
            case = accepted_award()
            payments.save_payee_details(case.application.id, case.resident, PaymentMethod.BANK_TRANSFER, bank=GOOD_BANK)
            payments.prepare_payment(case.award.id, case.officer_a)

    def queries() -> int:
        login_as(client, make_staff(Role.PROGRAMME_OFFICER, Role.FINANCE_OFFICER)[0])
        db.session.close()
        with count_queries() as statements:
            for kind in ("applications", "decisions", "awards", "payments"):
                client.get(f"/exports/{kind}.csv").get_data()
        return len(statements)

    add(2)
    few = queries()
    add(6)
    assert queries() == few


def test_ideas_sent_give_the_pots_own_questions_in_the_words_answered_with_the_answers(client):
    from portal.programme.models import PotQuestion, QuestionAnswer

    case = paid_award()
    when = PotQuestion(
        pot_id=case.application.pot_id, position=1, kind="choice", wording="When?", choices="Morning\nEvening"
    )
    room = PotQuestion(pot_id=case.application.pot_id, position=2, kind="yes_no", wording="A room?", optional=True)
    db.session.add_all([when, room])
    db.session.flush()
    db.session.add_all(
        [
            QuestionAnswer(application_id=case.application.id, question_id=when.id, answer="2"),
            QuestionAnswer(application_id=case.application.id, question_id=room.id, answer="no"),
        ]
    )
    db.session.commit()
    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    row = next(r for r in rows(client.get("/exports/applications.csv")) if r["Reference"] == case.application.reference)
    assert (row["Pot question 1"], row["Answer 1"], row["Pot question 2"], row["Answer 2"]) == (
        "When?",
        "Evening",
        "A room?",
        "No",
    )
    assert (row["Pot question 3"], row["Answer 3"]) == ("", "")
