"""The payment files themselves, drawn from plain values with nothing held open: the payment schedule (PDF),
remittance advices (one PDF per payee, in the resident's language, in a zip), the CSV for the finance system, and a
pot's statement (PDF or CSV). Files are made from the run's data alone (no clock, no random parts), so exporting a
run again gives the same content.

The schedule is laid out one page at a time, each page its own small fixed-layout table with its header row, in one
tagged PDF: much faster than letting WeasyPrint break one long table across pages (benchmarks/payment_pdf.py
measures it)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from portal.common.pdf import draw_pdf, layout_pdf, pdf_html, render_pdf, write_document
from portal.common.spreadsheet import spreadsheet_safe
from portal.domain.payments import format_sort_code, mask
from portal.domain.roles import PaymentMethod
from portal.payments.export_facts import Line, PotFacts, RunFacts, Wanted
from portal.payments.models import ExportKind
from portal.payments.states import payment_state_text

ROWS_PER_PAGE = 60
BATCH_PAGES = 20  # a longer schedule is laid out in parts of this many pages, so memory stays bounded


# The finance files are in English whoever asks (remittance advices are in each resident's language): the same file
# every time, and nothing about the person asking is looked up while it is drawn.
FILE_LANGUAGE = "en"


def draw(wanted: Wanted, progress: Callable[[int, int], None] = lambda done, total: None) -> bytes:
    """The export's content, from the values read: call with no transaction open."""
    if wanted.pot is not None:
        return pot_statement(wanted.kind, wanted.pot)
    assert wanted.run is not None
    return build(wanted.kind, wanted.run, wanted.full, progress)


