"""Counts of the about-you answers as they may be shown: under 10 hidden, and never one hidden cell alone."""

from __future__ import annotations

from portal.domain.reach import suppressed


def test_counts_under_10_are_hidden():
    assert suppressed({"yes": 12, "no": 30, "not_say": 0, "other": 4}) == {
        "yes": 12,
        "no": 30,
        "not_say": None,
        "other": None,
    }


def test_a_single_hidden_count_takes_the_next_smallest_with_it():
    # With only "not_say" hidden, 47 - 12 - 30 would give it away; hiding "yes" too stops that.
    assert suppressed({"yes": 12, "no": 30, "not_say": 5}) == {"yes": None, "no": 30, "not_say": None}


def test_nothing_hidden_when_every_count_is_10_or_more():
    assert suppressed({"yes": 10, "no": 11}) == {"yes": 10, "no": 11}
