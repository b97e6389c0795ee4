"""Counts of the about-you answers as they may be shown: under 10 hidden, and never one hidden cell alone."""

from __future__ import annotations

import pytest

from portal.domain.reach import published, published_total, release_due, rounded, suppressed


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


@pytest.mark.parametrize(("count", "shown"), [(10, 10), (12, 10), (13, 15), (14, 15), (15, 15), (17, 15), (18, 20)])
def test_counts_are_rounded_to_the_nearest_5(count, shown):
    assert rounded(count) == shown


def test_published_counts_hide_on_the_true_counts_and_round_the_rest():
    assert published({"yes": 12, "no": 33, "not_say": 5}) == {"yes": None, "no": 35, "not_say": None}
    assert published({"yes": 10, "no": 11, "not_say": 13}) == {"yes": 10, "no": 10, "not_say": 15}
    assert all(value is None or value % 5 == 0 for value in published({"a": 23, "b": 41, "c": 98}).values())


@pytest.mark.parametrize(("count", "shown"), [(0, None), (9, None), (10, 10), (29, 30), (42, 40)])
def test_the_total_is_hidden_under_10_and_rounded(count, shown):
    assert published_total(count) == shown


@pytest.mark.parametrize(
    ("now", "last", "due"),
    [(9, None, False), (10, None, True), (29, 20, False), (30, 20, True), (21, 20, False), (45, 20, True)],
)
def test_new_figures_are_released_only_after_a_batch_of_10_new_answers(now, last, due):
    assert release_due(now, last) is due


def test_the_direction_of_text_is_its_first_strong_letters():
    from portal.domain.direction import direction_of

    assert direction_of("نزرع الزهور") == "rtl"
    assert direction_of("12 Chapel Street") == "ltr"
    assert direction_of("2026 - «حديقة»") == "rtl"  # numbers and punctuation have no direction of their own
    assert direction_of("123 ...") == "ltr" and direction_of("", otherwise="rtl") == "rtl"


def test_text_reading_the_other_way_is_isolated_and_text_reading_the_same_way_is_left_alone():
    from portal.domain.direction import isolated

    assert isolated("Street garden.", "rtl") == "\u2068Street garden.\u2069"
    assert isolated("حديقة الشارع.", "ltr") == "\u2068حديقة الشارع.\u2069"
    assert isolated("Street garden.", "ltr") == "Street garden."
    assert isolated("حديقة", "rtl") == "حديقة"
    assert isolated("2026", "rtl") == "2026" and isolated("", "rtl") == ""
