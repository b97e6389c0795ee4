"""Payment runs: put together by one finance officer, authorised as a whole by another, any change reopening them."""

from __future__ import annotations

from datetime import date

import pytest

from portal.common import audit
from portal.domain.payments import ConfirmationOfPayee, PaymentRefused
from portal.domain.roles import PaymentMethod, Role
from portal.extensions import db
from portal.payments import runs, services
from tests.conftest import login_as, post_form
from tests.factories import make_staff
from tests.integration.payments.helpers import GOOD_BANK, accepted_award


def due_awards(n=3):
    cases = [accepted_award(pence=10_000 * (i + 1)) for i in range(n)]
    for case in cases:
        services.save_payee_details(case.application.id, case.resident, PaymentMethod.BANK_TRANSFER, bank=GOOD_BANK)
    a, _ = make_staff(Role.FINANCE_OFFICER, name="Fin A")
    b, _ = make_staff(Role.FINANCE_OFFICER, name="Fin B")
    return cases, a, b


def test_a_run_is_prepared_by_one_officer_authorised_by_another_and_paid(db_session):
    cases, a, b = due_awards()
    run = runs.create_run(a, [case.award.id for case in cases])
    assert run.reference.startswith("RUN-") and run.status == "open"
    assert [p.status for p in run.payments] == ["prepared"] * 3 and run.total_pence == 60_000
    with pytest.raises(PaymentRefused) as refused:
        runs.authorise_run(run.id, a)
    assert refused.value.problems and {rule for _, rule in refused.value.problems} == {"prepared_the_payment"}
    runs.authorise_run(run.id, b)
    db.session.refresh(run)
    assert run.status == "authorised" and run.content_hash == runs.content_hash(run)
    assert {p.status for p in run.payments} == {"authorised"}
    runs.record_run_paid(run.id, a, paid_on=date.today(), finance_reference="BACS-RUN-1")
    db.session.refresh(run)
    assert run.status == "closed"
    assert {(p.status, p.finance_reference) for p in run.payments} == {("paid", "BACS-RUN-1")}
    assert {case.award.status for case in cases} == {"paid"}
    assert audit.verify() == []


def test_a_run_is_made_all_or_none(db_session):
    cases, a, _ = due_awards(2)
    not_ready = accepted_award()  # no payee details yet
    with pytest.raises(PaymentRefused) as refused:
        runs.create_run(a, [cases[0].award.id, not_ready.award.id])
    assert refused.value.problems == [(not_ready.application.reference, "no_details")]
    db.session.refresh(cases[0].award)
    assert cases[0].award.status == "accepted"


def test_authorising_a_run_is_all_or_none_and_lists_every_problem(db_session):
    cases, a, b = due_awards(2)
    run = runs.create_run(a, [case.award.id for case in cases])
    services.record_confirmation_of_payee(cases[1].award.id, a, ConfirmationOfPayee.NO_MATCH)
    with pytest.raises(PaymentRefused) as refused:
        runs.authorise_run(run.id, b)
    assert refused.value.problems == [(cases[1].application.reference, "payee_not_confirmed")]
    db.session.refresh(run)
    assert run.status == "open" and {p.status for p in run.payments} == {"prepared"}


@pytest.mark.parametrize("change", ["add", "take_out", "details"])
def test_any_change_to_an_authorised_run_withdraws_its_authorisation(db_session, change):
    cases, a, b = due_awards(3)
    run = runs.create_run(a, [case.award.id for case in cases[:2]])
    runs.authorise_run(run.id, b)
    if change == "add":
        runs.add_to_run(run.id, a, [cases[2].award.id])
    elif change == "take_out":
        runs.take_out_of_run(run.id, run.payments[0].id, a)
    else:
        bank = GOOD_BANK.__class__("Rosa Resident", "20-00-00", "11223344")
        services.save_payee_details(cases[0].application.id, cases[0].resident, PaymentMethod.BANK_TRANSFER, bank=bank)
    db.session.refresh(run)
    assert (run.status, run.authorised_by_id, run.content_hash) == ("open", None, None)
    assert {p.status for p in run.payments} <= {"prepared", "cancelled"}
    with pytest.raises(PaymentRefused):
        runs.record_run_paid(run.id, b, paid_on=date.today(), finance_reference="X")
    runs.authorise_run(run.id, b)  # authorised again, after looking again


def test_the_content_hash_is_the_same_every_time_and_changes_with_the_contents(db_session):
    cases, a, b = due_awards(2)
    run = runs.create_run(a, [cases[0].award.id])
    first = runs.content_hash(run)
    assert runs.content_hash(run) == first
    runs.add_to_run(run.id, a, [cases[1].award.id])
    db.session.refresh(run)
    assert runs.content_hash(run) != first


def test_a_failed_payment_stays_in_its_run_as_it_was_authorised(client):
    cases, a, b = due_awards(2)
    run = runs.create_run(a, [case.award.id for case in cases])
    runs.authorise_run(run.id, b)
    failed = run.payments[0]
    services.record_failed(failed.id, a, reason="Account closed")
    with pytest.raises(PaymentRefused) as refused:
        runs.take_out_of_run(run.id, failed.id, a)
    assert refused.value.rule == "payment_ended"
    login_as(client, a)
    page = client.get(f"/finance/runs/{run.id}").get_data(as_text=True)
    assert f"/payments/{failed.id}/take-out" not in page and f"/payments/{run.payments[1].id}/take-out" in page
    response = post_form(
        client, f"/finance/runs/{run.id}/payments/{failed.id}/take-out", {}, token_from=f"/finance/runs/{run.id}"
    )
    assert response.status_code == 302
    assert "so it stays in the run as it was authorised" in client.get(f"/finance/runs/{run.id}").get_data(as_text=True)
    db.session.refresh(run)
    assert run.status == "authorised"


def test_a_run_with_a_failed_payment_is_recorded_paid_for_what_was_paid_only(client):
    """Found on a new user's walk: the run said "Every payment … recorded as paid", its total and the list kept the
    failed £100, and its "Failed" tag went away once the run was closed."""
    import html
    import re

    cases, a, b = due_awards(2)  # £100 and £200
    run = runs.create_run(a, [case.award.id for case in cases])
    runs.authorise_run(run.id, b)
    failed = next(p for p in run.payments if p.amount_pence == 10_000)
    services.record_failed(failed.id, a, reason="Account closed")
    login_as(client, a)
    run_url = f"/finance/runs/{run.id}"
    today = date.today()
    paid = {"paid_on": [str(today.day), str(today.month), str(today.year)], "finance_reference": "BACS-9"}
    post_form(client, f"{run_url}/paid", paid, token_from=run_url)
    page = html.unescape(client.get(run_url).get_data(as_text=True))
    reference = cases[0].application.reference
    assert f"The run has been recorded as paid, except {reference}, which failed and was not paid." in page
    assert "Every payment in the run has been recorded as paid" not in page
    assert re.search(r"Total</dt><dd[^>]*>£200\.00<", page) and "Failed, not paid: £100.00" in page
    assert 'govuk-tag--red">Failed<' in page  # still marked once the run is closed
    listing = html.unescape(client.get("/finance").get_data(as_text=True))
    assert f"{run.reference}</span></a>: Paid, 1 payment, £200, 1 failed and was not paid" in listing
    db.session.refresh(failed)
    assert failed.status == "failed"
