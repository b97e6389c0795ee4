"""A pot's money in integer pence: what is left, and whether an award fits. A pot is never overspent."""

from __future__ import annotations


class BudgetExceeded(ValueError):
    """The award is more than the money left in the pot."""

    def __init__(self, award_pence: int, remaining_pence: int) -> None:
        super().__init__(f"award of {award_pence}p is more than the {remaining_pence}p left")
        self.award_pence = award_pence
        self.remaining_pence = remaining_pence


def remaining_pence(budget_pence: int, awarded_pence: int) -> int:
    """Money left: the budget less every award made from it (each award counted once)."""
    _check_pence(budget_pence, awarded_pence)
    return budget_pence - awarded_pence


def check_award_fits(budget_pence: int, awarded_pence: int, award_pence: int) -> int:
    """Return what would be left after this award; raises BudgetExceeded if it does not fit, ValueError if not > 0."""
    _check_pence(budget_pence, awarded_pence, award_pence)
    if award_pence <= 0:
        raise ValueError("an award is more than nothing")
    left = remaining_pence(budget_pence, awarded_pence)
    if award_pence > left:
        raise BudgetExceeded(award_pence, left)
    return left - award_pence


def _check_pence(*amounts: int) -> None:
    for amount in amounts:
        if not isinstance(amount, int) or isinstance(amount, bool):
            raise TypeError("money is integer pence")
        if amount < 0:
            raise ValueError("amounts of money are never below zero")
