"""Exports of a payment run, checked with a PDF text extractor and a CSV reader: totals, masking, who authorised,
the run's hash, formula injection, and the same content every time."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from portal.common.audit import AuditEvent
from portal.domain.payments import PaymentRefused
from portal.extensions import db
from portal.payments import documents, exports, runs
from portal.payments.models import ExportKind, PaymentExport
from tests.integration.payments.helpers import accepted_award, authorised_run


def export(run, officer, kind, full=False):
    made = exports.request_export(run.id, officer, kind, full_details=full)  # the job runs at once in tests
    made = db.session.get(PaymentExport, made.id)
    db.session.refresh(made)
    assert made.status == "ready", made.error
    return made


def pdf_text(content):
    reader = PdfReader(io.BytesIO(content))
    return reader, [" ".join(page.extract_text().split()) for page in reader.pages]


def test_the_schedule_shows_totals_masked_details_who_authorised_and_the_hash(db_session):
    run, cases, a, b = authorised_run()
    made = export(run, a, ExportKind.SCHEDULE)
    reader, pages = pdf_text(made.content)
    first = pages[0]
    assert f"Payment schedule {run.reference}" in first
    assert "Total £601.50" in first and "Total 3 £601.50" in first  # overall, and in the totals by pot
    for pot_total in ("£100.50", "£200.50", "£300.50"):
        assert pot_total in first
    assert "Prepared by Fin Alpha" in first and "Authorised by Faye Beta" in first
    assert run.content_hash in first.replace(" ", "")
    assert len(pages) == 4 and all(f"Page {n} of 4" in page for n, page in enumerate(pages, start=1))
    body = " ".join(pages[1:])
    assert "••-••-•• ••••••40" in body and "00733440" not in body and "30-94-30" not in body
    for case in cases:
        assert case.application.reference in body
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"], "a tagged PDF"


def test_the_schedule_with_full_details_is_audited_as_a_full_view(db_session):
    run, _, a, _ = authorised_run(1)
    made = export(run, a, ExportKind.SCHEDULE, full=True)
    assert "30-94-30 00733440" in pdf_text(made.content)[1][1]
    actions = db.session.execute(sa.select(AuditEvent.action).where(AuditEvent.action.like("payee.%"))).scalars()
    assert "payee.details_exported" in list(actions)


def test_a_long_run_repeats_the_table_header_on_every_page(db_session, monkeypatch):
    monkeypatch.setattr(documents, "ROWS_PER_PAGE", 2)
    run, _, a, _ = authorised_run(5)
    _, pages = pdf_text(export(run, a, ExportKind.SCHEDULE).content)
    assert len(pages) == 1 + 5  # a pot per award here, so one page each
    for page in pages[1:]:
        assert "Reference Payee and bank account Amount" in page


def test_exporting_again_gives_the_same_content(db_session):
    run, _, a, b = authorised_run(2)
    for kind in exports.RUN_KINDS:
        first, second = export(run, a, kind), export(run, b, kind)
        assert first.content_sha256 == second.content_sha256, kind


def test_the_csv_has_the_documented_columns_and_no_formula_survives(db_session):
    run, _, a, _ = authorised_run(2, names={0: '=HYPERLINK("http://evil.example","x")', 1: "@SUM(A1)"})
    made = export(run, a, ExportKind.CSV)
    rows = list(csv.DictReader(io.StringIO(made.content.decode("utf-8-sig"))))
    assert list(rows[0]) == documents.CSV_COLUMNS
    assert {row["payee_name"] for row in rows} == {'\'=HYPERLINK("http://evil.example","x")', "'@SUM(A1)"}
    assert [row["amount"] for row in rows] == ["100.50", "200.50"]
    assert rows[0]["account_number"] == "00733440" and rows[0]["authorised_by"] == "Faye Beta"


def test_remittance_advices_are_one_pdf_per_payee_in_the_residents_language(db_session):
    run, cases, a, _ = authorised_run(2, language="cy")
    made = export(run, a, ExportKind.REMITTANCES)
    archive = zipfile.ZipFile(io.BytesIO(made.content))
    assert sorted(archive.namelist()) == sorted(f"remittance-{c.application.reference}.pdf" for c in cases)
    reader = PdfReader(io.BytesIO(archive.read(archive.namelist()[0])))
    assert reader.trailer["/Root"]["/Lang"] == "cy"
    text = reader.pages[0].extract_text()
    assert "Your small spark is being paid" not in text  # in Welsh
    assert "40" in text and "••" not in text and "0073344" not in text  # the account's last two digits only


def test_a_remittance_advice_says_how_it_is_paid_in_plain_words(db_session):
    """Found on a new user's walk: the advice read "How ••-••-•• ••••••40", the finance schedule's mask."""
    run, cases, a, _ = authorised_run(1)
    made = export(run, a, ExportKind.REMITTANCES)
    archive = zipfile.ZipFile(io.BytesIO(made.content))
    words = " ".join(PdfReader(io.BytesIO(archive.read(archive.namelist()[0]))).pages[0].extract_text().split())
    assert "How By bank transfer, to the account ending 40" in words and "••" not in words


def test_a_run_changed_behind_its_back_after_authorisation_is_not_exported(db_session):
    run, cases, a, _ = authorised_run(1)
    db.session.execute(sa.text("UPDATE payments SET amount_pence = 99999999 WHERE run_id = :r"), {"r": run.id})
    db.session.commit()
    made = exports.request_export(run.id, a, ExportKind.SCHEDULE)
    made = db.session.get(PaymentExport, made.id)
    db.session.refresh(made)
    assert made.status == "failed" and "changed after it was authorised" in made.error
    assert made.content is None


def test_only_an_authorised_run_is_exported_and_only_by_finance(db_session):
    run, cases, a, b = authorised_run(1)
    with pytest.raises(PaymentRefused):
        exports.request_export(run.id, cases[0].resident, ExportKind.CSV)
    runs.take_out_of_run(run.id, run.payments[0].id, a)  # reopens it
    with pytest.raises(PaymentRefused) as refused:
        exports.request_export(run.id, a, ExportKind.SCHEDULE)
    assert refused.value.rule == "run_not_authorised"


def test_pots_with_the_same_name_in_different_neighbourhoods_are_kept_apart(db_session):
    run, cases, a, b = authorised_run(4)
    # Four pots, all called the same; references do not follow the pots.
    for case in cases:
        case.application.pot.name = "Small sparks 2026"
    db.session.commit()
    _, pages = pdf_text(export(run, a, ExportKind.SCHEDULE).content)
    assert len(pages) == 1 + 4
    for page in pages[1:]:
        assert page.count("Total for this pot") == 1


def test_a_long_schedule_is_laid_out_in_parts_and_numbered_straight_through(db_session, monkeypatch):
    monkeypatch.setattr(documents, "ROWS_PER_PAGE", 1)
    monkeypatch.setattr(documents, "BATCH_PAGES", 2)
    run, cases, a, _ = authorised_run(5)
    reader, pages = pdf_text(export(run, a, ExportKind.SCHEDULE).content)
    assert len(pages) == 6
    assert [f"Page {n} of 6" in page for n, page in enumerate(pages, start=1)] == [True] * 6
    assert reader.metadata.title == f"Payment schedule {run.reference}"
    assert reader.trailer["/Root"]["/Lang"] == "en"
    for case in cases:
        assert case.application.reference in " ".join(pages)


def test_the_ledger_and_a_pots_statement_add_up(db_session):
    from portal.payments import documents, ledger

    run, cases, a, b = authorised_run(2)
    from datetime import date

    runs.record_run_paid(run.id, a, paid_on=date(2026, 11, 27), finance_reference="BACS-9")
    unpaid = accepted_award(pence=7_000)
    pot_id = cases[0].application.pot_id
    rows = {row.pot.id: row for row in ledger.ledger()}
    row = rows[pot_id]
    assert (row.budget_pence, row.awarded_pence, row.paid_pence, row.to_pay_pence, row.remaining_pence) == (
        500_000,
        10_050,
        10_050,
        0,
        489_950,
    )
    other = rows[unpaid.application.pot_id]
    assert (other.awarded_pence, other.paid_pence, other.to_pay_pence) == (7_000, 0, 7_000)

    made = exports.request_pot_export(pot_id, a, ExportKind.POT_STATEMENT)
    made = db.session.get(PaymentExport, made.id)
    db.session.refresh(made)
    text = pdf_text(made.content)[1][0]
    assert "Budget £5,000.00" in text and "Paid £100.50" in text and "Left to award £4,899.50" in text
    assert cases[0].application.reference in text and "27 Nov 2026 BACS-9" in text
    made = exports.request_pot_export(pot_id, a, ExportKind.POT_CSV)
    made = db.session.get(PaymentExport, made.id)
    db.session.refresh(made)
    rows = list(csv.DictReader(io.StringIO(made.content.decode("utf-8-sig"))))
    assert list(rows[0]) == documents.POT_CSV_COLUMNS
    assert rows[0]["award_status"] == "Paid" and rows[0]["finance_reference"] == "BACS-9"


def test_remittance_advices_are_emailed_once_each_with_the_pdf_in_the_residents_language(app, db_session):
    from tests.conftest import outbox
    from tests.integration.common.test_email import Collecting, free_port

    run, cases, a, _ = authorised_run(2, language="cy")
    exports.email_remittances(run.id, a)
    exports.send_remittances(run.id)  # again: nothing is sent twice
    messages = [m for m in outbox() if m.attachment_name and m.attachment_name.startswith("remittance-")]
    assert sorted(m.to_address for m in messages) == sorted(c.resident.email for c in cases)
    message = messages[0]
    assert message.subject != "Your small spark is being paid"  # in Welsh
    reader = PdfReader(io.BytesIO(message.attachment))
    assert reader.trailer["/Root"]["/Lang"] == "cy"
    assert "0073344" not in message.body and "0073344" not in " ".join(p.extract_text() for p in reader.pages)

    # Through a real mail server the PDF arrives attached.
    from aiosmtpd.controller import Controller

    handler = Collecting()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    try:
        from portal.common.email import OutboxMessage, deliver_email

        db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == message.id).values(status="queued"))
        db.session.commit()
        deliver_email(message.id)
    finally:
        app.config.update(MAIL_BACKEND="outbox", MAIL_SERVER="localhost", MAIL_PORT=25)
        controller.stop()
    [envelope] = handler.messages
    assert b"application/pdf" in envelope.content and message.attachment_name.encode() in envelope.content


def embedded_fonts(content: bytes) -> dict[str, int]:
    """Each font embedded in the PDF, with the bytes of its font program."""
    reader = PdfReader(io.BytesIO(content))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3") or descriptor.get("/FontFile")
            fonts[str(font["/BaseFont"])] = len(program.get_object().get_data())
    return fonts


def test_a_one_payment_schedule_weighs_under_100_kb_because_its_fonts_are_subset(db_session):
    run, _, a, _ = authorised_run(1)
    for full in (False, True):
        made = export(run, a, ExportKind.SCHEDULE, full=full)
        fonts = embedded_fonts(made.content)
        assert len(fonts) == 3, fonts  # DejaVu Sans, its bold, and the monospace of the hash
        assert all(size < 40_000 for size in fonts.values()), fonts  # whole, they are 380, 352 and 203 KB
        assert len(made.content) < 100_000, len(made.content)
    remittance = zipfile.ZipFile(io.BytesIO(export(run, a, ExportKind.REMITTANCES).content))
    assert all(info.file_size < 30_000 for info in remittance.infolist())


def test_an_arabic_remittance_advice_keeps_english_names_whole_and_left_to_right(db_session):
    """Found checking reach: in an Arabic advice, an English idea's name lost its own "!" to the far side of the
    name (the sentence read ". ! Tea and talk"), and the payee's English name was pushed to the right of its cell."""
    from tests.integration.applications.test_letters import where_text_starts

    run, cases, a, _ = authorised_run(1, language="ar")
    cases[0].application.idea_name = "Tea and talk!"
    db.session.commit()
    made = export(run, a, ExportKind.REMITTANCES)
    archive = zipfile.ZipFile(io.BytesIO(made.content))
    page = PdfReader(io.BytesIO(archive.read(archive.namelist()[0]))).pages[0]
    starts = where_text_starts(page)
    text = page.extract_text()
    assert "ندفع" in text  # the sentence is in Arabic
    assert "Tea and talk!" in text, text  # the name whole, its "!" at its end
    payee_x = next(x for run_text, x in starts if "Payee 0" in run_text)
    assert payee_x < 100, starts  # at its cell's left edge, the page's margin
