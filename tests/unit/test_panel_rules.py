"""The panel's rules, table-driven, with no app and no database."""

from __future__ import annotations

import pytest

from portal.domain.decisions import DecisionRefused
from portal.domain.panel_rules import Idea, Person, check_may_decide, check_may_declare, check_may_give_view

HERE = 1
ELSEWHERE = 2
APPLICANT, BUILDER = 100, 200
IDEA = Idea(neighbourhood_id=HERE, applicant_id=APPLICANT, assisted_by_id=BUILDER)

MEMBER = Person(10, is_programme_officer=False, panels=frozenset({HERE}), chairs=frozenset())
CHAIR = Person(11, is_programme_officer=False, panels=frozenset({HERE}), chairs=frozenset({HERE}))
OTHER_CHAIR = Person(12, is_programme_officer=False, panels=frozenset({ELSEWHERE}), chairs=frozenset({ELSEWHERE}))
OFFICER = Person(13, is_programme_officer=True, panels=frozenset(), chairs=frozenset())
APPLICANT_CHAIR = Person(APPLICANT, is_programme_officer=False, panels=frozenset({HERE}), chairs=frozenset({HERE}))
BUILDER_OFFICER = Person(BUILDER, is_programme_officer=True, panels=frozenset(), chairs=frozenset())


@pytest.mark.parametrize(
    ("person", "had", "has", "refusal"),
    [
        (MEMBER, None, False, None),
        (MEMBER, None, True, None),
        (MEMBER, False, True, None),
        (MEMBER, True, True, None),  # the note can change
        (MEMBER, True, False, "interest_cannot_be_withdrawn"),
        (OFFICER, None, False, None),
        (OTHER_CHAIR, None, False, "not_on_panel"),
    ],
)
def test_who_may_declare_and_that_an_interest_stays_declared(person, had, has, refusal):
    if refusal is None:
        check_may_declare(person, IDEA, had_interest=had, has_interest=has)
    else:
        with pytest.raises(DecisionRefused) as refused:
            check_may_declare(person, IDEA, had_interest=had, has_interest=has)
        assert refused.value.rule == refusal


@pytest.mark.parametrize(
    ("person", "interest", "refusal"),
    [
        (MEMBER, False, None),
        (CHAIR, False, None),
        (MEMBER, None, "declare_first"),
        (MEMBER, True, "has_interest"),
        (OTHER_CHAIR, False, "not_on_panel"),
        (OFFICER, False, "not_on_panel"),
        (APPLICANT_CHAIR, False, "own_idea"),
    ],
)
def test_who_may_give_a_view(person, interest, refusal):
    if refusal is None:
        check_may_give_view(person, IDEA, interest)
    else:
        with pytest.raises(DecisionRefused) as refused:
            check_may_give_view(person, IDEA, interest)
        assert refused.value.rule == refusal


@pytest.mark.parametrize(
    ("person", "interest", "decisions_by", "fast_track", "award", "refusal"),
    [
        (CHAIR, False, "chair", False, 5_000, None),
        (CHAIR, False, "chair", False, None, None),  # not yet, or a question
        (MEMBER, False, "chair", False, 5_000, "not_decider"),
        (OTHER_CHAIR, False, "chair", False, 5_000, "not_decider"),
        (OFFICER, False, "chair", False, 5_000, "not_decider"),
        (OFFICER, False, "programme_officer", False, 5_000, None),
        (CHAIR, False, "programme_officer", False, 5_000, "not_decider"),
        (CHAIR, True, "chair", False, 5_000, "has_interest"),
        (CHAIR, None, "chair", False, 5_000, "declare_first"),
        (APPLICANT_CHAIR, False, "chair", False, 5_000, "own_idea"),
        (OFFICER, False, "chair", True, 1_000, None),
        (OFFICER, False, "chair", True, 1_001, "over_fast_track_limit"),
        (OFFICER, False, "chair", True, None, "over_fast_track_limit"),  # the fast track only says yes
        (OFFICER, True, "chair", True, 1_000, "has_interest"),
        (OFFICER, None, "chair", True, 1_000, "declare_first"),
        (BUILDER_OFFICER, False, "chair", True, 1_000, "own_idea"),
        (BUILDER_OFFICER, False, "programme_officer", False, 1_000, "own_idea"),
        (CHAIR, False, "chair", True, 1_000, "fast_track_programme_officer_only"),
    ],
)
def test_who_may_decide_and_how(person, interest, decisions_by, fast_track, award, refusal):
    def check():
        check_may_decide(
            person,
            IDEA,
            interest,
            decisions_by=decisions_by,
            fast_track=fast_track,
            award_pence=award,
            fast_track_limit_pence=1_000,
        )

    if refusal is None:
        check()
    else:
        with pytest.raises(DecisionRefused) as refused:
            check()
        assert refused.value.rule == refusal


@pytest.mark.parametrize(
    ("fast_track", "settles", "given", "needed", "refusal"),
    [
        (False, True, 2, 3, "not_enough_views"),
        (False, True, 3, 3, None),
        (False, True, 0, 0, None),
        (False, False, 0, 3, None),  # a question to the resident does not wait for views
        (True, True, 0, 3, None),  # the fast track is the programme officer's alone
    ],
)
def test_a_panel_decision_waits_for_the_views_its_rule_asks_for(fast_track, settles, given, needed, refusal):
    person = OFFICER if fast_track else CHAIR

    def check():
        check_may_decide(
            person,
            IDEA,
            False,
            decisions_by="chair",
            fast_track=fast_track,
            award_pence=1_000,
            fast_track_limit_pence=1_000,
            settles=settles,
            views_given=given,
            views_needed=needed,
        )

    if refusal is None:
        check()
    else:
        with pytest.raises(DecisionRefused) as refused:
            check()
        assert refused.value.rule == refusal
