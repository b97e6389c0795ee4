"""Programme officers create and edit neighbourhoods and pots; bad input is explained on the same page."""

from __future__ import annotations

import sqlalchemy as sa

from portal.common.audit import AuditEvent
from portal.domain.roles import Role
from portal.extensions import db
from portal.programme.models import Neighbourhood, Pot
from tests.conftest import count_queries, login_as, post_form
from tests.factories import NeighbourhoodFactory, PotFactory, UserFactory, make_staff

POT = {
    "name": "Spring sparks",
    "budget": "£5,000",
    "max_award": "500",
    "fast_track_limit": "100.50",
    "opens_on": ["1", "4", "2026"],
    "closes_on": ["31", "3", "2027"],
    "payment_methods": ["bank_transfer", "named_person"],
}


def officer(client):
    user, _ = make_staff(Role.PROGRAMME_OFFICER)
    return login_as(client, user)


def test_a_programme_officer_adds_a_neighbourhood(client):
    user = officer(client)
    response = post_form(
        client,
        "/programme/neighbourhoods/new",
        {
            "name": "Little London",
            "description": "Flats and a park.",
            "host_organisation": "LL Hub",
            "builder_contact": "Sam, 0113 496 0000",
            "decision_weeks": "3",
            "is_active": "y",
        },
    )
    assert response.headers["Location"] == "/programme/neighbourhoods"
    saved = db.session.execute(sa.select(Neighbourhood).where(Neighbourhood.name == "Little London")).scalar_one()
    assert (saved.slug, saved.is_active, saved.decision_weeks) == ("little-london", True, 3)
    assert saved.builder_contact == "Sam, 0113 496 0000"
    event = db.session.execute(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).scalars().first()
    assert (event.action, event.actor_id, event.object_id) == ("neighbourhood.created", user.id, str(saved.id))
    assert "Little London has been saved." in client.get("/programme/neighbourhoods").get_data(as_text=True)


def test_an_empty_neighbourhood_form_explains_each_missing_answer(client):
    officer(client)
    html = post_form(client, "/programme/neighbourhoods/new", {"name": " ", "description": "Kept text"}).get_data(
        as_text=True
    )
    assert "Enter the neighbourhood&#39;s name" in html or "Enter the neighbourhood's name" in html
    assert "Enter the host organisation" in html
    assert "Enter how residents can reach the community builder" in html
    assert "Kept text" in html


def test_the_decision_time_must_be_a_sensible_number_of_weeks(client):
    officer(client)
    for weeks, message in [
        ("", "Enter a number of weeks, like 2"),
        ("two", "Enter a number of weeks between 1 and 26"),
        ("0", "Enter a number of weeks between 1 and 26"),
    ]:
        html = post_form(
            client,
            "/programme/neighbourhoods/new",
            {
                "name": "X",
                "description": "y",
                "host_organisation": "z",
                "builder_contact": "c",
                "decision_weeks": weeks,
            },
        ).get_data(as_text=True)
        assert message in html, weeks
    assert html.count('class="govuk-error-summary"') == 1


def test_two_neighbourhoods_cannot_share_a_name(client):
    officer(client)
    NeighbourhoodFactory(name="Beeston", slug="beeston")
    html = post_form(
        client,
        "/programme/neighbourhoods/new",
        {
            "name": "beeston",
            "description": "x",
            "host_organisation": "y",
            "builder_contact": "c",
            "decision_weeks": "2",
        },
    ).get_data(as_text=True)
    assert "There is already a neighbourhood with this name" in html


def test_a_programme_officer_edits_a_neighbourhood(client):
    officer(client)
    place = NeighbourhoodFactory(name="Armley", slug="armley")
    post_form(
        client,
        f"/programme/neighbourhoods/{place.id}",
        {
            "name": "Armley and Wortley",
            "description": "New words",
            "host_organisation": "Hub",
            "builder_contact": "Jo at the hub",
            "decision_weeks": "2",
        },
    )
    db.session.refresh(place)
    assert (place.name, place.is_active, place.description) == ("Armley and Wortley", False, "New words")


def test_a_programme_officer_adds_a_pot_with_money_in_pence(client):
    officer(client)
    place = NeighbourhoodFactory()
    response = post_form(client, f"/programme/neighbourhoods/{place.id}/pots/new", POT)
    assert response.status_code == 302
    pot = db.session.execute(sa.select(Pot).where(Pot.neighbourhood_id == place.id)).scalar_one()
    assert (pot.budget_pence, pot.max_award_pence, pot.fast_track_limit_pence) == (500_000, 50_000, 10_050)
    assert pot.payment_methods == ["bank_transfer", "named_person"]
    assert "£5,000" in client.get("/programme/neighbourhoods").get_data(as_text=True)


