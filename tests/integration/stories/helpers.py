"""A paid award, ready for its story, and photos made in the test (no binary files in the repository)."""

from __future__ import annotations

import io
from datetime import date

from PIL import Image

from portal.domain.roles import PaymentMethod
from portal.payments import services as payments
from tests.integration.payments.helpers import GOOD_BANK, Accepted, accepted_award


def paid_award(**kwargs) -> Accepted:
    """An award the panel decided, the resident accepted, and two finance officers paid."""
    case = accepted_award(**kwargs)
    payments.save_payee_details(case.application.id, case.resident, PaymentMethod.BANK_TRANSFER, bank=GOOD_BANK)
    payment = payments.prepare_payment(case.award.id, case.officer_a)
    payments.authorise_payment(payment.id, case.officer_b)
    payments.record_paid(payment.id, case.officer_a, paid_on=date(2026, 11, 20), finance_reference="FIN-1")
    return case


def photo_bytes(kind: str = "JPEG", size: tuple[int, int] = (800, 600), colour=(200, 120, 40), **save) -> bytes:
    if kind in ("HEIF", "HEIC"):
        import pillow_heif

        pillow_heif.register_heif_opener()
        kind = "HEIF"
    image = Image.new("RGB", size, colour)
    out = io.BytesIO()
    image.save(out, kind, **save)
    return out.getvalue()
