"""Programme officers put people on a neighbourhood's panel, take them off, and set the panel's rules."""

from __future__ import annotations

import sqlalchemy as sa

from portal.accounts.models import PanelMembership, User
from portal.domain.roles import Role
from portal.extensions import db
from tests.conftest import login_as, post_form
from tests.factories import NeighbourhoodFactory, UserFactory, make_staff


def officer(client):
    user, _ = make_staff(Role.PROGRAMME_OFFICER)
    return login_as(client, user)


def test_a_new_person_is_added_to_the_panel_as_its_chair(client):
    officer(client)
    place = NeighbourhoodFactory()
    url = f"/programme/neighbourhoods/{place.id}/panel"
    response = post_form(
        client,
        url,
        {
            "member-email": "New.Member@example.org",
            "member-name": "Nia",
            "member-is_chair": "y",
            "member-add": "Add to the panel",
        },
    )
    assert response.headers["Location"] == url
    user = db.session.execute(sa.select(User).where(User.email == "new.member@example.org")).scalar_one()
    assert user.roles == {Role.RESIDENT, Role.PANEL_MEMBER}
    assert db.session.get(PanelMembership, (user.id, place.id)).is_chair
    assert "Nia" in client.get(url).get_data(as_text=True)


def test_taking_someone_off_their_last_panel_removes_the_panel_role(client):
    officer(client)
    place = NeighbourhoodFactory()
    member = UserFactory(roles=[Role.RESIDENT, Role.PANEL_MEMBER], panels=[place])
    url = f"/programme/neighbourhoods/{place.id}/panel"
    post_form(client, f"{url}/members/{member.id}/remove", {}, token_from=url)
    db.session.refresh(member)
    assert member.roles == {Role.RESIDENT}


def test_the_panel_rules_are_saved_and_bad_numbers_explained(client):
    officer(client)
    place = NeighbourhoodFactory()
    url = f"/programme/neighbourhoods/{place.id}/panel"
    html = post_form(
        client, url, {"rules-views_needed": "21", "rules-decisions_by": "chair", "rules-submit": "Save"}
    ).get_data(as_text=True)
    assert "Enter a number of views between 0 and 20" in html and "There is a problem" in html
    post_form(
        client, url, {"rules-views_needed": "5", "rules-decisions_by": "programme_officer", "rules-submit": "Save"}
    )
    db.session.refresh(place)
    assert (place.views_needed, place.decisions_by) == (5, "programme_officer")


def test_a_bad_email_for_a_new_member_is_explained_and_kept(client):
    officer(client)
    place = NeighbourhoodFactory()
    html = post_form(
        client,
        f"/programme/neighbourhoods/{place.id}/panel",
        {"member-email": "nope", "member-name": "", "member-add": "Add"},
    ).get_data(as_text=True)
    assert "Enter an email address in the correct format" in html and "Enter their name" in html
    assert 'value="nope"' in html


def test_only_programme_officers_manage_panels(client):
    place = NeighbourhoodFactory()
    login_as(client, UserFactory(roles=[Role.RESIDENT, Role.PANEL_MEMBER], panels=[place]))
    assert client.get(f"/programme/neighbourhoods/{place.id}/panel").status_code == 403


def add(client, place, email: str, name: str, chair: bool = False):
    data = {"member-email": email, "member-name": name, "member-add": "Add to the panel"}
    if chair:
        data["member-is_chair"] = "y"
    return post_form(client, f"/programme/neighbourhoods/{place.id}/panel", data)


def flashed(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _, message in session.pop("_flashes", [])]


def test_adding_an_existing_account_under_another_name_says_whose_account_it_is(client):
    """Found on a walk: the page said "Someone Else is on the panel" while the list showed the account's own name."""
    officer(client)
    place = NeighbourhoodFactory()
    UserFactory(email="rosa@example.org", name="Rosa Green")
    add(client, place, "rosa@example.org", "Someone Else")
    assert flashed(client) == [
        "rosa@example.org already has an account, as Rosa Green. We have kept that name.",
        "Rosa Green has been added to the panel.",
    ]
    add(client, place, "rosa@example.org", "Rosa Green")
    assert flashed(client) == ["Rosa Green was already on the panel."]


def test_a_panel_has_one_chair_and_the_page_says_who_it_was_before(client):
    officer(client)
    place = NeighbourhoodFactory()
    add(client, place, "pat@example.org", "Pat Chair", chair=True)
    assert flashed(client) == ["Pat Chair has been added to the panel.", "Pat Chair now chairs the panel."]
    page = client.get(f"/programme/neighbourhoods/{place.id}/panel").get_data(as_text=True)
    assert "Ticking this makes them chair instead of Pat Chair." in page
    add(client, place, "chris@example.org", "Chris New", chair=True)
    assert flashed(client) == [
        "Chris New has been added to the panel.",
        "Chris New now chairs the panel, instead of Pat Chair.",
    ]
    chairs = db.session.execute(
        sa.select(User.name)
        .join(PanelMembership, PanelMembership.user_id == User.id)
        .where(PanelMembership.neighbourhood_id == place.id, PanelMembership.is_chair.is_(True))
    ).scalars()
    assert list(chairs) == ["Chris New"]


def test_removing_asks_first_and_names_who_was_removed(client):
    officer(client)
    place = NeighbourhoodFactory()
    chair = UserFactory(name="Pat Chair", roles=[Role.RESIDENT, Role.PANEL_MEMBER], chairs=[place])
    url = f"/programme/neighbourhoods/{place.id}/panel/members/{chair.id}/remove"
    asked = client.get(url).get_data(as_text=True)
    assert "Remove Pat Chair from the" in asked and "They chair this panel." in asked
    assert db.session.get(PanelMembership, (chair.id, place.id)) is not None  # asking removes nobody
    assert post_form(client, url, {}).status_code == 302
    assert flashed(client) == [
        "Pat Chair is no longer on the panel.",
        "The panel has no chair now. Add a member as chair, or tick the box for someone already on it.",
    ]
    assert db.session.get(PanelMembership, (chair.id, place.id)) is None
    assert client.get(url).headers["Location"] == f"/programme/neighbourhoods/{place.id}/panel"  # gone already


def test_a_resident_put_on_a_panel_lands_on_their_own_ideas_after_signing_in(client):
    """Found on a walk: a resident added to a panel landed on that empty panel while their decision waited."""
    import re

    from tests.conftest import outbox
    from tests.factories import PotFactory, sent_idea

    pot = PotFactory()
    resident = UserFactory(
        email="rosa@example.org", roles=[Role.RESIDENT, Role.PANEL_MEMBER], panels=[pot.neighbourhood]
    )
    sent_idea(pot, resident)
    post_form(client, "/sign-in", {"email": "rosa@example.org"})
    code = re.search(r"\b(\d{6})\b", outbox("rosa@example.org")[-1].body).group(1)
    assert post_form(client, "/sign-in/check-your-email", {"code": code}).headers["Location"] == "/ideas"
    member = UserFactory(email="mo@example.org", roles=[Role.RESIDENT, Role.PANEL_MEMBER], panels=[pot.neighbourhood])
    other = client.application.test_client()
    post_form(other, "/sign-in", {"email": member.email})
    code = re.search(r"\b(\d{6})\b", outbox(member.email)[-1].body).group(1)
    landed = post_form(other, "/sign-in/check-your-email", {"code": code}).headers["Location"]
    assert landed == f"/panels/{pot.neighbourhood_id}"  # no ideas of their own: their panel
