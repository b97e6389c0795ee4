"""A kind eligibility check: up to 3 yes/no questions a pot asks before its form, before anyone signs in. "No" leads
to a page that says why, who to talk to and where else to go, and keeps nothing; "not sure" always goes on, with a
note for the panel."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa

from portal.applications.models import Application
from portal.common.audit import AuditEvent
from portal.domain.roles import Role
from portal.extensions import db
from portal.programme.models import ProgrammeText
from tests.conftest import explained, login_as, outbox, post_form
from tests.factories import NeighbourhoodFactory, PotFactory, UserFactory, make_chair, make_staff
from tests.integration.programme.test_set_up import POT


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def a_pot(*checks: str, **place):
    neighbourhood = NeighbourhoodFactory(
        name="Armley", slug="armley", builder_contact="Sam at the library, 0113 496 0000", **place
    )
    return PotFactory(neighbourhood=neighbourhood, eligibility_checks=list(checks))


def check_url(pot, number: int) -> str:
    return f"/neighbourhoods/armley/pots/{pot.id}/check/{number}"


def counts() -> tuple[int, int]:
    return (
        db.session.execute(sa.select(sa.func.count(Application.id))).scalar_one(),
        db.session.execute(sa.select(sa.func.count(AuditEvent.id))).scalar_one(),
    )


def test_an_officer_chooses_up_to_three_questions_for_a_pot(client):
    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    place = NeighbourhoodFactory()
    url = f"/programme/neighbourhoods/{place.id}/pots/new"
    four = ["lives_here", "not_for_profit", "not_already_paid", "aged_16_or_over"]
    explained(
        post_form(client, url, {**POT, "eligibility_checks": four}), "Choose up to 3 questions", ("Spring sparks",)
    )
    assert place.pots == []
    assert post_form(client, url, {**POT, "eligibility_checks": ["aged_16_or_over", "lives_here"]}).status_code == 302
    db.session.refresh(place)
    assert place.pots[0].eligibility_checks == ["lives_here", "aged_16_or_over"]  # in the list's own order
    edit = text(client.get(f"/programme/neighbourhoods/{place.id}/pots/{place.pots[0].id}"))
    assert re.search(r'value="lives_here"[^>]*checked|checked[^>]*value="lives_here"', edit)


def test_a_visitor_answers_yes_and_not_sure_then_signs_in_and_the_panel_sees_the_note(client):
    pot = a_pot("lives_here", "aged_16_or_over")
    page = text(client.get("/neighbourhoods/armley"))
    assert f'href="{check_url(pot, 1)}"' in page  # "Start now" asks the questions first
    first = text(client.get(check_url(pot, 1)))
    assert "Before you start: question 1 of 2" in first and "Do you live, work or volunteer in" in first
    assert "If you are asking for a group, answer for the group." in first
    assert post_form(client, check_url(pot, 1), {"answer": "not_sure"}).headers["Location"] == check_url(pot, 2)
    done = post_form(client, check_url(pot, 2), {"answer": "yes"})
    assert done.headers["Location"] == f"/neighbourhoods/armley/pots/{pot.id}/start"
    # Signing in starts a new session; the answers (which pot, what was not sure) come along.
    post_form(client, "/sign-in", {"email": "rosa@example.org"})
    code = re.search(r"\b(\d{6})\b", outbox("rosa@example.org")[-1].body).group(1)
    post_form(client, "/sign-in/check-your-email", {"code": code})
    start = f"/neighbourhoods/armley/pots/{pot.id}/start"
    assert client.get(start).status_code == 200  # not sent back to the questions
    post_form(client, start, {})
    idea = db.session.execute(sa.select(Application)).scalar_one()
    assert idea.eligibility_unsure == ["lives_here"]
    assert client.get(check_url(pot, 2)).headers["Location"] == check_url(pot, 1)  # answers used: asked afresh
    idea.status, idea.reference, idea.idea_name = "submitted", "ABCD-EFGH", "Street party"
    db.session.commit()
    login_as(client, make_chair(pot))
    panel = text(client.get(f"/panels/{pot.neighbourhood_id}/ideas/{idea.id}"))
    assert "Not sure before starting" in panel
    assert "whether they live, work or volunteer in the neighbourhood" in panel


def test_no_leads_to_a_page_that_says_why_and_where_to_go_and_keeps_nothing(client):
    pot = a_pot("lives_here", "not_already_paid")
    db.session.add(
        ProgrammeText(
            kind="other_help",
            title="Leeds Community Foundation",
            text="Grants for groups across Leeds.",
            url="https://www.leedscf.org.uk",
            other_languages={"cy": {"title": "Sefydliad Cymunedol Leeds"}},
        )
    )
    db.session.commit()
    before = counts()
    post_form(client, check_url(pot, 1), {"answer": "yes"})
    ruled_out = post_form(client, check_url(pot, 2), {"answer": "no"})
    exit_url = f"{check_url(pot, 2)}/other-help"
    assert ruled_out.headers["Location"] == exit_url
    page = text(client.get(exit_url))
    assert "This money cannot pay for things that have already been bought." in page
    assert "Talk to your community builder before you give up: " in page and "Sam at the library" in page
    assert 'href="https://www.leedscf.org.uk"' in page and "Grants for groups across Leeds." in page
    assert f'href="{check_url(pot, 2)}">Change your answer' in page
    assert counts() == before  # no idea, no audit event: nothing about the person
    with client.session_transaction() as session:
        assert str(pot.id) not in (session.get("checks") or {})
    assert client.get(check_url(pot, 2)).headers["Location"] == check_url(pot, 1)  # start again from the first
    post_form(client, "/language", {"language": "cy", "next": "/"})
    welsh = text(client.get(exit_url))
    assert "Sefydliad Cymunedol Leeds" in welsh
    assert '<p class="govuk-body" lang="en" dir="ltr">Grants for groups across Leeds.</p>' in welsh  # no Welsh yet


def test_no_answer_is_explained_and_no_skipping_ahead(client):
    pot = a_pot("lives_here", "not_for_profit")
    explained(post_form(client, check_url(pot, 1), {}), "Select yes, no or I'm not sure")
    assert client.get(check_url(pot, 2)).headers["Location"] == check_url(pot, 1)
    assert client.get(check_url(pot, 3)).status_code == 404  # the pot asks two
    login_as(client, UserFactory())  # signed in or not, the questions come first
    assert client.get(f"/neighbourhoods/armley/pots/{pot.id}/start").headers["Location"] == check_url(pot, 1)


def test_a_pot_without_questions_starts_as_before(client):
    pot = a_pot()
    login_as(client, UserFactory())
    page = text(client.get("/neighbourhoods/armley"))
    assert f'href="/neighbourhoods/armley/pots/{pot.id}/start"' in page
    assert client.get(f"/neighbourhoods/armley/pots/{pot.id}/start").status_code == 200
    assert client.get(check_url(pot, 1)).headers["Location"] == f"/neighbourhoods/armley/pots/{pot.id}/start"
