"""Reach, without labels: after sending an idea a resident may answer a few questions about themselves. Nothing
links the answers to the idea or the person, the panel never sees them, and they are counted only in aggregate
with numbers under 10 hidden."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa

from portal.domain.roles import Role
from portal.extensions import db
from portal.insight import reach
from portal.insight.reach import AboutYou
from tests.conftest import login_as, post_form
from tests.factories import make_staff
from tests.integration.applications.test_journey import answer_everything, start
from tests.integration.panels.test_pages import member


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_a_resident_may_answer_after_sending_and_nothing_links_the_answers_to_them(client):
    reach.choose_questions(["disability", "carer"])
    application, _ = start(client)
    answer_everything(client, application)
    post_form(client, f"/ideas/{application.id}/check-your-answers", {"declaration": "y"})
    sent = text(client.get(f"/ideas/{application.id}/sent"))
    assert "Answer a few questions about you" in sent
    form = text(client.get("/about-you"))
    assert "How old are you?" in form and "Do you look after someone" in form
    assert "What is your ethnic group?" not in form  # not chosen by this programme
    response = post_form(client, "/about-you", {"age_band": "25_34", "carer": "yes", "ethnic_group": "white"})
    assert response.status_code == 302
    [kept] = db.session.scalars(sa.select(AboutYou)).all()
    assert (kept.age_band, kept.carer, kept.disability, kept.ethnic_group) == ("25_34", "yes", None, None)
    # The table has no column that could lead back to the idea or the person, and no time finer than the month.
    columns = set(sa.inspect(db.engine).get_columns("about_you_answers")[i]["name"] for i in range(7))
    assert columns == {"id", "month", "age_band", "disability", "ethnic_group", "sex", "carer"}
    assert len(kept.month) == 7 and not kept.id.isdigit()
    assert "Answer a few questions about you" not in text(client.get(f"/ideas/{application.id}/sent"))
    # Once each: a second go is not counted again.
    assert "You have already answered these questions" in text(client.get("/about-you"))
    post_form(client, "/about-you", {"age_band": "25_34"}, token_from="/ideas")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AboutYou)) == 1
    # The panel's page for the idea shows nothing of it.
    member(client, application.pot)
    panel = text(client.get(f"/panels/{application.pot.neighbourhood_id}/ideas/{application.id}"))
    assert "25 to 34" not in panel and "How old" not in panel and "look after" not in panel


def test_skipping_or_a_tampered_answer_keeps_nothing(client):
    login_as(client, make_staff(Role.RESIDENT)[0])
    assert post_form(client, "/about-you", {}).status_code == 302
    post_form(client, "/about-you", {"age_band": "<script>", "sex": "female"})  # sex is not asked here
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AboutYou)) == 0


def who_took_part(client) -> str:
    page = text(client.get("/insight"))
    return page.split("Who took part", 1)[1].split("</main>", 1)[0]


def shown_counts(section: str) -> list[int]:
    """Every number in the answer tables (the "People" column)."""
    return [int(n) for n in re.findall(r'govuk-table__cell--numeric">(\d+)<', section)]


def test_the_dashboard_shows_released_counts_rounded_to_5_and_hides_numbers_under_10(client):
    login_as(client, make_staff(Role.VIEWER)[0])
    for _ in range(9):
        reach.save_answers({"age_band": "25_34"})
    assert reach.release_reach_figures() is False  # 9 answers: not a batch yet
    assert "There are no figures yet" in who_took_part(client)
    for _ in range(3):
        reach.save_answers({"age_band": "35_49"})
    assert reach.release_reach_figures() is True
    section = who_took_part(client)
    assert "About 10 people had answered." in section  # 12, rounded to the nearest 5
    rows = section.split("How old are you?", 1)[1].split("</table>", 1)[0]
    # 9 and 3 are under 10: both hidden (so neither can be worked out from the total).
    assert rows.count("fewer than 10") == 8 and shown_counts(rows) == []
    assert ">9<" not in rows and ">3<" not in rows and ">12<" not in rows


def test_one_new_answer_changes_nothing_a_viewer_sees_and_a_batch_does(client):
    """Security review, finding 4: a viewer who reloads before and after one resident answers (right after sending an
    idea, whose time officers see) must learn nothing about that resident's answers."""
    reach.choose_questions(["disability"])
    login_as(client, make_staff(Role.VIEWER)[0])
    for band, disability, times in (("25_34", "no", 14), ("35_49", "yes", 12), ("50_64", "no", 3)):
        for _ in range(times):
            reach.save_answers({"age_band": band, "disability": disability})
    assert reach.release_reach_figures() is True
    before = who_took_part(client)
    numbers = shown_counts(before)
    assert numbers and all(n % 5 == 0 for n in numbers)
    assert "About 30 people had answered." in before  # 29: the live total is never shown

    # One resident answers; the viewer reloads (and even the nightly release runs): nothing they see changes.
    reach.save_answers({"age_band": "50_64", "disability": "yes"})
    assert who_took_part(client) == before
    assert reach.release_reach_figures() is False
    assert who_took_part(client) == before

    # Nine more make a batch of 10: the next release changes the figures, still every one a multiple of 5.
    for _ in range(9):
        reach.save_answers({"age_band": "50_64", "disability": "no"})
    assert who_took_part(client) == before  # not until the release
    assert reach.release_reach_figures() is True
    after = who_took_part(client)
    assert after != before
    assert all(n % 5 == 0 for n in shown_counts(after))
    assert "About 40 people had answered." in after  # 39
    ages = after.split("How old are you?", 1)[1].split("</table>", 1)[0]
    assert "50 to 64</th><td" in ages and ">15<" in ages  # 13, rounded
    assert ">13<" not in ages and ">14<" not in ages and ">12<" not in ages


def test_only_programme_officers_choose_the_questions(client):
    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    assert post_form(client, "/programme/about-you", {"questions": ["sex", "ethnic_group"]}).status_code == 302
    assert reach.chosen_questions() == ["ethnic_group", "sex"]
    for role in (Role.VIEWER, Role.FINANCE_OFFICER, Role.RESIDENT):
        login_as(client, make_staff(role)[0])
        assert client.get("/programme/about-you").status_code == 403
