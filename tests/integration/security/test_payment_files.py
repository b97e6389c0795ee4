"""Security review, payments: files exported from a run carry only what was authorised, and a file made from an
authorisation that was later withdrawn cannot be downloaded."""

from __future__ import annotations

import csv
import html
import io
import zipfile
from datetime import date

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from portal.common.audit import AuditEvent
from portal.domain.payments import PaymentRefused
from portal.domain.roles import PaymentMethod
from portal.extensions import db
from portal.payments import exports, runs, services
from portal.payments.models import ExportKind, PayeeDetailChange, PaymentExport
from tests.conftest import login_as
from tests.integration.payments.helpers import accepted_award, authorised_run

NEW_BANK = services.BankDetails("Rosa New Account", "20-00-00", "11223344")


def export(run_id, officer, kind, full=False) -> PaymentExport:
    made = exports.request_export(run_id, officer, kind, full_details=full)  # the job runs at once in tests
    made = db.session.get(PaymentExport, made.id)
    db.session.refresh(made)
    assert made.status == "ready", made.error
    return made


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def page(response) -> str:
    return " ".join(html.unescape(response.get_data(as_text=True)).split())


# Finding 1: a re-export shows bank details nobody authorised --------------------------------------------------------


def test_a_re_export_after_a_failed_payment_and_new_bank_details_carries_only_the_authorised_details(client):
    # The review's steps: an authorised run; one payment recorded failed; the resident enters new bank details;
    # the run is exported again (CSV and the full schedule).
    run, cases, a, b = authorised_run(2)
    failed_payment = next(p for p in run.payments if p.award_id == cases[0].award.id)
    authorised_hash = run.content_hash
    services.record_failed(failed_payment.id, a, reason="Account closed")
    services.save_payee_details(cases[0].application.id, cases[0].resident, PaymentMethod.BANK_TRANSFER, bank=NEW_BANK)

    again = {kind: export(run.id, a, kind, full=True) for kind in (ExportKind.CSV, ExportKind.SCHEDULE)}
    again[ExportKind.REMITTANCES] = export(run.id, a, ExportKind.REMITTANCES)

    rows = {row["reference"]: row for row in csv_rows(again[ExportKind.CSV].content)}
    failed_row = rows[cases[0].application.reference]
    assert (failed_row["account_number"], failed_row["sort_code"], failed_row["payee_name"]) == (
        "00733440",
        "309430",
        "Payee 0",
    )
    assert failed_row["status"] == "failed" and failed_row["authorised_by"] == "Faye Beta"
    schedule = pdf_text(again[ExportKind.SCHEDULE].content)
    assert "30-94-30 00733440" in schedule and "Authorised by Faye Beta" in schedule
    assert authorised_hash in schedule.replace(" ", "")
    assert "1 payment failed: do not pay it from this file" in schedule
    assert "Failed · Payee 0 · 30-94-30 00733440" in schedule
    remittances = zipfile.ZipFile(io.BytesIO(again[ExportKind.REMITTANCES].content))
    assert remittances.namelist() == [f"remittance-{cases[1].application.reference}.pdf"]  # none for a failed one
    texts = [
        again[ExportKind.CSV].content.decode("utf-8-sig"),
        schedule,
        *(pdf_text(remittances.read(name)) for name in remittances.namelist()),
    ]
    for text in texts:
        for secret in ("11223344", "Rosa New Account", "20-00-00", "200000"):
            assert secret not in text, secret

    # The files say so on the run's page and the file's page.
    login_as(client, a)
    shown = page(client.get(f"/finance/runs/{run.id}"))
    assert f"The payment for {cases[0].application.reference} failed." in shown
    assert shown.count("A payment in it failed") == 3
    shown = page(client.get(f"/finance/runs/{run.id}/exports/{again[ExportKind.CSV].id}"))
    assert f"The payment for {cases[0].application.reference} failed. Do not pay it from this file." in shown

    # The new details are paid only through a new payment, in a new run, after a new authorisation.
    new_run = runs.create_run(a, [cases[0].award.id])
    with pytest.raises(PaymentRefused):
        export(new_run.id, a, ExportKind.CSV)  # not authorised yet
    with pytest.raises(PaymentRefused):
        runs.authorise_run(new_run.id, cases[0].resident)
    runs.authorise_run(new_run.id, b)
    [row] = csv_rows(export(new_run.id, a, ExportKind.CSV).content)
    assert (row["account_number"], row["payee_name"], row["status"]) == ("11223344", "Rosa New Account", "authorised")
    db.session.refresh(run)
    assert run.content_hash == authorised_hash  # the first run is as it was authorised


