"""Money is parsed and shown the British way, in integer pence."""

import re
from decimal import Decimal

import pytest

from portal.domain.money import (
    AmountTooLarge,
    NegativeAmount,
    NotAnAmount,
    format_pence,
    parse_pounds,
    pence_to_input,
)


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("£1,250.50", 125050),
        ("1250.5", 125050),
        ("1250", 125000),
        (" £ 1 250 ", 125000),
        ("0.99", 99),
        (".5", 50),
        ("£0", 0),
        ("1,000,000", 100_000_000),
        ("12.05", 1205),
        ("١٢٣٫٥", 12350),
        ("۲۵۰", 25000),
    ],
)
def test_amounts_people_type_are_read_as_pence(text, pence):
    assert parse_pounds(text) == pence


@pytest.mark.parametrize("text", ["", "abc", "12.345", "1,25", "£", "1.2.3", "12,50.00", "1e5", "NaN", "½", "²"])
def test_text_that_is_not_an_amount_is_refused(text):
    with pytest.raises(NotAnAmount):
        parse_pounds(text)


@pytest.mark.parametrize("text", ["-5", "−5", "-£5"])
def test_negative_amounts_are_refused(text):
    with pytest.raises(NegativeAmount):
        parse_pounds(text)


def test_absurdly_large_amounts_are_refused():
    with pytest.raises(AmountTooLarge):
        parse_pounds("999999999999999999999")


@pytest.mark.parametrize(
    ("pence", "shown"),
    [(125050, "£1,250.50"), (125000, "£1,250"), (5, "£0.05"), (0, "£0"), (-2500, "-£25"), (100_000_000, "£1,000,000")],
)
def test_pence_are_shown_the_british_way(pence, shown):
    assert format_pence(pence) == shown


def test_money_is_never_a_float():
    with pytest.raises(TypeError):
        format_pence(12.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("given", "named"),
    [(Decimal("1250"), "Decimal('1250')"), (12.5, "float 12.5"), ("1250", "str '1250'"), (True, "bool True")],
)
def test_anything_but_an_int_is_refused_saying_what_it_was(given, named):
    with pytest.raises(TypeError, match=re.escape(named)):
        format_pence(given)  # type: ignore[arg-type]


def test_pence_go_back_into_a_form_field_without_symbols():
    assert pence_to_input(125050) == "1250.50"
    assert pence_to_input(125000) == "1250"
    assert pence_to_input(None) == ""
