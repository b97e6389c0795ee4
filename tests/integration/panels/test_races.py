"""Races found by reading the code, run on PostgreSQL with real concurrent sessions: a view, a withdrawal or a
budget change at the same moment as a decision never undoes the decision or overspends the pot."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
import sqlalchemy as sa

from tests.conftest import postgres_app as running_on_postgres
from tests.integration.panels.race_street import AWARD, IDEAS, seed_race_street


@pytest.fixture
def postgres_app():
    with running_on_postgres("sparks_races", pool_size=2 * IDEAS + 4) as app:
        yield app


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

    ids = seed_race_street(postgres_app, budget_pence=AWARD * IDEAS)
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

    ids = seed_race_street(postgres_app, budget_pence=AWARD * IDEAS)
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

    ids = seed_race_street(postgres_app, budget_pence=AWARD * IDEAS)
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