def test_each_version_of_payee_details_is_kept_whole_and_encrypted(db_session):
    run, cases, a, _ = authorised_run(1)
    services.save_payee_details(cases[0].application.id, cases[0].resident, PaymentMethod.BANK_TRANSFER, bank=NEW_BANK)
    versions = db.session.execute(sa.select(PayeeDetailChange).order_by(PayeeDetailChange.version)).scalars().all()
    assert [(v.version, v.account_number.reveal(), v.account_number_last2) for v in versions] == [
        (1, "00733440", "40"),
        (2, "11223344", "44"),
    ]
    stored = db.session.execute(sa.text("SELECT account_number, sort_code, account_name FROM payee_detail_changes"))
    for row in stored:
        assert not {"00733440", "11223344", "309430", "200000", "Payee 0"} & set(row)


def test_a_payment_authorised_after_its_details_changed_pays_the_version_its_authoriser_saw_last(db_session):
    """Details changed while a run was waiting: authorising it fixes the new version, and that is what is exported."""
    cases_run, cases, a, b = authorised_run(1)
    services.save_payee_details(cases[0].application.id, cases[0].resident, PaymentMethod.BANK_TRANSFER, bank=NEW_BANK)
    db.session.refresh(cases_run)
    assert cases_run.status == "open"  # the change withdrew the authorisation
    runs.authorise_run(cases_run.id, b)
    [row] = csv_rows(export(cases_run.id, a, ExportKind.CSV).content)
    assert row["account_number"] == "11223344"
    assert cases_run.payments[0].payee_details_version == 2


# Finding 2: files from a withdrawn authorisation can still be downloaded ---------------------------------------------


def withdraw(change, run, cases, a, extra_award_id):
    if change == "add":
        runs.add_to_run(run.id, a, [extra_award_id])
    elif change == "take_out":
        runs.take_out_of_run(run.id, run.payments[0].id, a)
    else:
        services.save_payee_details(
            cases[0].application.id, cases[0].resident, PaymentMethod.BANK_TRANSFER, bank=NEW_BANK
        )


@pytest.mark.parametrize("change", ["add", "take_out", "details"])
def test_a_file_from_a_withdrawn_authorisation_cannot_be_downloaded_and_the_attempt_is_audited(client, change):
    run, cases, a, b = authorised_run(2)
    extra = accepted_award()
    services.save_payee_details(extra.application.id, extra.resident, PaymentMethod.BANK_TRANSFER, bank=NEW_BANK)
    earlier = {kind: export(run.id, a, kind) for kind in exports.RUN_KINDS}
    login_as(client, a)
    url = f"/finance/runs/{run.id}/exports/{earlier[ExportKind.CSV].id}/download"
    assert client.get(url).status_code == 200  # while the authorisation stands

    withdraw(change, run, cases, a, extra.award.id)
    for made in earlier.values():
        response = client.get(f"/finance/runs/{run.id}/exports/{made.id}/download")
        assert response.status_code == 409
        shown = page(response)
        assert "You cannot download this file" in shown and "its authorisation was withdrawn" in shown
        assert made.content not in response.get_data()
    refused = db.session.execute(
        sa.select(AuditEvent.object_id).where(AuditEvent.action == "payment_export.download_refused")
    ).scalars()
    assert sorted(refused) == sorted(str(made.id) for made in earlier.values())
    run_page = page(client.get(f"/finance/runs/{run.id}"))
    assert run_page.count("Withdrawn: the run changed after it was made") == 3
    export_page = page(client.get(f"/finance/runs/{run.id}/exports/{earlier[ExportKind.CSV].id}"))
    assert "cannot be downloaded" in export_page and "Download the file" not in export_page

    # Authorised again, with a new hash: the earlier files stay refused; a new file can be downloaded.
    runs.authorise_run(run.id, b)
    assert client.get(url).status_code == 409
    fresh = export(run.id, a, ExportKind.CSV)
    assert client.get(f"/finance/runs/{run.id}/exports/{fresh.id}/download").status_code == 200


