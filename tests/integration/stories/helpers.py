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


def form_fields(page: str, action: str | None = None) -> dict[str, str]:
    """The names and values of the inputs and text areas of the form posting to `action` (if None, the first form
    posting to its own page), as a browser would send them untouched (checkboxes and radios left out)."""
    import html
    import re

    forms = re.findall(r"<form\b([^>]*)>(.*?)</form>", page, re.S)
    chosen = next(
        body
        for attributes, body in forms
        if (f'action="{action}"' in attributes if action else "action=" not in attributes)
    )
    fields = {}
    for tag in re.findall(r"<input\b[^>]*>", chosen):
        name, value = re.search(r'name="([^"]*)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and 'type="checkbox"' not in tag and 'type="radio"' not in tag:
            fields[name.group(1)] = html.unescape(value.group(1)) if value else ""
    for name, value in re.findall(r'<textarea\b[^>]*name="([^"]*)"[^>]*>(.*?)</textarea>', chosen, re.S):
        fields[name] = html.unescape(value).removeprefix("\n")
    return fields


def publish_as_shown(client, story_id: int, **changes: str):
    """An officer publishes from the story's page, changing only the fields named."""
    url = f"/programme/stories/{story_id}"
    fields = form_fields(client.get(url).get_data(as_text=True), url)
    return client.post(url, data={**fields, **changes})
