"""Feedback that invites back: a "not yet" names one of the programme's reasons with what would help; the resident
reads it with the panel's words, who would talk it through and other funds, and tries again with a copy of the idea;
Insight counts the ideas that came back and were funded."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa

from portal.applications.models import Application
from portal.common.page_cache import cache
from portal.domain.decisions import DecisionKind
from portal.domain.roles import Role
from portal.extensions import db
from portal.insight import services as insight
from portal.panels import services
from portal.panels.models import Decision
from portal.programme.models import ProgrammeText
from tests.conftest import explained, login_as, outbox, post_form
from tests.factories import NeighbourhoodFactory, PotFactory, UserFactory, make_chair, make_staff, sent_idea


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def a_reason(**extra) -> ProgrammeText:
    reason = ProgrammeText(
        kind="not_yet_reason",
        title="We had more ideas than money this time.",
        text="Send it again next round, or ask for a little less.",
        other_languages={"cy": {"title": "Roedd gennym fwy o syniadau nag o arian y tro hwn."}},
        **extra,
    )
    db.session.add(reason)
    db.session.commit()
    return reason


def not_yet(reason=None, **place):
    pot = PotFactory(neighbourhood=NeighbourhoodFactory(builder_contact="Sam at the library", **place))
    resident = UserFactory(email="rosa@example.org")
    idea = sent_idea(pot, resident, {"Food": 20_000, "Bunting": 3_000}, idea_description="A party on Mill Lane.")
    chair = make_chair(pot)
    services.declare_interest(idea.id, chair, has_interest=False, note="")
    services.record_decision(
        idea.id,
        chair,
        kind=DecisionKind.NOT_YET,
        reason="Tell us more about who will come.",
        not_yet_reason_id=reason.id if reason else None,
    )
    return pot, resident, idea, chair


def test_an_officer_keeps_the_reasons_for_not_yet(client):
    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    page = text(client.get("/programme/not-yet-reasons"))
    assert "Reasons for not yet" in page and 'name="url"' not in text(client.get("/programme/not-yet-reasons/new"))
    saved = post_form(
        client,
        "/programme/not-yet-reasons/new",
        {"title": "We had more ideas than money this time.", "text": "Send it again next round."},
    )
    assert saved.headers["Location"] == "/programme/not-yet-reasons"
    row = db.session.execute(sa.select(ProgrammeText)).scalar_one()
    assert (row.kind, row.url) == ("not_yet_reason", "")
    assert "We had more ideas than money this time." in text(client.get("/programme/not-yet-reasons"))
    assert "We had more ideas than money" not in text(client.get("/programme/other-help"))  # each list its own
    assert client.get("/programme/no-such-list").status_code == 404


def test_a_not_yet_names_a_reason_when_the_programme_has_some(client):
    reason = a_reason()
    pot = PotFactory()
    idea = sent_idea(pot)
    chair = make_chair(pot)
    services.declare_interest(idea.id, chair, has_interest=False, note="")
    login_as(client, chair)
    url = f"/panels/{pot.neighbourhood_id}/ideas/{idea.id}/decision"
    page = explained(
        post_form(
            client,
            url,
            {"kind": "not_yet", "reason": "Tell us more."},
            token_from=f"/panels/{pot.neighbourhood_id}/ideas/{idea.id}",
        ),
        "Select the reason for not yet",
        ("Tell us more.",),
    )
    assert "We had more ideas than money this time." in page  # offered to choose
    # under its own legend (found by the browser test: the fieldset had lost it)
    assert re.search(r"<legend[^>]*>\s*If the panel says not yet: the reason\s*</legend>", page)
    post_form(
        client,
        url,
        {"kind": "not_yet", "reason": "Tell us more.", "not_yet_reason": str(reason.id)},
        token_from=f"/panels/{pot.neighbourhood_id}/ideas/{idea.id}",
    )
    decision = db.session.execute(sa.select(Decision)).scalar_one()
    assert decision.not_yet_reason_id == reason.id


def test_only_a_reason_for_not_yet_is_kept_with_the_decision(client):
    help_text = ProgrammeText(kind="other_help", title="Citizens Advice")
    db.session.add(help_text)
    db.session.commit()
    _, _, idea, _ = not_yet(help_text)
    assert db.session.execute(sa.select(Decision.not_yet_reason_id)).scalar_one() is None


def test_the_resident_reads_why_and_what_would_help_and_tries_again_with_a_copy(client):
    reason = a_reason()
    db.session.add(
        ProgrammeText(kind="other_help", title="Leeds Community Foundation", url="https://www.leedscf.org.uk")
    )
    db.session.commit()
    pot, resident, idea, _ = not_yet(reason)
    [email] = outbox("rosa@example.org")
    assert f"/ideas/{idea.id}/not-yet" in email.body
    login_as(client, resident)
    assert f'href="/ideas/{idea.id}/not-yet">What would help, and trying again' in text(client.get("/ideas"))
    page = text(client.get(f"/ideas/{idea.id}/not-yet"))
    for shown in (
        "We had more ideas than money this time.",
        "Send it again next round, or ask for a little less.",
        "Tell us more about who will come.",
        "Sam at the library",
        "Leeds Community Foundation",
    ):
        assert shown in page, shown
    post_form(client, "/language", {"language": "cy", "next": "/"})
    assert "Roedd gennym fwy o syniadau nag o arian y tro hwn." in text(client.get(f"/ideas/{idea.id}/not-yet"))

    tried = post_form(client, f"/ideas/{idea.id}/try-again", {}, token_from=f"/ideas/{idea.id}/not-yet")
    copy = db.session.execute(sa.select(Application).where(Application.copied_from_id == idea.id)).scalar_one()
    assert tried.headers["Location"] == f"/ideas/{copy.id}/check-your-answers"
    assert (copy.status, copy.reference, copy.pot_id) == ("draft", None, pot.id)
    assert copy.idea_description == "A party on Mill Lane." and copy.idea_name == idea.idea_name
    assert sorted((line.item, line.amount_pence) for line in copy.cost_lines) == [("Bunting", 3_000), ("Food", 20_000)]
    again = post_form(client, f"/ideas/{idea.id}/try-again", {}, token_from=f"/ideas/{idea.id}/not-yet")
    assert again.headers["Location"] == f"/ideas/{copy.id}/check-your-answers"  # the same copy, not a second
    db.session.refresh(idea)
    assert idea.status == "not_yet"  # the original stays as the panel left it


def test_someone_else_cannot_read_or_copy_it(client):
    _, _, idea, _ = not_yet()
    login_as(client, UserFactory())
    assert client.get(f"/ideas/{idea.id}/not-yet").status_code == 404
    assert post_form(client, f"/ideas/{idea.id}/try-again", {}, token_from="/").status_code == 404
    assert db.session.execute(sa.select(Application).where(Application.copied_from_id == idea.id)).scalar() is None


def test_insight_counts_the_not_yet_ideas_that_came_back_and_were_funded(client):
    pot, resident, idea, chair = not_yet()
    from portal.applications import services as applications

    copy = applications.try_again(idea, resident)
    copy.status, copy.reference, copy.submitted_at = "submitted", "COPY-0001", idea.submitted_at  # sent again
    db.session.commit()
    services.declare_interest(copy.id, chair, has_interest=False, note="")
    services.record_decision(copy.id, chair, kind=DecisionKind.YES, reason="Lovely, thank you.")
    board = insight.build(insight.Filters())
    assert (board.total.came_back, board.total.came_back_funded) == (1, 1)
    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    cache.clear()  # the dashboard keeps its figures for five minutes: another test's may be there
    assert "1 idea sent again, 1 of them funded" in text(client.get("/insight"))
