"""The money on Insight and in the commissioner report follows one rule, stated on the page: the pots open on any day
of the period, with their whole budget and everything awarded and paid from them so far; left = budget − awarded.
Checked over periods and neighbourhoods, row by row and in the totals, on SQLite and PostgreSQL."""

from __future__ import annotations

import html
import io
import re
from datetime import date

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from portal.common.page_cache import cache
from portal.domain.roles import Role
from portal.extensions import db
from portal.insight import reports, services
from portal.insight.models import Report
from portal.payments.models import Payment
from tests.conftest import login_as
from tests.factories import NeighbourhoodFactory, PotFactory, make_award, make_staff

LAST_YEAR = (date(2025, 4, 1), date(2026, 3, 31))
THIS_YEAR = (date(2026, 4, 1), date(2027, 3, 31))
NEXT_YEAR = (date(2027, 4, 1), date(2028, 3, 31))


def pot(place, name, budget, years=None, rolling=False):
    opens, closes = years or (None, None)
    return PotFactory(
        neighbourhood=place,
        name=name,
        budget_pence=budget,
        max_award_pence=budget,
        fast_track_limit_pence=0,
        opens_on=opens,
        closes_on=closes,
        is_rolling=rolling,
    )


def award(pot_, pence, status, officer=None, payment=None):
    made = make_award(pot_, pence, status=status)
    if payment:
        db.session.add(
            Payment(
                award_id=made.id,
                amount_pence=pence,
                method="bank_transfer",
                payee_details_version=1,
                status=payment,
                prepared_by_id=officer.id,
                paid_on=date(2026, 5, 1) if payment == "paid" else None,
            )
        )
        db.session.commit()
    return made


@pytest.fixture
def programme(db_session):
    """Two neighbourhoods: Seacroft with a pot for last, this and next financial year; Harehills with a rolling pot
    and one for this year. Some awards paid, some not yet, some declined or cancelled (which hold no money)."""
    officer, _ = make_staff(Role.FINANCE_OFFICER)
    seacroft, harehills = NeighbourhoodFactory(name="Seacroft"), NeighbourhoodFactory(name="Harehills")
    last = pot(seacroft, "2025 to 2026", 1_000_000, LAST_YEAR)
    award(last, 100_000, "paid", officer, payment="paid")
    award(last, 50_000, "accepted")
    award(last, 30_000, "declined")
    this = pot(seacroft, "2026 to 2027", 800_000, THIS_YEAR)
    award(this, 200_000, "paid", officer, payment="paid")
    award(this, 70_000, "offered")
    pot(seacroft, "2027 to 2028", 500_000, NEXT_YEAR)  # opens next April
    rolling = pot(harehills, "Always open", 300_000, rolling=True)
    award(rolling, 40_000, "paid", officer, payment="paid")
    award(rolling, 25_000, "cancelled")
    harehills_this = pot(harehills, "2026 to 2027", 600_000, THIS_YEAR)
    award(harehills_this, 120_000, "payment_authorised", officer, payment="authorised")
    return {"Seacroft": seacroft.id, "Harehills": harehills.id}


# (period, neighbourhood or None for both) → {neighbourhood: (budget, awarded, paid, left)} in pounds
CASES = [
    ((None, None), None, {"Seacroft": (23_000, 4_200, 3_000, 18_800), "Harehills": (9_000, 1_600, 400, 7_400)}),
    (LAST_YEAR, None, {"Seacroft": (10_000, 1_500, 1_000, 8_500), "Harehills": (3_000, 400, 400, 2_600)}),
    # This year: next year's pot (opening in April) counts nothing.
    (THIS_YEAR, None, {"Seacroft": (8_000, 2_700, 2_000, 5_300), "Harehills": (9_000, 1_600, 400, 7_400)}),
    (NEXT_YEAR, None, {"Seacroft": (5_000, 0, 0, 5_000), "Harehills": (3_000, 400, 400, 2_600)}),
    ((date(2020, 4, 1), date(2021, 3, 31)), None, {"Seacroft": (0, 0, 0, 0), "Harehills": (3_000, 400, 400, 2_600)}),
    (THIS_YEAR, "Seacroft", {"Seacroft": (8_000, 2_700, 2_000, 5_300)}),
    (LAST_YEAR, "Harehills", {"Harehills": (3_000, 400, 400, 2_600)}),
]


