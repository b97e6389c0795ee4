"""R1 on PostgreSQL with real concurrent sessions: 20 decisions on a pot with room for 5 make exactly 5 awards."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from tests.conftest import fresh_postgres_database, make_test_app, migrate_to_head

DECISIONS = 20
ROOM_FOR = 5
AWARD = 10_000


@pytest.fixture
def postgres_app():
    from portal.extensions import db

    with fresh_postgres_database("sparks_r1") as url:
        app = make_test_app(url, SQLALCHEMY_ENGINE_OPTIONS={"pool_size": DECISIONS + 2, "max_overflow": 0})
        migrate_to_head(app)
        yield app
        with app.app_context():
            db.engine.dispose()


def set_up(app, ideas):
    from datetime import date

    from portal.accounts.services import create_user
    from portal.applications.models import Application, CostLine
    from portal.domain.pots import PotLimits
    from portal.domain.roles import Role
    from portal.extensions import db
    from portal.panels.services import declare_interest
    from portal.programme.services import save_neighbourhood, save_pot

    with app.app_context():
        place = save_neighbourhood(
            None, None, name="Race Street", description="d", host_organisation="h", is_active=True
        )
        pot = save_pot(
            None,
            place,
            None,
            name="Pot",
            payment_methods=["bank_transfer"],
            limits=PotLimits(
                budget_pence=AWARD * ROOM_FOR,
                max_award_pence=AWARD,
                fast_track_limit_pence=0,
                opens_on=date(2020, 1, 1),
                closes_on=date(2099, 1, 1),
                is_rolling=False,
            ),
        )
        chair = create_user(
            "chair@example.org",
            "Chair",
            {Role.RESIDENT, Role.PANEL_MEMBER},
            panel_neighbourhood_ids=(place.id,),
            chair_of=(place.id,),
        )
        resident = create_user("many.ideas@example.org", "Res", {Role.RESIDENT})
        ids = []
        for _ in range(ideas):
            idea = Application(
                pot_id=pot.id,
                applicant_id=resident.id,
                status="submitted",
                cost_lines=[CostLine(item="Things", amount_pence=AWARD)],
            )
            db.session.add(idea)
            db.session.commit()
            declare_interest(idea.id, chair, has_interest=False, note="")
            ids.append(idea.id)
        return pot.id, chair.id, ids


def decide_at_once(app, chair_id, application_ids):
    """Each decision in its own thread, app context and database session, released together by a barrier."""
    from portal.domain.decisions import DecisionKind
    from portal.extensions import db
    from portal.panels.services import record_decision

    barrier = threading.Barrier(len(application_ids))
    outcomes: list[str] = []
    lock = threading.Lock()

    def decide(application_id):
        with app.app_context():
            from portal.accounts.models import User

            chair = db.session.get(User, chair_id)
            barrier.wait(timeout=30)
            try:
                record_decision(application_id, chair, kind=DecisionKind.YES, reason="A good idea")
                result = "awarded"
            except Exception as error:  # noqa: BLE001 - the test counts every kind of outcome
                result = type(error).__name__
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=decide, args=(i,)) for i in application_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_twenty_decisions_at_once_on_a_pot_with_room_for_five_make_exactly_five_awards(postgres_app):
    from portal.awards.models import Award
    from portal.extensions import db
    from portal.programme.models import Pot

    pot_id, chair_id, ids = set_up(postgres_app, DECISIONS)
    outcomes = decide_at_once(postgres_app, chair_id, ids)
    assert sorted(outcomes) == ["BudgetExceeded"] * (DECISIONS - ROOM_FOR) + ["awarded"] * ROOM_FOR
    with postgres_app.app_context():
        amounts = db.session.execute(sa.select(Award.amount_pence).where(Award.pot_id == pot_id)).scalars().all()
        assert amounts == [AWARD] * ROOM_FOR
        assert db.session.get(Pot, pot_id).budget_pence - sum(amounts) == 0


def test_twenty_decisions_at_once_on_one_idea_make_one_award(postgres_app):
    from portal.awards.models import Award
    from portal.extensions import db
    from portal.panels.models import Decision

    _, chair_id, [idea_id] = set_up(postgres_app, 1)
    outcomes = decide_at_once(postgres_app, chair_id, [idea_id] * DECISIONS)
    assert sorted(outcomes) == ["InvalidTransition"] * (DECISIONS - 1) + ["awarded"]
    with postgres_app.app_context():
        assert db.session.execute(sa.select(sa.func.count(Award.id))).scalar() == 1
        assert db.session.execute(sa.select(sa.func.count(Decision.id))).scalar() == 1
