"""What a resident offers their neighbours: an opt-in profile (what they know, can do and care about, and up to
MOST_INTERESTS interests), private to their neighbourhood's community builders, kept only until they stop sharing."""

from __future__ import annotations

import re
from collections import Counter

import sqlalchemy as sa

from portal.accounts.models import User
from portal.assetmap.models import ResidentProfile
from portal.common import audit
from portal.common.time import utcnow
from portal.common.transactions import transactional
from portal.extensions import db

MOST_INTERESTS = 10


def interests_from(text: str) -> list[str]:
    """Interests typed as a list ("gardening, cooking; choir"), each in lower case once, in the order given."""
    found: list[str] = []
    for part in re.split(r"[,;\n]", text or ""):
        interest = " ".join(part.split()).lower()[:40]
        if interest and interest not in found:
            found.append(interest)
    return found[:MOST_INTERESTS]


def profile_of(user_id: int) -> ResidentProfile | None:
    return db.session.get(ResidentProfile, user_id)


@transactional
def save_profile(
    user: User, neighbourhood_id: int, *, knows: str, can_do: str, cares_about: str, interests: list[str]
) -> ResidentProfile:
    profile = db.session.get(ResidentProfile, user.id)
    if profile is None:
        profile = ResidentProfile(user_id=user.id)
        db.session.add(profile)
    profile.neighbourhood_id = neighbourhood_id
    profile.knows, profile.can_do, profile.cares_about = knows, can_do, cares_about
    profile.interests = interests[:MOST_INTERESTS]
    profile.updated_at = utcnow()
    db.session.flush()
    audit.record("profile.saved", actor_id=user.id, object_type="profile", object_id=user.id)
    return profile


@transactional
def stop_sharing(user: User) -> bool:
    """The resident's profile goes, whole. False if there was none."""
    gone = db.session.execute(sa.delete(ResidentProfile).where(ResidentProfile.user_id == user.id))
    if not gone.rowcount:  # type: ignore[attr-defined]
        return False
    audit.record("profile.removed", actor_id=user.id, object_type="profile", object_id=user.id)
    return True


def profiles_in(neighbourhood_id: int) -> list[ResidentProfile]:
    return list(
        db.session.execute(
            sa.select(ResidentProfile)
            .where(ResidentProfile.neighbourhood_id == neighbourhood_id)
            .order_by(ResidentProfile.updated_at.desc())
        ).scalars()
    )


def shared_interests(profiles: list[ResidentProfile]) -> list[tuple[str, int]]:
    """Interests two or more of these residents share, most shared first: who a builder might introduce."""
    counts = Counter(interest for profile in profiles for interest in set(profile.interests or []))
    return sorted(((interest, n) for interest, n in counts.items() if n >= 2), key=lambda pair: (-pair[1], pair[0]))
