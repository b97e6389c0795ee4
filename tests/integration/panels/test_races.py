"""Races found by reading the code, run on PostgreSQL with real concurrent sessions: a view, a withdrawal or a
budget change at the same moment as a decision never undoes the decision or overspends the pot."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

import pytest
import sqlalchemy as sa

from tests.conftest import fresh_postgres_database, make_test_app, migrate_to_head

IDEAS = 10
AWARD = 10_000


@pytest.fixture
def postgres_app():
    from portal.extensions import db

    with fresh_postgres_database("sparks_races") as url:
        app = make_test_app(url, SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 2 * IDEAS + 4, "max_overflow": 0})
        migrate_to_head(app)
        yield app
        with app.app_context():
            db.engine.dispose()


def set_up(app, budget_pence):
    """A pot, a chair and a member (both declared no interest), a resident's ideas; returns their ids."""
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
        limits = PotLimits(
            budget_pence=budget_pence,
            max_award_pence=AWARD,
            fast_track_limit_pence=0,
            opens_on=date(2020, 1, 1),
            closes_on=date(2099, 1, 1),
            is_rolling=False,
        )
        pot = save_pot(None, place, None, name="Pot", payment_methods=["bank_transfer"], limits=limits)
        panel = {Role.RESIDENT, Role.PANEL_MEMBER}
        chair = create_user(
            "chair@example.org", "Chair", panel, panel_neighbourhood_ids=(place.id,), chair_of=(place.id,)
        )
        member = create_user("member@example.org", "Member", panel, panel_neighbourhood_ids=(place.id,))
        resident = create_user("resident@example.org", "Res", {Role.RESIDENT})
        officer = create_user("officer@example.org", "Officer", {Role.PROGRAMME_OFFICER}, password="x" * 12)
        ids = []
        for _ in range(IDEAS):
            idea = Application(
                pot_id=pot.id,
                applicant_id=resident.id,
                status="submitted",
                cost_lines=[CostLine(item="Things", amount_pence=AWARD)],
            )
            db.session.add(idea)
            db.session.commit()
            for person in (chair, member):
                declare_interest(idea.id, person, has_interest=False, note="")
            ids.append(idea.id)
        return {
            "pot": pot.id,
            "chair": chair.id,
            "member": member.id,
            "resident": resident.id,
            "officer": officer.id,
            "ideas": ids,
        }


def at_once(app, calls: list[Callable[[], object]]) -> list[str]:
    """Run every call in its own thread, app context and database session, released together by a barrier.
    Returns each call's outcome: 'done', or the name of the error it raised."""
    from portal.extensions import db

    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = ["not run"] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        with app.app_context():
            barrier.wait(timeout=30)
            try:
                call()
                outcomes[index] = "done"
            except Exception as error:  # noqa: BLE001 - the test counts every kind of outcome
                outcomes[index] = getattr(error, "rule", None) or type(error).__name__
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def person(user_id):
    from portal.accounts.models import User
    from portal.extensions import db

    return db.session.get(User, user_id)


def final_state(app, ids):
    """Each idea's status and whether it has an award."""
    from portal.applications.models import Application
    from portal.awards.models import Award
    from portal.extensions import db

    with app.app_context():
        rows = db.session.execute(
            sa.select(Application.id, Application.status, Award.id)
            .outerjoin(Award, Award.application_id == Application.id)
            .where(Application.id.in_(ids))
        ).all()
        db.session.remove()
    return {idea_id: (status, award_id is not None) for idea_id, status, award_id in rows}


def test_a_view_given_as_the_decision_is_made_never_undoes_the_decision(postgres_app):
    from portal.domain.decisions import DecisionKind, ViewKind
    from portal.panels.services import give_view, record_decision

    ids = set_up(postgres_app, budget_pence=AWARD * IDEAS)
    calls = []
    for idea_id in ids["ideas"]:
        calls.append(lambda i=idea_id: give_view(i, person(ids["member"]), view=ViewKind.SUPPORT, comment=""))
        calls.append(lambda i=idea_id: record_decision(i, person(ids["chair"]), kind=DecisionKind.YES, reason="Yes"))
    outcomes = at_once(postgres_app, calls)
    views, decisions = outcomes[0::2], outcomes[1::2]
    assert decisions == ["done"] * IDEAS
    assert set(views) <= {"done", "already_decided"}
    assert final_state(postgres_app, ids["ideas"]) == {i: ("approved", True) for i in ids["ideas"]}


def test_a_withdrawal_at_the_moment_of_a_decision_leaves_one_or_the_other(postgres_app):
    from portal.applications.services import withdraw_application
    from portal.domain.decisions import DecisionKind
    from portal.panels.services import record_decision

    ids = set_up(postgres_app, budget_pence=AWARD * IDEAS)
    calls = []
    for idea_id in ids["ideas"]:
        calls.append(lambda i=idea_id: withdraw_application(i, person(ids["resident"])))
        calls.append(lambda i=idea_id: record_decision(i, person(ids["chair"]), kind=DecisionKind.YES, reason="Yes"))
    outcomes = at_once(postgres_app, calls)
    state = final_state(postgres_app, ids["ideas"])
    for index, idea_id in enumerate(ids["ideas"]):
        withdrawn, decided = outcomes[2 * index], outcomes[2 * index + 1]
        assert {withdrawn, decided} <= {"done", "InvalidTransition", "StatusChangedMeanwhile"}
        assert [withdrawn, decided].count("done") == 1, (withdrawn, decided)
        expected = ("withdrawn", False) if withdrawn == "done" else ("approved", True)
        assert state[idea_id] == expected


def test_a_budget_lowered_while_decisions_are_made_never_falls_below_the_awards(postgres_app):
    from portal.awards.models import Award
    from portal.domain.decisions import DecisionKind
    from portal.domain.pots import PotLimits
    from portal.extensions import db
    from portal.programme.models import Pot
    from portal.programme.services import save_pot

    ids = set_up(postgres_app, budget_pence=AWARD * IDEAS)
    lowered = AWARD * 3

    def lower_the_budget():
        pot = db.session.get(Pot, ids["pot"])
        limits = PotLimits(
            budget_pence=lowered,
            max_award_pence=AWARD,
            fast_track_limit_pence=0,
            opens_on=pot.opens_on,
            closes_on=pot.closes_on,
            is_rolling=False,
        )
        save_pot(
            ids["officer"], pot.neighbourhood, pot, name=pot.name, limits=limits, payment_methods=["bank_transfer"]
        )

    from portal.panels.services import record_decision

    calls = [lower_the_budget] + [
        lambda i=idea_id: record_decision(i, person(ids["chair"]), kind=DecisionKind.YES, reason="Yes")
        for idea_id in ids["ideas"]
    ]
    outcomes = at_once(postgres_app, calls)
    assert outcomes[0] in ("done", "budget_below_awarded")
    assert set(outcomes[1:]) <= {"done", "BudgetExceeded"}
    with postgres_app.app_context():
        budget = db.session.get(Pot, ids["pot"]).budget_pence
        awarded = db.session.execute(sa.select(sa.func.sum(Award.amount_pence))).scalar() or 0
        db.session.remove()
    assert awarded <= budget
    assert awarded == AWARD * outcomes[1:].count("done")
    assert budget == (lowered if outcomes[0] == "done" else AWARD * IDEAS)
