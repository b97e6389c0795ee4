"""R2 on PostgreSQL with real concurrent sessions: a story is never made twice, and a withdrawal of consent at the
moment of publishing is never undone."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.conftest import postgres_app as running_on_postgres
from tests.integration.panels.test_races import at_once

ATTEMPTS = 10


@pytest.fixture
def postgres_app():
    with running_on_postgres("sparks_story", pool_size=ATTEMPTS + 4) as app:
        yield app


def person(user_id):
    from portal.accounts.models import User
    from portal.extensions import db

    return db.session.get(User, user_id)


def test_ten_first_continues_at_once_make_one_story(postgres_app):
    from portal.extensions import db
    from portal.stories.models import Story
    from portal.stories.services import save_story
    from tests.integration.stories.helpers import paid_award

    with postgres_app.app_context():
        case = paid_award()
        application_id, resident_id = case.application.id, case.resident.id
    calls = [
        lambda n=n: save_story(application_id, person(resident_id), what_happened=f"Try {n}") for n in range(ATTEMPTS)
    ]
    assert at_once(postgres_app, calls) == ["done"] * ATTEMPTS
    with postgres_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Story)) == 1
        db.session.remove()


def test_withdrawing_consent_while_an_officer_publishes_leaves_the_story_private(postgres_app):
    from portal.domain.roles import Role
    from portal.domain.stories import Consent
    from portal.extensions import db
    from portal.stories.publishing import get_public_story, publish_story
    from portal.stories.services import change_consent, save_story, send_story
    from tests.factories import make_staff
    from tests.integration.stories.helpers import paid_award

    for _ in range(3):  # whichever goes first, the story ends up private
        with postgres_app.app_context():
            case = paid_award()
            save_story(case.application.id, case.resident, what_happened="We met.", consent=Consent.PUBLIC_NAMED.value)
            story = send_story(case.application.id, case.resident)
            officer = make_staff(Role.PROGRAMME_OFFICER)[0]
            ids = (case.application.id, case.resident.id, story.id, officer.id)
        application_id, resident_id, story_id, officer_id = ids
        outcomes = at_once(
            postgres_app,
            [
                lambda a=application_id, r=resident_id: change_consent(a, person(r), Consent.PROGRAMME),
                lambda s=story_id, o=officer_id: publish_story(s, person(o), public_text="We met."),
            ],
        )
        assert outcomes[0] == "done" and outcomes[1] in ("done", "not_public")
        with postgres_app.app_context():
            assert get_public_story(story_id) is None
            db.session.remove()
