"""Staff forms list every problem at once, as GOV.UK's pattern does: "Add a pot" with four problems took four presses,
"Open data settings" three. Each test makes several mistakes in one press and finds every one explained."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import sqlalchemy as sa

from portal.domain.roles import Role
from portal.extensions import db
from portal.opendata.models import OpenDataSettings
from portal.payments import services as payments
from portal.payments.models import PayeeDetails
from portal.programme.models import Neighbourhood, Pot
from tests.conftest import login_as, post_form
from tests.factories import NeighbourhoodFactory, PotFactory, UserFactory, make_award, make_staff
from tests.integration.payments.helpers import GOOD_BANK, accepted_award


def error_summary(response) -> list[str]:
    """The messages the error summary lists, in order."""
    assert response.status_code == 200, response.status_code
    page = response.get_data(as_text=True)
    assert "There is a problem" in page, "no error summary"
    summary = page.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return [html.unescape(text).strip() for text in re.findall(r"<a [^>]*>([^<]*)</a>", summary)]


def field_errors(response) -> list[str]:
    """The messages shown beside fields, in order (without the hidden "Error:" prefix)."""
    page = response.get_data(as_text=True)
    hidden = r'(?:<span class="govuk-visually-hidden">[^<]*</span>)?'
    found = re.findall(r'class="govuk-error-message"[^>]*>\s*' + hidden + r"([^<]*)<", page)
    return [html.unescape(text).strip() for text in found]


def programme_officer(client):
    user, _ = make_staff(Role.PROGRAMME_OFFICER)
    return login_as(client, user)


def test_add_a_pot_with_four_problems_lists_all_four_at_once(client):
    programme_officer(client)
    neighbourhood = NeighbourhoodFactory()
    response = post_form(
        client,
        f"/programme/neighbourhoods/{neighbourhood.id}/pots/new",
        {
            "name": "",
            "budget": "1,000",
            "max_award": "2,000",  # more than the budget
            "fast_track_limit": "-5",  # below zero
            "closes_on": ["1", "1", "2026"],  # a dated pot with no opening date
            "payment_methods": ["bank_transfer"],
        },
    )
    assert error_summary(response) == [
        "Enter the name of the pot",
        "The most one idea can get must not be more than the budget",
        "Enter an amount of £0 or more",
        "Enter the date the pot opens, or say it is rolling",
    ]
    assert len(field_errors(response)) == 4
    assert db.session.execute(sa.select(Pot).where(Pot.neighbourhood_id == neighbourhood.id)).first() is None


def test_a_pot_whose_settings_each_break_a_rule_lists_every_rule(client):
    programme_officer(client)
    neighbourhood = NeighbourhoodFactory()
    PotFactory(neighbourhood=neighbourhood, name="Summer sparks")
    response = post_form(
        client,
        f"/programme/neighbourhoods/{neighbourhood.id}/pots/new",
        {
            "name": "summer SPARKS",  # another pot here has this name
            "budget": "1,000",
            "max_award": "500",
            "fast_track_limit": "600",  # more than the most one idea can get
            "opens_on": ["1", "6", "2026"],
            "closes_on": ["1", "1", "2026"],  # before it opens
            "payment_methods": ["bank_transfer"],
        },
    )
    assert error_summary(response) == [
        "This neighbourhood already has a pot with this name",
        "The fast-track limit must not be more than the most one idea can get",
        "The closing date must be the same as or after the opening date",
    ]


def test_changing_a_pot_lists_the_budget_below_its_awards_with_the_other_problems(client):
    programme_officer(client)
    pot = PotFactory(budget_pence=100_000, max_award_pence=50_000, fast_track_limit_pence=0, is_rolling=True)
    make_award(pot, 30_000)
    response = post_form(
        client,
        f"/programme/neighbourhoods/{pot.neighbourhood_id}/pots/{pot.id}",
        {
            "name": pot.name,
            "budget": "200",  # below the £300 already awarded
            "max_award": "100",
            "fast_track_limit": "",  # not given
            "is_rolling": "y",
            "payment_methods": [],  # none chosen
        },
    )
    assert error_summary(response) == [
        "The budget cannot be less than the £300 already awarded from this pot",
        "Enter the fast-track limit",
        "Select at least one way to pay people",
    ]
    db.session.refresh(pot)
    assert pot.budget_pence == 100_000


def test_a_neighbourhood_with_a_taken_name_and_missing_answers_lists_them_all(client):
    programme_officer(client)
    NeighbourhoodFactory(name="Little London")
    response = post_form(
        client,
        "/programme/neighbourhoods/new",
        {"name": "Little London", "description": "", "host_organisation": "", "geo_code": "E05011111"},
    )
    assert error_summary(response) == [
        "There is already a neighbourhood with this name",
        "Enter a short description",
        "Enter the host organisation",
        "Enter how residents can reach the community builder",
        "Enter a number of weeks, like 2",
        "Select what kind of area the code is for",
    ]
    assert db.session.execute(sa.select(sa.func.count(Neighbourhood.id))).scalar() == 1


def test_open_data_settings_with_three_problems_lists_all_three_at_once(client):
    programme_officer(client)
    response = post_form(
        client,
        "/programme/open-data",
        {
            "prefix": "smallsparks",  # no 360G-
            "funder_name": "",
            "funder_id": "Leeds City Council",  # not an org-id
            "reason": "GTIR120",
            "purposes": ["GTIP160"],
        },
    )
    assert error_summary(response) == [
        "Enter a 360Giving prefix like 360G-smallsparks: 360G- and then letters or numbers",
        "Enter who funds the grants",
        "Enter an identifier like GB-LAE-LDS: a country, a list and the organisation's id",
    ]
    assert db.session.get(OpenDataSettings, 1) is None


def test_a_decision_with_no_reason_and_a_raised_amount_lists_both(client):
    pot = PotFactory()
    chair = UserFactory(roles=[Role.RESIDENT, Role.PANEL_MEMBER], chairs=[pot.neighbourhood])
    application = accepted_idea(pot)
    login_as(client, chair)
    url = f"/panels/{pot.neighbourhood_id}/ideas/{application.id}"
    post_form(client, f"{url}/interest", {"has_interest": "no"}, token_from=url)
    response = post_form(
        client, f"{url}/decision", {"kind": "yes_with_change", "amount": "£150", "reason": ""}, token_from=url
    )
    assert error_summary(response) == [
        "A change can lower the amount, not raise it",
        "Enter the reason for the decision",
    ]
    db.session.refresh(application)
    assert application.status == "submitted"


def accepted_idea(pot):
    from portal.applications.models import Application, CostLine
    from portal.common.time import utcnow

    application = Application(
        pot_id=pot.id,
        applicant_id=UserFactory().id,
        status="submitted",
        idea_name="Street party",
        submitted_at=utcnow(),
        cost_lines=[CostLine(item="Food", amount_pence=10_000)],
    )
    db.session.add(application)
    db.session.commit()
    return application


def test_recording_a_payment_paid_lists_a_future_date_and_a_missing_reference_together(client):
    from portal.domain.roles import PaymentMethod

    case = accepted_award()
    payments.save_payee_details(case.application.id, case.resident, PaymentMethod.BANK_TRANSFER, bank=GOOD_BANK)
    payment = payments.prepare_payment(case.award.id, case.officer_a)
    payments.authorise_payment(payment.id, case.officer_b)
    login_as(client, case.officer_a)
    award_url = f"/finance/awards/{case.award.id}"
    tomorrow = date.today() + timedelta(days=1)
    response = post_form(
        client,
        f"{award_url}/paid",
        {"paid_on": [str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)], "finance_reference": ""},
        token_from=award_url,
    )
    assert error_summary(response) == [
        "The date it was paid must be today or in the past",
        "Enter the reference from the finance system",
    ]


def test_bank_details_a_builder_enters_list_every_wrong_detail_and_the_missing_agreement_at_once(client):
    builder, _ = make_staff(Role.COMMUNITY_BUILDER)
    case = accepted_award(builder=builder)
    login_as(client, builder)
    response = post_form(
        client,
        f"/ideas/{case.application.id}/bank-details",
        {"account_name": "", "sort_code": "30-94", "account_number": "12345", "roll_number": "x" * 19},
    )
    assert error_summary(response) == [
        "Enter the name on the account",
        "Enter a valid sort code like 309430",
        "Account number must be between 6 and 8 digits",
        "Building society roll number must be between 1 and 18 characters",
        "Enter the date the resident agreed to these details",
    ]
    assert db.session.execute(sa.select(PayeeDetails)).first() is None
