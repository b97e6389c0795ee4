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
