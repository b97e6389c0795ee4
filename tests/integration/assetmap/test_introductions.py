"""Introductions: a community builder asks two residents who share an interest; each hears the way they chose,
through a link of their own, and nobody is named to the other until both say yes. One "no" ends it without naming
anyone. Introductions are counted, never their content."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa

from portal.assetmap.introductions import counts
from portal.assetmap.models import BuilderPatch, Introduction, ResidentProfile
from portal.domain.mobiles import HearBy
from portal.domain.roles import Role
from portal.extensions import db
from tests.conftest import explained, login_as, post_form
from tests.factories import NeighbourhoodFactory, make_staff
from tests.integration.accounts.test_how_we_contact_you import NUMBER, emails_to, resident, texts_to

LINK = re.compile(r"http://[^/\s]+(/meet/[\w-]+)")


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def neighbours(place, *, texted: bool = False):
    """Rae (email) and Sol (email, or a text), who both shared an interest in gardening, and a builder of the place."""
    rae = resident(email="rae@example.org")
    sol = resident(email=None, mobile=NUMBER, hear_by=HearBy.TEXT) if texted else resident(email="sol@example.org")
    rae.name, sol.name = "Rae Rowan", "Sol Sorrel"
    for person, interests in ((rae, ["gardening", "choir"]), (sol, ["gardening"])):
        db.session.add(ResidentProfile(user_id=person.id, neighbourhood_id=place.id, interests=interests))
    builder = make_staff(Role.COMMUNITY_BUILDER)[0]
    db.session.add(BuilderPatch(user_id=builder.id, neighbourhood_id=place.id))
    db.session.commit()
    return rae, sol, builder


def introduce(client, place, builder, rae, sol, interest="gardening"):
    login_as(client, builder)
    url = f"/neighbourhoods/{place.slug}/people/introduce"
    return post_form(client, url, {"interest": interest, "people": [rae.id, sol.id]})


def link_in(message) -> str:
    found = LINK.search(message.body)
    assert found, message.body
    return found.group(1)


def test_nobody_is_named_until_both_say_yes_then_each_hears_the_other_by_their_own_way(client):
    place = NeighbourhoodFactory()
    rae, sol, builder = neighbours(place, texted=True)
    assert introduce(client, place, builder, rae, sol).status_code == 302
    [to_rae], [to_sol] = emails_to("rae@example.org"), texts_to(NUMBER)
    assert "gardening" in to_rae.body  # the text leaves the interest to the page its link opens
    for message in (to_rae, to_sol):
        for name in ("Rae", "Sol", "rae@example.org", "07700"):
            assert name not in message.body
    client.get("/sign-out")
    rae_link, sol_link = link_in(to_rae), link_in(to_sol)
    asked = page(client.get(rae_link))
    assert "gardening" in asked and "Sol" not in asked and "Rae" not in asked
    post_form(client, rae_link, {"answer": "yes"})
    waiting = page(client.get(rae_link))
    assert "We are waiting for your neighbour's answer" in waiting and "Sol" not in waiting
    assert len(emails_to("rae@example.org")) == 1 and len(texts_to(NUMBER)) == 1  # nothing more until both agree
    post_form(client, sol_link, {"answer": "yes"})
    named_to_rae, named_to_sol = emails_to("rae@example.org")[-1], texts_to(NUMBER)[-1]
    assert "Sol Sorrel" in named_to_rae.body and "07700 900123" in named_to_rae.body
    assert "Rae Rowan" in named_to_sol.body and "rae@example.org" in named_to_sol.body
    assert "You both said yes" in page(client.get(sol_link))
    introduction = db.session.execute(sa.select(Introduction)).scalar_one()
    assert introduction.status == "accepted" and introduction.interest == ""  # counted, never its content
    assert counts(place.id) == {"asked": 0, "accepted": 1, "declined": 0}


def test_one_no_ends_it_and_names_nobody(client):
    place = NeighbourhoodFactory()
    rae, sol, builder = neighbours(place)
    introduce(client, place, builder, rae, sol)
    rae_link, sol_link = link_in(emails_to("rae@example.org")[0]), link_in(emails_to("sol@example.org")[0])
    client.get("/sign-out")
    post_form(client, rae_link, {"answer": "yes"})
    post_form(client, sol_link, {"answer": "no"})
    [_, sorry] = emails_to("rae@example.org")
    assert "cannot meet this time" in sorry.body and "Sol" not in sorry.body
    assert len(emails_to("sol@example.org")) == 1
    assert "Thank you for telling us" in page(client.get(sol_link))
    assert "This introduction has ended" in page(client.get(rae_link))
    post_form(client, sol_link, {"answer": "yes"})  # a changed mind later changes nothing: the link is used
    assert db.session.execute(sa.select(Introduction.status)).scalar_one() == "declined"
    assert counts()["declined"] == 1


def test_the_builder_is_refused_clearly_and_keeps_their_choice(client):
    place = NeighbourhoodFactory()
    rae, sol, builder = neighbours(place)
    url = f"/neighbourhoods/{place.slug}/people/introduce"
    login_as(client, builder)
    one = post_form(client, url, {"interest": "gardening", "people": [rae.id]})
    explained(one, "Choose two people")
    assert re.search(rf'value="{rae.id}" checked', page(one)) and re.search(r'value="gardening" checked', page(one))
    explained(post_form(client, url, {"people": [rae.id, sol.id]}), "Choose the interest they share")
    both = post_form(client, url, {"people": [sol.id]})  # every error at once
    explained(both, "Choose the interest they share")
    explained(both, "Choose two people")
    assert introduce(client, place, builder, rae, sol).status_code == 302
    explained(introduce(client, place, builder, rae, sol), "You have already asked these two")
    assert db.session.execute(sa.select(sa.func.count(Introduction.id))).scalar_one() == 1
    people = page(client.get(f"/neighbourhoods/{place.slug}/people"))
    assert "Rae Rowan and Sol Sorrel · <strong>Waiting for answers</strong>" in people


def test_only_the_neighbourhoods_builders_introduce_and_a_wrong_link_says_so(client):
    place = NeighbourhoodFactory()
    rae, sol, _builder = neighbours(place)
    other = make_staff(Role.COMMUNITY_BUILDER)[0]
    db.session.add(BuilderPatch(user_id=other.id, neighbourhood_id=NeighbourhoodFactory().id))
    db.session.commit()
    login_as(client, other)
    assert client.get(f"/neighbourhoods/{place.slug}/people/introduce").status_code == 404
    login_as(client, rae)
    assert client.get(f"/neighbourhoods/{place.slug}/people/introduce").status_code == 404
    assert db.session.execute(sa.select(Introduction)).first() is None
    missing = client.get("/meet/not-a-real-link")
    assert missing.status_code == 404 and "This link does not work" in page(missing)


def test_erasing_a_resident_ends_their_waiting_introductions_but_keeps_the_count(client):
    place = NeighbourhoodFactory()
    rae, sol, builder = neighbours(place)
    introduce(client, place, builder, rae, sol)
    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    post_form(client, f"/programme/erase-a-resident/{rae.id}", {"confirmed": "y"})
    db.session.expire_all()
    introduction = db.session.execute(sa.select(Introduction)).scalar_one()
    assert (introduction.status, introduction.interest) == ("declined", "")