def test_a_file_of_a_run_changed_behind_its_back_is_refused(client):
    run, cases, a, _ = authorised_run(1)
    made = export(run.id, a, ExportKind.SCHEDULE)
    db.session.execute(sa.text("UPDATE payments SET amount_pence = 99999999 WHERE run_id = :r"), {"r": run.id})
    db.session.commit()
    login_as(client, a)
    assert client.get(f"/finance/runs/{run.id}/exports/{made.id}/download").status_code == 409


def test_a_file_of_a_run_paid_as_it_was_authorised_can_still_be_downloaded(client):
    run, cases, a, _ = authorised_run(1)
    made = export(run.id, a, ExportKind.SCHEDULE)
    runs.record_run_paid(run.id, a, paid_on=date(2026, 11, 27), finance_reference="BACS-1")
    login_as(client, a)
    response = client.get(f"/finance/runs/{run.id}/exports/{made.id}/download")
    assert response.status_code == 200 and response.get_data() == made.content


def test_the_refusal_page_is_only_for_finance_and_the_file_page_offers_no_download(client):
    run, cases, a, _ = authorised_run(1)
    made = export(run.id, a, ExportKind.CSV)
    runs.take_out_of_run(run.id, run.payments[0].id, a)
    login_as(client, cases[0].resident)
    assert client.get(f"/finance/runs/{run.id}/exports/{made.id}/download").status_code in (403, 404)
    login_as(client, a)
    shown = page(client.get(f"/finance/runs/{run.id}/exports/{made.id}"))
    assert "This file was made before the run's authorisation was withdrawn" in shown
    assert f"/exports/{made.id}/download" not in client.get(f"/finance/runs/{run.id}/exports/{made.id}").get_data(
        as_text=True
    )


def test_kept_versions_are_encrypted_again_when_the_key_is_rotated(app, db_session, monkeypatch):
    from cryptography.fernet import Fernet

    monkeypatch.setitem(app.config, "ENCRYPTION_KEY", app.config["ENCRYPTION_KEY"])  # put back after the test
    run, cases, a, _ = authorised_run(1)
    old_key, new_key = app.config["ENCRYPTION_KEY"].split(",")[0], Fernet.generate_key().decode()
    app.config["ENCRYPTION_KEY"] = f"{new_key},{old_key}"
    result = app.test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    assert "payee_detail_changes.account_number: 1 encrypted again" in result.output
    app.config["ENCRYPTION_KEY"] = new_key  # the old key is gone: the authorised version still opens
    db.session.expire_all()
    [row] = csv_rows(export(run.id, a, ExportKind.CSV).content)
    assert (row["account_number"], row["payee_name"]) == ("00733440", "Payee 0")


def test_a_file_made_before_a_payment_failed_is_not_downloaded_again(client):
    """Found on a new user's walk: a CSV made before a payment failed still downloaded, showing the failed payment
    as authorised with its bank details, ready to be paid again."""
    from portal.common.audit import AuditEvent

    run, cases, a, _ = authorised_run(2)
    before = export(run.id, a, ExportKind.CSV)
    failed_payment = next(p for p in run.payments if p.award_id == cases[0].award.id)
    services.record_failed(failed_payment.id, a, reason="Account closed")
    login_as(client, a)
    refused = client.get(f"/finance/runs/{run.id}/exports/{before.id}/download")
    assert refused.status_code == 409
    assert "A payment in this run failed after this file was made" in page(refused)
    assert "Out of date: a payment failed after it was made" in page(client.get(f"/finance/runs/{run.id}"))
    shown = page(client.get(f"/finance/runs/{run.id}/exports/{before.id}"))
    assert "Make a new file: it marks the payment that failed." in shown and "Download the file" not in shown
    status = client.get(f"/finance/runs/{run.id}/exports/{before.id}/status").get_json()
    assert status["done"] and status["link"] is None
    reasons = db.session.execute(
        sa.select(AuditEvent.details).where(AuditEvent.action == "payment_export.download_refused")
    ).scalars()
    assert any("payment_failed_since" in details for details in reasons)
    after = export(run.id, a, ExportKind.CSV)
    downloaded = client.get(f"/finance/runs/{run.id}/exports/{after.id}/download")
    assert downloaded.status_code == 200
    rows = {row["reference"]: row for row in csv_rows(downloaded.data)}
    assert rows[cases[0].application.reference]["status"] == "failed"
