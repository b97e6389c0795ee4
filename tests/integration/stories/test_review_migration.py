"""Migration 0023 keeps what the public saw of stories published before it, as reviewed, on a real SQLite file and
on PostgreSQL."""

from __future__ import annotations

from contextlib import contextmanager, nullcontext

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from tests.conftest import fresh_postgres_database, make_test_app, migrate_to_head


@contextmanager
def database(kind: str, tmp_path):
    if kind == "sqlite":
        with nullcontext(f"sqlite:///{tmp_path / 'portal.db'}") as url:
            yield url
    else:
        with fresh_postgres_database("sparks_stories_migration") as url:
            yield url


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_stories_published_before_the_review_rules_keep_what_the_public_saw(tmp_path, kind):
    with database(kind, tmp_path) as url:
        check_the_migration(make_test_app(url, UPLOAD_FOLDER=str(tmp_path / "uploads")))


def check_the_migration(app) -> None:
    from portal.domain.roles import Role
    from portal.extensions import db
    from portal.stories import photo_services, services
    from tests.factories import make_staff
    from tests.integration.stories.helpers import paid_award, photo_bytes

    migrate_to_head(app)
    try:
        with app.app_context():
            officer, _ = make_staff(Role.PROGRAMME_OFFICER)
            ids = {}
            for who, account_name, contact_name in (("rosa", "Rosa Resident", None), ("amina", "", "Amina Khan")):
                case = paid_award()
                case.resident.name = account_name
                case.application.contact_name = contact_name
                db.session.commit()
                services.save_story(case.application.id, case.resident, what_happened="We met.", consent="programme")
                for alt, children in (("Bulbs", False), ("Children", True)):
                    answers = photo_services.PhotoAnswers(alt, may_share=True, shows_children=children)
                    photo_services.add_photo(case.application.id, case.resident, photo_bytes(), answers)
                story = services.send_story(case.application.id, case.resident)
                ids[who] = story.id
            # As the portal stood before: named stories published, the name taken from the account.
            db.session.execute(
                sa.text("UPDATE stories SET status = 'published', consent = 'public_named', published_at = sent_at")
            )
            db.session.commit()
            db.session.remove()
            downgrade(revision="0022")  # as the portal stood before stories were reviewed
            upgrade()
            rows = {
                row.id: row
                for row in db.session.execute(
                    sa.text("SELECT id, first_name, public_title, public_name, review_requested_at FROM stories")
                )
            }
            photos = db.session.execute(
                sa.text("SELECT story_id, alt_text, public_alt_text, review_requested FROM story_photos ORDER BY id")
            ).all()
            db.session.remove()
        rosa, amina = rows[ids["rosa"]], rows[ids["amina"]]
        assert (rosa.first_name, rosa.public_title, rosa.public_name, rosa.review_requested_at) == (
            "Rosa",
            "Street party",
            "Rosa",
            None,
        )
        # The account had no name, so none was shown: the name on the idea waits for an officer before it is.
        assert (amina.first_name, amina.public_name) == ("Amina", None) and amina.review_requested_at is not None
        assert [(p.alt_text, p.public_alt_text, bool(p.review_requested)) for p in photos] == [
            ("Bulbs", "Bulbs", False),
            ("Children", None, False),
        ] * 2
    finally:
        with app.app_context():
            db.engine.dispose()
