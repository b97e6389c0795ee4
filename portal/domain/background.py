"""The life of work done in the background: a file made by a job (an export, a report) and an email in the outbox.

Pure rules, as for ideas and payments: each status has the moves it allows, and one function per table refuses
anything else, so a job that lost a race to another worker (or a retry of a finished job) changes nothing.
"""

from __future__ import annotations

from enum import StrEnum

from portal.domain.states import InvalidTransition


class FileStatus(StrEnum):
    QUEUED = "queued"  # asked for; a job will make it after the request commits
    RUNNING = "running"  # a worker claimed it and is making it
    READY = "ready"  # made: the file can be downloaded
    FAILED = "failed"  # the last try failed: `error` says why; a retry may claim it again


FILE_MOVES: dict[FileStatus, frozenset[FileStatus]] = {
    FileStatus.QUEUED: frozenset({FileStatus.RUNNING}),
    # Back to queued: the worker making it stopped mid-way (killed, its machine lost), found by the stalled-work sweep.
    FileStatus.RUNNING: frozenset({FileStatus.READY, FileStatus.FAILED, FileStatus.QUEUED}),
    FileStatus.READY: frozenset(),  # a made file never changes: asking again makes a new one
    FileStatus.FAILED: frozenset({FileStatus.RUNNING}),
}


def move_file(current: FileStatus, target: FileStatus) -> FileStatus:
    """Return target if the table allows current → target; raises InvalidTransition otherwise. Ready is final."""
    if target not in FILE_MOVES[current]:
        raise InvalidTransition(current, target)
    return target


class Channel(StrEnum):
    """How an outbox message travels."""

    EMAIL = "email"
    TEXT = "text"


class MailStatus(StrEnum):
    QUEUED = "queued"  # waiting for delivery (or for its next try)
    SENDING = "sending"  # claimed by a worker
    SENT = "sent"
    FAILED = "failed"  # every try failed; `last_error` says why


MAIL_MOVES: dict[MailStatus, frozenset[MailStatus]] = {
    MailStatus.QUEUED: frozenset({MailStatus.SENDING}),
    # Back to queued: a try failed and another is due, or the worker stopped while sending (the outbox sweep).
    MailStatus.SENDING: frozenset({MailStatus.SENT, MailStatus.FAILED, MailStatus.QUEUED}),
    MailStatus.SENT: frozenset(),  # a sent message is never sent again
    MailStatus.FAILED: frozenset({MailStatus.QUEUED}),  # an officer asks for another round of tries
}


def move_mail(current: MailStatus, target: MailStatus) -> MailStatus:
    """Return target if the table allows current → target; raises InvalidTransition otherwise. Sent is final."""
    if target not in MAIL_MOVES[current]:
        raise InvalidTransition(current, target)
    return target
