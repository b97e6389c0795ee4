"""Command-line set-up: the first staff account of a new installation, and the demo data."""

from __future__ import annotations

import json

import sqlalchemy as sa

from portal.accounts.models import User
from portal.accounts.services import password_hasher
from portal.applications.forms import WhoIsApplyingForm
from portal.applications.models import Application
from portal.applications.services import missing_answers
from portal.common.audit import AuditEvent
from portal.domain.roles import Role
from portal.extensions import db
from portal.programme.models import Neighbourhood, ProgrammeText


def test_the_first_programme_officer_is_added_from_the_command_line(app, db_session):
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--email",
            "First.Officer@example.org",
            "--name",
            "First Officer",
            "--role",
            "programme_officer",
            "--password",
            "a long enough password",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.execute(sa.select(User).where(User.email == "first.officer@example.org")).scalar_one()
    assert user.roles == {Role.PROGRAMME_OFFICER}
    assert password_hasher.verify(user.password_hash, "a long enough password")


def test_staff_need_a_proper_password(app, db_session):
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--email",
            "x@example.org",
            "--name",
            "X",
            "--role",
            "finance_officer",
            "--password",
            "short",
        ]
    )
    assert result.exit_code == 2
    assert "at least 12 characters" in result.output


def test_an_email_cannot_be_used_twice(app, db_session):
    args = ["users", "create", "--email", "twice@example.org", "--name", "T", "--role", "resident", "--password", ""]
    assert app.test_cli_runner().invoke(args=args).exit_code == 0
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 2 and "already uses" in result.output


def test_demo_data_can_be_loaded_twice(app, db_session):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo-data"]).exit_code == 0
    counts = (
        db.session.execute(sa.select(sa.func.count(User.id))).scalar(),
        db.session.execute(sa.select(sa.func.count(Neighbourhood.id))).scalar(),
    )
    second = runner.invoke(args=["demo-data"])
    assert second.exit_code == 0, second.output
    assert counts == (
        db.session.execute(sa.select(sa.func.count(User.id))).scalar(),
        db.session.execute(sa.select(sa.func.count(Neighbourhood.id))).scalar(),
    )
    assert counts[0] >= 6 and counts[1] >= 3
    # The programme's short lists, once each however often the demo is loaded.
    kinds = db.session.execute(sa.select(ProgrammeText.kind)).scalars().all()
    assert sorted(kinds) == ["not_yet_reason", "not_yet_reason", "other_help", "other_help"]
    # The demo publishes open data with a grant to a person and one to a group.
    grants = json.loads(app.test_client().get("/open-data/grants.json").get_data(as_text=True))["grants"]
    assert any("recipientIndividual" in g for g in grants) and any("recipientOrganization" in g for g in grants)
    # Each demo neighbourhood has a map of what it has, once; a neighbour's gift on it is not public.
    from portal.assetmap.models import MapEntry

    per_place = db.session.execute(
        sa.select(MapEntry.neighbourhood_id, sa.func.count(MapEntry.id)).group_by(MapEntry.neighbourhood_id)
    ).all()
    assert len(per_place) == 3 and all(count == 4 for _, count in per_place)
    gifts = db.session.execute(sa.select(MapEntry).where(MapEntry.kind == "individual")).scalars().all()
    assert gifts and not any(gift.shown_publicly for gift in gifts)
    # Two residents share an interest (the builder can introduce them), and one change to an institution is logged.
    from portal.assetmap.models import ResidentProfile
    from portal.assetmap.profiles import shared_interests
    from portal.insight.models import InstitutionalChange

    profiles = db.session.execute(sa.select(ResidentProfile)).scalars().all()
    assert shared_interests(profiles) == [("gardening", 2)]
    assert db.session.execute(sa.select(sa.func.count(InstitutionalChange.id))).scalar() == 1


def test_demo_ideas_are_written_and_sent_as_a_resident_would(app, db_session):
    """The demo goes through the services the pages use: every demo idea was started and sent (each leaves its
    audit event), answers every question the journey asks, and says who is applying with one of the form's own
    choices; the demo staff's authenticator is set up through the accounts service."""
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo-data"]).exit_code == 0
    ideas = db.session.scalars(sa.select(Application).where(Application.reference.is_not(None))).all()
    assert len(ideas) >= 7
    choices = {choice.value for choice in WhoIsApplyingForm.applicant_type.kwargs["choices"]}
    for idea in ideas:
        assert missing_answers(idea) == [], idea.idea_name
        assert idea.applicant_type in choices, idea.idea_name
        actions = set(
            db.session.scalars(
                sa.select(AuditEvent.action).where(
                    AuditEvent.object_type == "application", AuditEvent.object_id == str(idea.id)
                )
            )
        )
        assert {"application.started", "application.submitted"} <= actions, idea.idea_name
    finance = db.session.scalar(sa.select(User).where(User.email == "finance@demo.smallsparks.example"))
    assert finance is not None and finance.totp_confirmed_at is not None and finance.totp_secret_encrypted
    assert all(n.geo_code == "E08000035" for n in db.session.scalars(sa.select(Neighbourhood)))
