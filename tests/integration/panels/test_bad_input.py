"""Every bad input on the panel's idea page: a GOV.UK-style message on the same page, and what was typed kept."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.awards.models import Award
from portal.extensions import db
from portal.panels.models import Decision, Interest, PanelView
from tests.conftest import explained, post_form
from tests.factories import PotFactory
from tests.integration.panels.test_pages import idea, member

TOO_LONG = "y" * 2_001


def _open_idea(client, *, declared=True, pence=10_000, budget=500_000):
    pot = PotFactory(budget_pence=budget, max_award_pence=min(budget, 50_000), fast_track_limit_pence=0)
    application = idea(pot, pence=pence)
    member(client, pot, chair=True)
    url = f"/panels/{pot.neighbourhood_id}/ideas/{application.id}"
    if declared:
        assert post_form(client, f"{url}/interest", {"has_interest": "no"}, token_from=url).status_code == 302
    return url


@pytest.mark.parametrize(
    ("data", "message", "kept"),
    [
        ({}, "Select yes if you have an interest in this idea", ()),
        ({"has_interest": "perhaps"}, "Select yes if you have an interest in this idea", ()),
        ({"has_interest": "yes", "note": " "}, "Say what your interest is", ()),
        ({"has_interest": "yes", "note": "n" * 501}, "Write 500 characters or fewer", ("n" * 501,)),
    ],
    ids=["nothing chosen", "not a choice", "no note", "note too long"],
)
def test_declaring_an_interest_explains_bad_answers(client, data, message, kept):
    url = _open_idea(client, declared=False)
    explained(post_form(client, f"{url}/interest", data, token_from=url), message, kept)
    assert db.session.execute(sa.select(sa.func.count(Interest.id))).scalar_one() == 0


@pytest.mark.parametrize(
    ("data", "message", "kept"),
    [
        ({"comment": "Lovely idea"}, "Select what you think", ("Lovely idea",)),
        ({"view": "support", "comment": "c" * 1_001}, "Write 1000 characters or fewer", ("c" * 1_001,)),
    ],
    ids=["nothing chosen", "comment too long"],
)
def test_giving_a_view_explains_bad_answers(client, data, message, kept):
    url = _open_idea(client)
    explained(post_form(client, f"{url}/view", data, token_from=url), message, kept)
    assert db.session.execute(sa.select(sa.func.count(PanelView.id))).scalar_one() == 0


def test_a_view_before_declaring_asks_for_the_declaration(client):
    url = _open_idea(client, declared=False)
    explained(
        post_form(client, f"{url}/view", {"view": "support", "comment": "Yes!"}, token_from=url),
        "Say whether you have an interest in this idea first",
        ("Yes!",),
    )


DECISION_CASES = [
    ({"reason": "Good for the street"}, "Select what the panel has decided", ("Good for the street",)),
    ({"kind": "yes", "reason": " "}, "Enter the reason for the decision", ()),
    ({"kind": "yes", "reason": TOO_LONG}, "Write 2000 characters or fewer", (TOO_LONG,)),
    (
        {"kind": "yes_with_change", "reason": "A bit less", "amount": "abc"},
        "Enter an amount in pounds and pence, like 250 or 1,250.50",
        ("A bit less", 'value="abc"'),
    ),
    (
        {"kind": "yes_with_change", "reason": "A bit more", "amount": "£150"},
        "A change can lower the amount, not raise it",
        ("A bit more", 'value="£150"'),
    ),
    (
        {"kind": "yes_with_change", "reason": "Nothing", "amount": "0"},
        "The amount must be more than £0",
        ("Nothing",),
    ),
    (
        {"kind": "yes_with_change", "reason": "Less, please"},
        "For 'Yes, with a change', enter a lower amount or a condition",
        ("Less, please",),
    ),
    (
        {"kind": "yes", "reason": "Go on", "condition": "k" * 1_001},
        "Write 1000 characters or fewer",
        ("Go on", "k" * 1_001),
    ),
]


@pytest.mark.parametrize(("data", "message", "kept"), DECISION_CASES, ids=[case[1] for case in DECISION_CASES])
def test_recording_a_decision_explains_bad_answers(client, data, message, kept):
    url = _open_idea(client)
    explained(post_form(client, f"{url}/decision", data, token_from=url), message, kept)
    assert db.session.execute(sa.select(sa.func.count(Decision.id))).scalar_one() == 0


def test_a_yes_the_pot_cannot_afford_is_explained_with_the_money_left(client):
    url = _open_idea(client, pence=10_000, budget=6_000)
    explained(
        post_form(client, f"{url}/decision", {"kind": "yes", "reason": "Worth it"}, token_from=url),
        "There is not enough money left in the pot: £60 is left",
        ("Worth it",),
    )
    assert db.session.execute(sa.select(sa.func.count(Award.id))).scalar_one() == 0