def money(figures) -> tuple[int, int, int, int]:
    return (figures.budget_pence, figures.awarded_pence, figures.paid_pence, figures.remaining_pence)


def added_up(rows) -> tuple[int, ...]:
    return tuple(sum(money(row.figures)[column] for row in rows) for column in range(4))


def reconciles(figures) -> bool:
    return (
        figures.budget_pence - figures.awarded_pence == figures.remaining_pence
        and 0 <= figures.paid_pence <= figures.awarded_pence
    )


@pytest.mark.parametrize(("period", "only", "expected"), CASES)
def test_budget_awarded_paid_and_left_follow_the_pots_open_in_the_period_and_add_up(programme, period, only, expected):
    start, end = period
    board = services.build(services.Filters(start=start, end=end, neighbourhood_id=programme[only] if only else None))
    places = {place.name: place for place in board.places}
    assert {name: money(place.figures) for name, place in places.items()} == {
        name: tuple(pounds * 100 for pounds in row) for name, row in expected.items()
    }
    for place in board.places:
        assert reconciles(place.figures), place.name
        for pot_row in place.pots:
            assert reconciles(pot_row.figures), pot_row.name
        # A neighbourhood's row is the sum of its pots.
        assert money(place.figures) == added_up(place.pots)
    assert reconciles(board.total)
    assert money(board.total) == added_up(board.places)


def test_the_dashboard_says_what_period_the_money_covers_and_every_row_adds_up(client, programme):
    login_as(client, make_staff(Role.VIEWER)[0])
    with client.application.app_context():
        cache.clear()
    page = html.unescape(client.get("/insight").get_data(as_text=True))
    assert "Money is counted for the pots that were open at any time since the programme began" in page
    assert "Left to award is the budget minus the money awarded" in page
    money_list = page.split('id="money-rule"', 1)[1].split("</dl>", 1)[0]
    for label, pounds in (
        ("Budget of these pots", "£32,000"),
        ("Awarded from these pots", "£5,800"),
        ("Paid from these pots", "£3,400"),
        ("Left to award from these pots", "£26,200"),
    ):
        assert label in money_list and pounds in money_list.split(label, 1)[1].split("</div>", 1)[0]
    table = page.split("Figures for each neighbourhood", 1)[1].split("</table>", 1)[0]
    assert "money from the pots open since the programme began" in table
    seacroft = table.split(">Seacroft<", 1)[1].split("</tr>", 1)[0]
    assert cells(seacroft)[:4] == ["£23,000", "£4,200", "£3,000", "£18,800"]
    everyone = table.split("All these neighbourhoods", 1)[1].split("</tr>", 1)[0]
    assert cells(everyone)[:4] == ["£32,000", "£5,800", "£3,400", "£26,200"]


def cells(row: str) -> list[str]:
    return [value.strip() for value in re.findall(r"<td[^>]*>([^<]*)</td>", row)]


def test_the_commissioner_report_counts_money_by_the_same_rule(client, programme):
    viewer, _ = make_staff(Role.VIEWER)
    report = reports.request_report(
        viewer,
        period="this-financial-year",
        starts_on=THIS_YEAR[0],
        ends_on=THIS_YEAR[1],
        neighbourhood_ids=[],
        language="en",
    )
    report_id = report.id
    made = db.session.scalar(sa.select(Report).where(Report.id == report_id))
    assert made.status == "ready", made.error
    words = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(made.content)).pages)
    words = " ".join(words.split())
    assert "pots that were open at any time from 1 April 2026 to 31 March 2027" in words
    # Budget £17,000 (not £22,000 with next April's pot), awarded £4,300, paid £2,400, left £12,700.
    assert "Budget of these pots £17,000" in words and "£22,000" not in words
    assert "Awarded from these pots £4,300" in words
    assert "Paid from these pots £2,400" in words
    assert "Left to award from these pots £12,700" in words
    assert "Seacroft £8,000 £2,700 £2,000 £5,300" in words
    assert "Harehills £9,000 £1,600 £400 £7,400" in words
    assert "All these neighbourhoods £17,000 £4,300 £2,400 £12,700" in words
