"""A pot's limits and dates must agree with each other."""

from datetime import date

import pytest

from portal.domain.pots import PotLimits, PotRuleBroken, check_pot_limits, is_open, open_during


def limits(**changes):
    base = dict(
        budget_pence=100_000,
        max_award_pence=20_000,
        fast_track_limit_pence=5_000,
        opens_on=date(2026, 1, 1),
        closes_on=date(2026, 12, 31),
        is_rolling=False,
    )
    base.update(changes)
    return PotLimits(**base)


def test_sensible_limits_pass():
    check_pot_limits(limits())
    check_pot_limits(limits(is_rolling=True, opens_on=None, closes_on=None))


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"budget_pence": 0}, "budget", "budget_positive"),
        ({"max_award_pence": 0}, "max_award", "max_award_positive"),
        ({"max_award_pence": 100_001}, "max_award", "max_award_within_budget"),
        ({"fast_track_limit_pence": -1}, "fast_track_limit", "fast_track_not_negative"),
        ({"fast_track_limit_pence": 20_001}, "fast_track_limit", "fast_track_within_max_award"),
        ({"opens_on": None}, "opens_on", "opens_on_needed"),
        ({"closes_on": None}, "closes_on", "closes_on_needed"),
        ({"closes_on": date(2025, 12, 31)}, "closes_on", "closes_after_opens"),
    ],
)
def test_contradictory_limits_name_the_setting_to_fix(changes, field, rule):
    with pytest.raises(PotRuleBroken) as raised:
        check_pot_limits(limits(**changes))
    assert (raised.value.field, raised.value.rule) == (field, rule)


@pytest.mark.parametrize(
    ("today", "expected"),
    [(date(2025, 12, 31), False), (date(2026, 1, 1), True), (date(2026, 12, 31), True), (date(2027, 1, 1), False)],
)
def test_a_dated_pot_is_open_between_its_dates_inclusive(today, expected):
    assert is_open(limits(), today) is expected


def test_a_rolling_pot_is_always_open():
    assert is_open(limits(is_rolling=True, opens_on=None, closes_on=None), date(1999, 1, 1))


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (None, None, True),  # since the programme began
        (date(2025, 4, 1), date(2026, 3, 31), True),  # overlaps its first three months
        (date(2026, 4, 1), date(2027, 3, 31), True),  # overlaps the rest
        (date(2024, 4, 1), date(2025, 3, 31), False),  # ended before it opened
        (date(2027, 1, 1), None, False),  # starts the day after it closed
        (date(2026, 12, 31), date(2026, 12, 31), True),  # its closing day
        (None, date(2025, 12, 31), False),  # ends the day before it opened
        (None, date(2026, 1, 1), True),  # its opening day
    ],
)
def test_a_dated_pot_counts_in_a_period_its_days_overlap(start, end, expected):
    assert open_during(limits(), start, end) is expected


def test_a_rolling_pot_counts_in_every_period():
    rolling = limits(is_rolling=True, opens_on=None, closes_on=None)
    assert open_during(rolling, date(1999, 1, 1), date(1999, 1, 2))


def test_every_broken_rule_is_listed_at_once():
    with pytest.raises(PotRuleBroken) as raised:
        check_pot_limits(limits(max_award_pence=100_001, fast_track_limit_pence=-1, opens_on=None, closes_on=None))
    assert [(p.field, p.rule) for p in raised.value.problems] == [
        ("max_award", "max_award_within_budget"),
        ("fast_track_limit", "fast_track_not_negative"),
        ("opens_on", "opens_on_needed"),
        ("closes_on", "closes_on_needed"),
    ]


def test_settings_not_yet_given_are_left_out_of_the_rules_that_compare_with_them():
    from portal.domain.pots import pot_limit_problems

    problems = pot_limit_problems(
        budget_pence=None,
        max_award_pence=50_000,
        fast_track_limit_pence=60_000,
        opens_on=None,
        closes_on=date(2026, 1, 1),
        is_rolling=False,
    )
    assert [(p.field, p.rule) for p in problems] == [
        ("fast_track_limit", "fast_track_within_max_award"),
        ("opens_on", "opens_on_needed"),
    ]