def build(
    kind: ExportKind,
    run: RunFacts,
    full: bool,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> bytes:
    """A run's export, from the run's data alone."""
    if kind is ExportKind.SCHEDULE:
        return schedule_pdf(run, full, progress)
    if kind is ExportKind.REMITTANCES:
        return remittances_zip(run, progress)
    return schedule_csv(run)


# What each line shows ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    reference: str
    payee: str
    bank: str
    amount_pence: int
    pot: str
    failed: bool = False
    how: str = ""  # how it is paid, in plain words for the payee (a remittance advice)


def _shown(line: Line, full: bool) -> Shown:
    """A payment with the payee details it was authorised with: masked unless `full`."""
    details = line.payee
    if details.method is None:
        payee, bank = "", _("The details this payment was authorised with were not kept")
        how = bank
    elif details.account_number is not None:
        payee = details.account_name.reveal() if details.account_name else ""
        if full:
            sort_code = format_sort_code(details.sort_code.reveal()) if details.sort_code else ""
            number = details.account_number.reveal()
            roll = f" / {details.roll_number.reveal()}" if details.roll_number else ""
            bank = f"{sort_code} {number}{roll}"
        else:
            bank = "••-••-•• " + mask("••••••" + (details.account_number_last2 or ""))
        how = _("By bank transfer, to the account ending %(digits)s", digits=details.account_number_last2 or "")
    elif PaymentMethod(details.method) is PaymentMethod.BANK_TRANSFER:  # removed once kept long enough
        payee = ""
        bank = "••-••-•• " + mask("••••••" + (details.account_number_last2 or ""))
        how = _("By bank transfer, to the account ending %(digits)s", digits=details.account_number_last2 or "")
    elif PaymentMethod(details.method) is PaymentMethod.PAID_TO_HOST_ORGANISATION:
        payee, bank = line.host, _("Host organisation")
        how = _("To your host organisation, %(host)s", host=line.host)
    else:
        arrangement = details.arrangement.reveal() if details.arrangement else ""
        payee, bank = line.contact_name, _("Another way: %(arrangement)s", arrangement=arrangement).strip()
        how = bank
    return Shown(
        reference=line.reference,
        payee=payee,
        bank=bank,
        amount_pence=line.amount_pence,
        pot=line.pot,
        failed=line.failed,
        how=how,
    )


def _pot_totals(lines: tuple[Line, ...]) -> list[tuple[str, int, int]]:
    """(pot, number of payments, total pence) for each pot, in the run's order."""
    totals: dict[str, list[int]] = {}
    for line in lines:
        entry = totals.setdefault(line.pot, [0, 0])
        entry[0] += 1
        entry[1] += line.amount_pence
    return [(name, count, pence) for name, (count, pence) in totals.items()]


# The payment schedule ------------------------------------------------------------------------------------------------


def _pages(shown: list[Shown]) -> Iterator[tuple[str, list[Shown], int | None]]:
    """Pages of at most ROWS_PER_PAGE rows, a pot never sharing a page with another; the last page of a pot carries
    its total."""
    index = 0
    while index < len(shown):
        pot = shown[index].pot
        end = index
        while end < len(shown) and shown[end].pot == pot:
            end += 1
        rows = shown[index:end]
        total = sum(row.amount_pence for row in rows)
        for start in range(0, len(rows), ROWS_PER_PAGE):
            chunk = rows[start : start + ROWS_PER_PAGE]
            yield pot, chunk, total if start + ROWS_PER_PAGE >= len(rows) else None
        index = end


def schedule_pdf(run: RunFacts, full: bool, progress: Callable[[int, int], None] = lambda done, total: None) -> bytes:
    """The payment schedule: a first page with the run, its pots and totals, who prepared and authorised it, the
    run's hash and any payment that failed; then the payments, pot by pot, a table with its header row on every
    page, "Page X of Y" on each.

    Up to BATCH_PAGES pages of payments it is one tagged PDF. A longer run is laid out BATCH_PAGES pages at a time
    and the parts joined (untagged: the parts' structure trees cannot be joined), so a 5,000-payment run peaks
    well under 500 MB (benchmarks/payment_pdf.py). Fonts are subset, so a short schedule weighs a few kilobytes.
    """
    shown = [_shown(line, full) for line in run.lines]
    pages = list(enumerate(_pages(shown), start=2))
    failed = [row for row in shown if row.failed]
    common: dict[str, Any] = {
        "run": run,
        "full": full,
        "count": len(pages) + 1,
        "totals": _pot_totals(run.lines),
        "total_pence": sum(row.amount_pence for row in shown),
        "payments": len(shown),
        "failed": failed,
        "failed_pence": sum(row.amount_pence for row in failed),
    }
    if len(pages) <= BATCH_PAGES:
        document = layout_pdf(pdf_html("pdf/schedule.html", pages=pages, with_summary=True, **common))
        progress(1, 2)
        pdf = write_document(document)
        progress(2, 2)
        return pdf
    writer = PdfWriter()
    for start in range(0, len(pages), BATCH_PAGES):
        html = pdf_html(
            "pdf/schedule.html", pages=pages[start : start + BATCH_PAGES], with_summary=start == 0, **common
        )
        writer.append(PdfReader(io.BytesIO(draw_pdf(html, tagged=False))))
        progress(min(start + BATCH_PAGES, len(pages)), len(pages))
    writer.add_metadata({"/Title": _("Payment schedule %(reference)s", reference=run.reference)})
    writer._root_object[NameObject("/Lang")] = TextStringObject("en")  # noqa: SLF001 - pypdf has no setter
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


# Remittance advices --------------------------------------------------------------------------------------------------


def remittance_pdf(run_reference: str, line: Line) -> bytes:
    """One payee's remittance advice, in plain words and in the resident's language, with the details the payment
    was authorised with (masked)."""
    with force_locale(line.language):
        shown = _shown(line, full=False)
    return render_pdf(
        "pdf/remittance.html", language=line.language, run_reference=run_reference, line=line, shown=shown
    )


def zip_name(line: Line) -> str:
    return f"remittance-{line.reference}.pdf"


_ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # every file dated the same, so the same run gives the same zip


def remittances_zip(run: RunFacts, progress: Callable[[int, int], None] = lambda done, total: None) -> bytes:
    """A remittance advice for each payee still being paid or paid; a payment that failed has none (its resident is
    paid again through a new payment, with its own advice)."""
    lines = [line for line in run.lines if not line.failed]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, line in enumerate(lines, start=1):
            archive.writestr(zipfile.ZipInfo(zip_name(line), date_time=_ZIP_TIME), remittance_pdf(run.reference, line))
            progress(number, len(lines))
    progress(1, 1)
    return buffer.getvalue()


# CSV for the finance system ------------------------------------------------------------------------------------------

CSV_COLUMNS = [
    "run_reference",
    "payment_id",
    "reference",
    "pot",
    "payee_name",
    "method",
    "sort_code",
    "account_number",
    "roll_number",
    "amount",
    "amount_pence",
    "prepared_by",
    "authorised_by",
    "authorised_at",
    "status",
    "paid_on",
    "finance_reference",
]


def schedule_csv(run: RunFacts) -> bytes:
    """One row per payment, the columns CSV_COLUMNS (documented in the README), every cell spreadsheet-safe; bank
    details are the version each payment was authorised with, and a payment that failed says `failed`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for line in run.lines:
        details = line.payee
        shown = _shown(line, full=True)
        writer.writerow(
            spreadsheet_safe(cell)
            for cell in (
                run.reference,
                line.payment_id,
                shown.reference,
                shown.pot,
                shown.payee,
                details.method or line.method,
                details.sort_code.reveal() if details.sort_code else "",
                details.account_number.reveal() if details.account_number else "",
                details.roll_number.reveal() if details.roll_number else "",
                f"{line.amount_pence // 100}.{line.amount_pence % 100:02d}",
                line.amount_pence,
                line.prepared_by,
                line.authorised_by,
                line.authorised_at.isoformat(timespec="seconds") if line.authorised_at else "",
                line.status,
                line.paid_on.isoformat() if line.paid_on else "",
                line.finance_reference,
            )
        )
    return buffer.getvalue().encode("utf-8-sig")


# A pot's statement ------------------------------------------------------------------------------------------------

POT_CSV_COLUMNS = ["pot", "reference", "idea", "award_status", "amount", "amount_pence", "paid_on", "finance_reference"]


def pot_statement(kind: ExportKind, pot: PotFacts) -> bytes:
    """A pot's statement: its ledger (budget, awarded, paid, still to pay, left) and every award made from it, each
    named by where it is on its way to being paid, as the finance pages name it."""
    if kind is ExportKind.POT_CSV:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(POT_CSV_COLUMNS)
        for line in pot.lines:
            cells = (
                pot.name,
                line.reference,
                line.idea,
                payment_state_text(line.state),
                f"{line.amount_pence // 100}.{line.amount_pence % 100:02d}",
                line.amount_pence,
                line.paid_on.isoformat() if line.paid_on else "",
                line.finance_reference,
            )
            writer.writerow(spreadsheet_safe(cell) for cell in cells)
        return buffer.getvalue().encode("utf-8-sig")
    return render_pdf("pdf/pot_statement.html", pot=pot)
