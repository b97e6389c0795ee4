"""A neighbourhood's asset map (to residents, "What's here"): entries of the six kinds asset-based community
development uses, suggested by residents and kept by community builders. An individual's gift is shown to the
public only when that person has said so."""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import urlsplit

from portal.domain.states import InvalidTransition


class Kind(StrEnum):
    INDIVIDUAL = "individual"  # a person's gift: what they know, can do, care about
    ASSOCIATIONAL = "associational"  # groups and clubs
    ORGANISATIONAL = "organisational"  # the library, the GP practice, a school
    ECONOMIC = "economic"  # a business that lends its office
    CULTURAL = "cultural"
    PHYSICAL = "physical"  # a patch of land, a room, a bench


class EntryStatus(StrEnum):
    SUGGESTED = "suggested"  # a resident suggested it; a builder has not looked yet
    PUBLISHED = "published"
    RETIRED = "retired"  # no longer there, kept in the history
    DECLINED = "declined"  # a suggestion a builder did not take


class IntroductionStatus(StrEnum):
    ASKED = "asked"  # waiting for one answer or both
    ACCEPTED = "accepted"  # both said yes: each has the other's name
    DECLINED = "declined"  # one said no (or was erased before answering): nobody was named


INTRODUCTION_MOVES: dict[IntroductionStatus, frozenset[IntroductionStatus]] = {
    IntroductionStatus.ASKED: frozenset({IntroductionStatus.ACCEPTED, IntroductionStatus.DECLINED}),
    IntroductionStatus.ACCEPTED: frozenset(),
    IntroductionStatus.DECLINED: frozenset(),
}


def move_introduction(current: IntroductionStatus, target: IntroductionStatus) -> IntroductionStatus:
    """Return target if the table allows current → target; raises InvalidTransition otherwise. Settled is final."""
    if target not in INTRODUCTION_MOVES[current]:
        raise InvalidTransition(current, target)
    return target


class Action(StrEnum):
    """What one change to an entry did, as its history shows it."""

    SUGGESTED = "suggested"
    ADDED = "added"
    PUBLISHED = "published"
    CHANGED = "changed"
    CHANGE_SUGGESTED = "change_suggested"
    CHANGE_TAKEN = "change_taken"
    CHANGE_DECLINED = "change_declined"
    DECLINED = "declined"
    RETIRED = "retired"
    RESTORED = "restored"
    UNDONE = "undone"


# The fields a resident's suggestion may set.
SUGGESTED_FIELDS = tuple(
    ["kind", "name", "description", "where_text", "latitude", "longitude", "when_available", "who_to_ask"]
)
# What a change records of an entry (and puts back when undone): those, and what only keepers set.
FIELDS = (*SUGGESTED_FIELDS, "shown_publicly", "status")


class NotAPoint(ValueError):
    """Words that are not a point on a map."""


def point_from(text: str) -> tuple[float, float] | None:
    """A point typed or pasted as a map app gives it ("53.8067, -1.5188", or with a space between): latitude first.
    None for nothing typed; raises NotAPoint for anything else, or a latitude or longitude that cannot be."""
    text = (text or "").strip()
    if not text:
        return None
    parts = text.replace(";", ",").replace(",", " ").split()
    if len(parts) != 2:
        raise NotAPoint(text)
    try:
        latitude, longitude = (float(part) for part in parts)
    except ValueError as error:
        raise NotAPoint(text) from error
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise NotAPoint(text)
    return round(latitude, 6), round(longitude, 6)


def point_text(latitude: float | None, longitude: float | None) -> str:
    return "" if latitude is None or longitude is None else f"{latitude:.6f}, {longitude:.6f}"


def shown_to_the_public(kind: Kind, status: EntryStatus, shown_publicly: bool) -> bool:
    """Published entries are public, except an individual's gift, which is public only with their say-so."""
    if status is not EntryStatus.PUBLISHED:
        return False
    return shown_publicly if kind is Kind.INDIVIDUAL else True


def tile_origin(url: str) -> str | None:
    """The server a tile address names ("https://tiles.example.org"), for the Content-Security-Policy; None for an
    address that is not an http(s) tile template with {z}, {x} and {y}."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc or any(f"{{{c}}}" not in url for c in "zxy"):
        return None
    return f"{parts.scheme}://{parts.netloc}"
