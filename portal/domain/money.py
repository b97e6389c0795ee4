"""Money in integer pence: parsing what people type, and showing it the British way."""

from __future__ import annotations

import re

MAX_PENCE = 100_000_000_00  # £100 million: far above any pot, low enough to catch typos and overflow
# Longer than any real amount ("£100,000,000.00" and spaces): refused before it is read as a number at all, so a
# thousands-digit paste never reaches int() (which has its own limit and its own error text).
MAX_AMOUNT_TEXT = 30

_AMOUNT = re.compile(r"^(?P<pounds>\d{1,3}(?:,\d{3})+|\d+)?(?:\.(?P<pence>\d{1,2}))?$", re.ASCII)
# Residents writing in Arabic or Urdu may type Eastern Arabic digits and separators; read them as the same amount.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789.,")


class MoneyError(ValueError):
    """An amount that cannot be read as pounds and pence."""


class NotAnAmount(MoneyError):
    """The text is not a number of pounds and pence."""


class NegativeAmount(MoneyError):
    """Amounts are never below zero."""


class AmountTooLarge(MoneyError):
    """The amount is beyond anything the portal handles."""


def parse_pounds(text: str) -> int:
    """Read '£1,250.50', '1250.5' or '1250' as pence; raises NotAnAmount, NegativeAmount or AmountTooLarge."""
    if len(text or "") > MAX_AMOUNT_TEXT:
        raise AmountTooLarge(text[:MAX_AMOUNT_TEXT])
    cleaned = (text or "").translate(_DIGITS).strip().replace(" ", "").replace("\u00a0", "")
    if cleaned.startswith("-") or cleaned.startswith("−"):
        raise NegativeAmount(text)
    cleaned = cleaned.removeprefix("£").removesuffix("p" if cleaned.endswith("p") and "." not in cleaned else "")
    match = _AMOUNT.match(cleaned)
    if not cleaned or not match or (match.group("pounds") is None and match.group("pence") is None):
        raise NotAnAmount(text)
    pounds = int((match.group("pounds") or "0").replace(",", ""))
    pence = int((match.group("pence") or "0").ljust(2, "0"))
    total = pounds * 100 + pence
    if total > MAX_PENCE:
        raise AmountTooLarge(text)
    return total


def format_pence(pence: int, *, always_show_pence: bool = False) -> str:
    """Show pence as '£1,250.50', or '£1,250' for whole pounds unless always_show_pence."""
    if not isinstance(pence, int) or isinstance(pence, bool):
        # Say what came instead: a Decimal here usually means a SQL sum not read through portal.common.pence.
        raise TypeError(f"money is integer pence, not {type(pence).__name__} {pence!r}")
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    if rest or always_show_pence:
        return f"{sign}£{pounds:,}.{rest:02d}"
    return f"{sign}£{pounds:,}"


def pence_to_input(pence: int | None) -> str:
    """The value to put back in a form field: '1250.50' or '1250'."""
    if pence is None:
        return ""
    pounds, rest = divmod(pence, 100)
    return f"{pounds}.{rest:02d}" if rest else str(pounds)
