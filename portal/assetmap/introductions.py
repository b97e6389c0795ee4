"""Introductions: a community builder asks two residents who shared what they offer, and share an interest, whether
they would like to meet. Each hears by the way they chose, through a single-use link of their own, without being
told who the other is; only when both have said yes does each get the other's name and how to reach them. One "no"
ends it, and the other hears only that it is not this time. Introductions are counted, never their content: the
interest goes once both have answered, and no message is kept."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from portal.accounts.models import User
from portal.accounts.news import can_be_told, tell, ways_to_hear
from portal.assetmap.models import Introduction, ResidentProfile
from portal.assetmap.services import is_builder_here
from portal.common import audit
from portal.common.crypto import sha256_hex
from portal.common.status import change_introduction_status
from portal.common.time import utcnow
from portal.common.transactions import transactional
from portal.domain.asset_map import IntroductionStatus as Status
from portal.domain.mobiles import shown
from portal.extensions import db
from portal.programme.models import Neighbourhood


class IntroductionRefused(Exception):
    """reason: not_a_builder, same_person, not_shared, already_asked, cannot_reach, unknown_link"""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Side:
    """One resident's view of an introduction, through their own link."""

    introduction: Introduction
    first: bool

    @property
    def answer(self) -> str | None:
        return self.introduction.first_answer if self.first else self.introduction.second_answer

    @property
    def waiting_for_me(self) -> bool:
        """This resident has not answered, and nobody has ended it."""
        return self.answer is None and self.introduction.status == Status.ASKED.value

    @property
    def person(self) -> User:
        return self.introduction.first if self.first else self.introduction.second

    @property
    def other(self) -> User:
        return self.introduction.second if self.first else self.introduction.first


def _profile(user_id: int, neighbourhood_id: int) -> ResidentProfile | None:
    profile = db.session.get(ResidentProfile, user_id)
    return profile if profile is not None and profile.neighbourhood_id == neighbourhood_id else None


def _open_between(first_id: int, second_id: int) -> bool:
    pair = sa.or_(
        sa.and_(Introduction.first_id == first_id, Introduction.second_id == second_id),
        sa.and_(Introduction.first_id == second_id, Introduction.second_id == first_id),
    )
    found = sa.select(Introduction.id).where(pair, Introduction.status.in_((Status.ASKED.value, Status.ACCEPTED.value)))
    return db.session.execute(found).first() is not None


@transactional
def introduce(builder: User, neighbourhood_id: int, first_id: int, second_id: int, interest: str) -> Introduction:
    """Ask both; raises IntroductionRefused when it cannot be asked."""
    if not is_builder_here(builder, neighbourhood_id):
        raise IntroductionRefused("not_a_builder")
    if first_id == second_id:
        raise IntroductionRefused("same_person")
    profiles = [_profile(first_id, neighbourhood_id), _profile(second_id, neighbourhood_id)]
    if any(p is None or interest not in (p.interests or []) for p in profiles):
        raise IntroductionRefused("not_shared")
    if _open_between(first_id, second_id):
        raise IntroductionRefused("already_asked")
    people = [db.session.get(User, first_id), db.session.get(User, second_id)]
    if any(person is None or not can_be_told(person) for person in people):
        raise IntroductionRefused("cannot_reach")
    tokens = [secrets.token_urlsafe(16), secrets.token_urlsafe(16)]
    introduction = Introduction(
        neighbourhood_id=neighbourhood_id,
        made_by_id=builder.id,
        first_id=first_id,
        second_id=second_id,
        interest=interest,
        first_token_hash=sha256_hex(tokens[0]),
        second_token_hash=sha256_hex(tokens[1]),
    )
    db.session.add(introduction)
    db.session.flush()
    place = db.session.get(Neighbourhood, neighbourhood_id)
    for person, token in zip(people, tokens, strict=True):
        assert person is not None
        tell(
            person,
            "assetmap/introduction_asked",
            language=person.language or "en",
            place=place,
            token=token,
            interest=interest,
        )
    audit.record("introduction.asked", actor_id=builder.id, object_type="introduction", object_id=introduction.id)
    return introduction


def side_for(token: str) -> Side | None:
    digest = sha256_hex(token or "")
    found = db.session.execute(
        sa.select(Introduction).where(
            sa.or_(Introduction.first_token_hash == digest, Introduction.second_token_hash == digest)
        )
    ).scalar_one_or_none()
    return None if found is None else Side(found, found.first_token_hash == digest)


def how_to_reach(person: User) -> str:
    """What the other resident is told, once both said yes: the email address or mobile number this one hears by."""
    by_email, _by_text = ways_to_hear(person)
    if by_email and person.email:
        return person.email
    return shown(person.mobile.reveal()) if person.mobile is not None else ""


@transactional
def answer(token: str, yes: bool) -> Side:
    """Record this resident's answer (once: a second answer changes nothing); tell both when it is settled."""
    side = side_for(token)
    if side is None:
        raise IntroductionRefused("unknown_link")
    introduction = db.session.execute(
        sa.select(Introduction).where(Introduction.id == side.introduction.id).with_for_update()
    ).scalar_one()
    side = Side(introduction, side.first)
    if not side.waiting_for_me:
        return side
    if side.first:
        introduction.first_answer = "yes" if yes else "no"
    else:
        introduction.second_answer = "yes" if yes else "no"
    if not yes:
        _settle(introduction, Status.DECLINED)
        other_answer = introduction.second_answer if side.first else introduction.first_answer
        if other_answer == "yes":
            tell(side.other, "assetmap/introduction_not_now", language=side.other.language or "en")
    elif introduction.first_answer == introduction.second_answer == "yes":
        _settle(introduction, Status.ACCEPTED)
        for one, other in ((introduction.first, introduction.second), (introduction.second, introduction.first)):
            tell(
                one,
                "assetmap/introduction_accepted",
                language=one.language or "en",
                name=other.name or "",
                reach=how_to_reach(other),
            )
    return side


def _settle(introduction: Introduction, status: Status) -> None:
    change_introduction_status(introduction, status)
    introduction.settled_at = utcnow()
    introduction.interest = ""  # counted, never its content
    audit.record(f"introduction.{status.value}", object_type="introduction", object_id=introduction.id)


def made_in(neighbourhood_id: int) -> list[Introduction]:
    return list(
        db.session.execute(
            sa.select(Introduction)
            .where(Introduction.neighbourhood_id == neighbourhood_id)
            .order_by(Introduction.created_at.desc(), Introduction.id.desc())
            .limit(50)
        ).scalars()
    )


def counts(neighbourhood_id: int | None = None) -> dict[str, int]:
    """Introductions by status (asked, accepted, declined), in one neighbourhood or all."""
    query = sa.select(Introduction.status, sa.func.count()).group_by(Introduction.status)
    if neighbourhood_id is not None:
        query = query.where(Introduction.neighbourhood_id == neighbourhood_id)
    found = {status.value: 0 for status in Status}
    found.update({status: n for status, n in db.session.execute(query).tuples()})
    return found
