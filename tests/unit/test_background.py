"""Every pair of states, allowed and refused, for files made by jobs and for outbox mail (table-driven)."""

from itertools import product

import pytest

from portal.domain.background import FILE_MOVES, MAIL_MOVES, FileStatus, MailStatus, move_file, move_mail
from portal.domain.states import InvalidTransition

F, M = FileStatus, MailStatus

ALLOWED_FILE_MOVES = {
    (F.QUEUED, F.RUNNING),
    (F.RUNNING, F.READY),
    (F.RUNNING, F.FAILED),
    (F.RUNNING, F.QUEUED),  # its worker stopped mid-way: the stalled-work sweep
    (F.FAILED, F.RUNNING),
}
ALLOWED_MAIL_MOVES = {
    (M.QUEUED, M.SENDING),
    (M.SENDING, M.SENT),
    (M.SENDING, M.FAILED),
    (M.SENDING, M.QUEUED),
    (M.FAILED, M.QUEUED),
}


def test_the_tables_cover_every_state():
    assert set(FILE_MOVES) == set(F)
    assert set(MAIL_MOVES) == set(M)


@pytest.mark.parametrize(("current", "target"), list(product(F, F)))
def test_each_file_move_is_allowed_or_refused_exactly_as_listed(current, target):
    if (current, target) in ALLOWED_FILE_MOVES:
        assert move_file(current, target) is target
    else:
        with pytest.raises(InvalidTransition):
            move_file(current, target)


@pytest.mark.parametrize(("current", "target"), list(product(M, M)))
def test_each_mail_move_is_allowed_or_refused_exactly_as_listed(current, target):
    if (current, target) in ALLOWED_MAIL_MOVES:
        assert move_mail(current, target) is target
    else:
        with pytest.raises(InvalidTransition):
            move_mail(current, target)
