"""Where residents give up: each question page an idea opens and goes on from is counted once for its pot and
month, a draft removed or withdrawn unsent is counted on the page it was last seen on, and programme officers see
the counts (a table and a chart) with the median time to send. Nothing names a person or an idea."""

from __future__ import annotations

import html
from datetime import timedelta

import sqlalchemy as sa

from portal.applications import services
from portal.applications.journey_counts import month_of
from portal.applications.models import Application, JourneyCount, JourneyMark
from portal.common.time import utcnow
from portal.domain.roles import Role
from portal.extensions import db
from portal.programme.models import PotQuestion
from tests.conftest import login_as, post_form
from tests.factories import PotFactory, UserFactory, make_staff
from tests.integration.applications.test_journey import answer_everything, start


def counts(pot) -> dict[str, tuple[int, int, int]]:
    rows = db.session.execute(sa.select(JourneyCount).where(JourneyCount.pot_id == pot.id)).scalars()
    return {row.page: (row.started, row.continued, row.left_here) for row in rows}


def test_each_page_is_counted_once_an_idea_as_opened_and_went_on(client):
    pot = PotFactory()
    application, first = start(client, pot)
    base = f"/ideas/{application.id}"
    client.get(first)
    client.get(first)  # a reload is not a second start
    post_form(client, f"{base}/who-is-applying", {"applicant_type": "just_me"})
    client.get(f"{base}/idea-name")
    post_form(client, f"{base}/idea-name", {"idea_name": ""})  # an error: not went on
    found = counts(pot)
    assert found["who-is-applying"] == (1, 1, 0)
    assert found["idea-name"] == (1, 0, 0)
    post_form(client, f"{base}/idea-name", {"idea_name": "Tea"})
    assert counts(pot)["idea-name"] == (1, 1, 0)
    row = db.session.execute(sa.select(JourneyCount).where(JourneyCount.page == "idea-name")).scalar_one()
    assert row.month == month_of(utcnow())


def test_sending_counts_check_your_answers_and_forgets_the_ideas_marks(client):
    pot = PotFactory()
    application, _ = start(client, pot)
    answer_everything(client, application)
    client.get(f"/ideas/{application.id}/costs")
    client.get(f"/ideas/{application.id}/check-your-answers")
    assert db.session.execute(sa.select(sa.func.count()).select_from(JourneyMark)).scalar_one() > 5
    post_form(client, f"/ideas/{application.id}/check-your-answers", {"declaration": "y"})
    found = counts(pot)
    assert found["check-your-answers"] == (1, 1, 0)
    assert found["costs"][1] == 1 and found["contact"][1] == 1
    assert db.session.execute(sa.select(sa.func.count()).select_from(JourneyMark)).scalar_one() == 0


def test_a_draft_removed_unsent_is_counted_where_it_was_last_seen(client, app):
    pot = PotFactory()
    application, first = start(client, pot)
    application_id = application.id
    base = f"/ideas/{application_id}"
    client.get(first)
    post_form(client, f"{base}/who-is-applying", {"applicant_type": "just_me"})
    client.get(f"{base}/idea-name")
    application.updated_at = utcnow() - timedelta(days=app.config["DRAFT_KEEP_DAYS"] + 1)
    db.session.commit()
    reminded, removed = services.tidy_drafts()
    assert removed == 1
    assert counts(pot)["idea-name"] == (1, 0, 1)
    db.session.expunge_all()
    assert db.session.get(Application, application_id) is None
    assert db.session.execute(sa.select(sa.func.count()).select_from(JourneyMark)).scalar_one() == 0


def test_a_draft_withdrawn_is_counted_where_it_was_last_seen(client):
    pot = PotFactory()
    application, first = start(client, pot)
    client.get(first)
    post_form(client, f"/ideas/{application.id}/withdraw", {})
    assert counts(pot)["who-is-applying"] == (1, 0, 1)


def test_a_stranger_is_not_counted_and_looking_at_a_page_changes_nothing(client):
    pot = PotFactory()
    application, first = start(client, pot)
    assert counts(pot) == {"who-is-applying": (1, 0, 0)}  # sent there by starting
    for _ in range(3):
        client.get(first)
        client.get(f"/ideas/{application.id}/idea-name")  # a GET never writes
    assert counts(pot) == {"who-is-applying": (1, 0, 0)}
    login_as(client, UserFactory(roles=[Role.RESIDENT]))
    refused = post_form(client, f"/ideas/{application.id}/who-is-applying", {"applicant_type": "just_me"})
    assert refused.status_code == 404
    assert counts(pot) == {"who-is-applying": (1, 0, 0)}


def test_a_community_builders_entry_is_not_counted(client):
    from portal.applications.assisted import start_assisted_application

    pot = PotFactory()
    builder = make_staff(Role.COMMUNITY_BUILDER)[0]
    login_as(client, builder)
    idea = start_assisted_application(builder, pot, "Rosa", None, "en")
    post_form(client, f"/ideas/{idea.id}/who-is-applying", {"applicant_type": "just_me"})
    assert counts(pot) == {}


def test_officers_see_each_page_in_order_with_the_counts_and_the_median_time_to_send(client):
    pot = PotFactory()
    db.session.add(PotQuestion(pot_id=pot.id, position=1, kind="yes_no", wording="Do you need a room?"))
    db.session.commit()
    application, first = start(client, pot)
    client.get(first)
    post_form(client, f"/ideas/{application.id}/who-is-applying", {"applicant_type": "just_me"})
    sent_idea = Application(
        pot_id=pot.id,
        applicant_id=UserFactory().id,
        status="submitted",
        created_at=utcnow() - timedelta(minutes=20),
        submitted_at=utcnow(),
    )
    db.session.add(sent_idea)
    db.session.commit()
    login_as(client, make_staff(Role.PROGRAMME_OFFICER)[0])
    page = html.unescape(client.get(f"/insight/where-people-give-up?pot={pot.id}").get_data(as_text=True))
    assert "Where residents give up" in page and "<svg" in page
    table = page.split("<table", 1)[1]
    assert table.index("Who is applying?") < table.index("Do you need a room?") < table.index("How can we reach you?")
    assert "(100%)" in page
    assert "20 minutes" in page
    assert application.idea_name is None or application.idea_name not in page
    assert "rosa@example.org" not in page


def test_only_programme_officers_see_where_residents_give_up(client):
    for role in (Role.VIEWER, Role.FINANCE_OFFICER, Role.RESIDENT):
        login_as(client, make_staff(role)[0])
        assert client.get("/insight/where-people-give-up").status_code == 403, role


def test_on_postgresql_two_residents_opening_a_page_at_once_both_count():
    import threading

    from portal.applications import journey_counts
    from tests.conftest import postgres_app

    with postgres_app("sparks_counts", pool_size=6) as app:
        with app.app_context():
            pot = PotFactory()
            ideas = [Application(pot_id=pot.id, applicant_id=UserFactory().id) for _ in range(4)]
            db.session.add_all(ideas)
            db.session.commit()
            pot_id, idea_ids = pot.id, [idea.id for idea in ideas]
        start = threading.Barrier(len(idea_ids))

        def open_page(idea_id: int) -> None:
            with app.app_context():
                idea = db.session.get(Application, idea_id)
                start.wait()
                journey_counts.page_seen(idea, "idea-name")
                db.session.remove()

        threads = [threading.Thread(target=open_page, args=(idea_id,)) for idea_id in idea_ids]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        with app.app_context():
            row = db.session.execute(sa.select(JourneyCount).where(JourneyCount.pot_id == pot_id)).scalar_one()
            assert (row.page, row.started) == ("idea-name", 4)