def test_a_pot_whose_limits_contradict_is_refused_with_the_typed_values_kept(client):
    officer(client)
    place = NeighbourhoodFactory()
    html = post_form(client, f"/programme/neighbourhoods/{place.id}/pots/new", {**POT, "max_award": "6,000"}).get_data(
        as_text=True
    )
    assert "The most one idea can get must not be more than the budget" in html
    assert 'value="6,000"' in html and 'value="£5,000"' in html
    assert db.session.execute(sa.select(Pot).where(Pot.neighbourhood_id == place.id)).first() is None


def test_an_amount_that_is_not_money_is_explained(client):
    officer(client)
    place = NeighbourhoodFactory()
    html = post_form(
        client, f"/programme/neighbourhoods/{place.id}/pots/new", {**POT, "budget": "12.345", "fast_track_limit": "-5"}
    ).get_data(as_text=True)
    assert "Enter an amount in pounds and pence, like 250 or 1,250.50" in html
    assert "Enter an amount of £0 or more" in html
    assert 'value="12.345"' in html


def test_a_pot_needs_dates_unless_it_is_rolling(client):
    officer(client)
    place = NeighbourhoodFactory()
    html = post_form(
        client, f"/programme/neighbourhoods/{place.id}/pots/new", {**POT, "opens_on": ["", "", ""]}
    ).get_data(as_text=True)
    assert "Enter the date the pot opens, or say it is rolling" in html
    response = post_form(
        client,
        f"/programme/neighbourhoods/{place.id}/pots/new",
        {**POT, "opens_on": ["", "", ""], "closes_on": ["", "", ""], "is_rolling": "y"},
    )
    assert response.status_code == 302


def test_a_pot_must_offer_a_way_to_pay(client):
    officer(client)
    place = NeighbourhoodFactory()
    data = {k: v for k, v in POT.items() if k != "payment_methods"}
    html = post_form(client, f"/programme/neighbourhoods/{place.id}/pots/new", data).get_data(as_text=True)
    assert "Select at least one way to pay people" in html


def test_a_pot_is_edited_only_under_its_own_neighbourhood(client):
    officer(client)
    pot = PotFactory()
    other = NeighbourhoodFactory()
    assert client.get(f"/programme/neighbourhoods/{other.id}/pots/{pot.id}").status_code == 404
    assert client.get(f"/programme/neighbourhoods/{pot.neighbourhood_id}/pots/{pot.id}").status_code == 200


def test_people_who_are_not_programme_officers_cannot_set_up_the_programme(client):
    login_as(client, UserFactory(roles=[Role.RESIDENT, Role.PANEL_MEMBER]))
    assert client.get("/programme/neighbourhoods").status_code == 403
    place = NeighbourhoodFactory()
    response = client.post(f"/programme/neighbourhoods/{place.id}", data={"name": "Hijacked"})
    assert response.status_code in (400, 403)
    db.session.refresh(place)
    assert place.name != "Hijacked"


def test_the_neighbourhood_list_uses_the_same_queries_for_3_or_30_neighbourhoods(client):
    officer(client)
    client.get("/programme/neighbourhoods")

    def queries() -> int:
        with count_queries() as statements:
            assert client.get("/programme/neighbourhoods").status_code == 200
        return len(statements)

    for _ in range(3):
        PotFactory()
    few = queries()
    for _ in range(27):
        PotFactory()
    assert queries() == few


def test_a_blank_amount_asks_for_the_amount(client):
    officer(client)
    place = NeighbourhoodFactory()
    html = post_form(client, f"/programme/neighbourhoods/{place.id}/pots/new", {**POT, "budget": "   "}).get_data(
        as_text=True
    )
    assert "Enter the budget" in html


def test_a_budget_cannot_be_lowered_below_what_is_already_awarded(client):
    from tests.conftest import explained
    from tests.factories import make_award

    officer(client)
    pot = PotFactory(budget_pence=500_000, max_award_pence=50_000, fast_track_limit_pence=10_000)
    make_award(pot, 40_000)
    make_award(pot, 30_000)
    url = f"/programme/neighbourhoods/{pot.neighbourhood_id}/pots/{pot.id}"
    response = post_form(client, url, {**POT, "name": pot.name, "budget": "600"})
    explained(response, "The budget cannot be less than the £700 already awarded from this pot", kept=['value="600"'])
    db.session.refresh(pot)
    assert pot.budget_pence == 500_000
    assert post_form(client, url, {**POT, "name": pot.name, "budget": "700"}).status_code == 302
    db.session.refresh(pot)
    assert pot.budget_pence == 70_000
