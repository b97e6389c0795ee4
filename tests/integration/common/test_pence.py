"""Sums of money come back from SQL as integer pence on SQLite and PostgreSQL alike, and nothing sums money by hand."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.awards.models import Award
from portal.awards.services import awarded_pence, money_left_in_pots
from portal.common.pence import Pence, count_where, pence_or_nothing, sum_pence
from portal.domain.money import format_pence
from portal.extensions import db
from portal.payments.ledger import ledger
from tests.conftest import postgres_app
from tests.factories import PotFactory, make_award

PORTAL = Path(__file__).resolve().parents[3] / "portal"


def sums(pot_id: int) -> tuple[object, object, object]:
    return db.session.execute(
        sa.select(
            sum_pence(Award.amount_pence),
            count_where(Award.amount_pence > 1_000),
            pence_or_nothing(sa.null()),
        ).where(Award.pot_id == pot_id)
    ).one()


def test_sums_are_integer_pence_on_this_database(db_session):
    pot = PotFactory(budget_pence=1_000_000)
    for pence in (12_050, 999, 30_001):
        make_award(pot, pence)
    total, over_ten_pounds, nothing = sums(pot.id)
    assert (total, over_ten_pounds, nothing) == (43_050, 2, 0)
    assert all(type(value) is int for value in (total, over_ten_pounds, nothing))
    assert type(awarded_pence(pot.id)) is int and awarded_pence(pot.id) == 43_050
    assert format_pence(awarded_pence(pot.id)) == "£430.50"
    left = dict((p.id, pence) for p, pence in money_left_in_pots(pot.neighbourhood_id))
    assert left[pot.id] == 1_000_000 - 43_050 and type(left[pot.id]) is int
    row = next(row for row in ledger() if row.pot.id == pot.id)
    assert (row.awarded_pence, row.remaining_pence) == (43_050, 956_950) and type(row.awarded_pence) is int


def test_sums_are_integer_pence_on_postgresql_too():
    with postgres_app("sparks_pence") as app, app.app_context():
        pot = PotFactory(budget_pence=1_000_000)
        make_award(pot, 12_050)
        make_award(pot, 30_001)
        assert db.session.execute(sa.select(sa.func.sum(Award.amount_pence))).scalar() == Decimal(42_051)  # the trap
        total, count, nothing = sums(pot.id)
        assert (total, count, nothing) == (42_051, 2, 0) and type(total) is int and type(count) is int
        db.session.rollback()


def test_a_fraction_of_a_penny_is_refused_not_rounded():
    with pytest.raises(TypeError, match="not whole pence"):
        Pence().process_result_value(Decimal("10.5"), None)
    assert Pence().process_result_value(Decimal("10"), None) == 10


def test_nothing_sums_in_sql_except_through_the_pence_helpers():
    offenders = []
    for path in PORTAL.rglob("*.py"):
        if path == PORTAL / "common" / "pence.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr == "sum" and ast.unparse(node.value).endswith("func"):
                offenders.append(f"{path.relative_to(PORTAL)}:{node.lineno}")
    assert offenders == [], "sum through portal.common.pence (sum_pence, count_where): PostgreSQL sums are Decimal"
