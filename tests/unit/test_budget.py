"""Budget arithmetic in pence: the pot is never overspent."""

import pytest

from portal.domain.budget import BudgetExceeded, check_award_fits, remaining_pence


@pytest.mark.parametrize(
    ("budget", "awarded", "award", "left"),
    [(100_000, 0, 25_000, 75_000), (100_000, 75_000, 25_000, 0), (1, 0, 1, 0), (500_000, 123_456, 1, 376_543)],
)
def test_an_award_that_fits_leaves_the_rest(budget, awarded, award, left):
    assert check_award_fits(budget, awarded, award) == left


@pytest.mark.parametrize(("budget", "awarded", "award"), [(100_000, 75_001, 25_000), (0, 0, 1), (10, 10, 1)])
def test_an_award_that_does_not_fit_is_refused_with_what_is_left(budget, awarded, award):
    with pytest.raises(BudgetExceeded) as refused:
        check_award_fits(budget, awarded, award)
    assert refused.value.remaining_pence == budget - awarded


@pytest.mark.parametrize("award", [0, -1])
def test_an_award_must_be_more_than_nothing(award):
    with pytest.raises(ValueError):
        check_award_fits(100, 0, award)


@pytest.mark.parametrize("bad", [1.5, True, "100"])
def test_money_is_integer_pence(bad):
    with pytest.raises(TypeError):
        remaining_pence(bad, 0)


def test_negative_amounts_are_refused():
    with pytest.raises(ValueError):
        remaining_pence(100, -1)
