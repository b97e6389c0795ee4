"""The demo neighbourhoods' maps of what they have: a few entries of different kinds each, kept by the demo community
builder, whose patch is every demo neighbourhood; two residents who share what they offer; a change to how an
institution works. Added once."""

from __future__ import annotations

import sqlalchemy as sa

from portal.accounts.models import User
from portal.assetmap.keepers import set_builders
from portal.assetmap.models import MapEntry
from portal.assetmap.profiles import profile_of, save_profile
from portal.assetmap.services import EntryWords, add_entry
from portal.common.time import utcnow
from portal.domain.asset_map import Kind
from portal.extensions import db
from portal.insight.changes import log_change
from portal.insight.models import InstitutionalChange

BUILDER = "builder@demo.smallsparks.example"
OFFICER = "programme@demo.smallsparks.example"
RESIDENT = "resident@demo.smallsparks.example"
PANEL_MEMBER = "panel@demo.smallsparks.example"

# (kind, name, a few words, where, when, who to ask, everyone may see it, Welsh and Arabic names)
ENTRIES = [
    (
        Kind.PHYSICAL,
        "Back room at the Hub",
        "Seats 20, with a kettle and a hatch to the kitchen.",
        "The community hub, by the library",
        "Weekday evenings and Saturday mornings",
        "Bea at the front desk",
        True,
        {"cy": {"name": "Yr ystafell gefn yn yr Hyb"}, "ar": {"name": "الغرفة الخلفية في المركز"}},
    ),
    (
        Kind.ASSOCIATIONAL,
        "Tuesday walking group",
        "A gentle hour round the park, then tea. Everyone welcome.",
        "Meets at the park gates",
        "Tuesdays at 10am",
        "Just turn up",
        True,
        {"cy": {"name": "Grŵp cerdded dydd Mawrth"}},
    ),
    (
        Kind.ECONOMIC,
        "Corner shop's tool library",
        "Ladders, drills and a wheelbarrow to borrow for free.",
        "The corner shop on the high street",
        "When the shop is open",
        "Ask at the till",
        True,
        {},
    ),
    (
        Kind.INDIVIDUAL,
        "Joan bakes for parties",
        "Joan loves baking and will make cakes for a street party.",
        "",
        "Weekends",
        "Ask Bea, the community builder",
        False,  # Joan has not said everyone may see this
        {},
    ),
]


def demo_asset_maps(neighbourhood_ids: list[int]) -> None:
    """Each demo neighbourhood's map, once; the demo community builder works in every demo neighbourhood."""
    builder = db.session.execute(sa.select(User).where(User.email == BUILDER)).scalar_one()
    officer = db.session.execute(sa.select(User).where(User.email == OFFICER)).scalar_one()
    for neighbourhood_id in neighbourhood_ids:
        set_builders(officer, neighbourhood_id, [builder.id])
        if db.session.execute(sa.select(MapEntry.id).where(MapEntry.neighbourhood_id == neighbourhood_id)).first():
            continue
        for kind, name, words, where, when, who, public, other in ENTRIES:
            add_entry(
                builder,
                neighbourhood_id,
                EntryWords(kind, name, words, where, when, who, shown_publicly=public, other_languages=other),
            )


def demo_connections(neighbourhood_id: int) -> None:
    """What two demo residents offer (sharing an interest in gardening, so the demo builder can introduce them) and
    one change to how an institution works, in the first demo neighbourhood. Added once."""
    people = {
        email: db.session.execute(sa.select(User).where(User.email == email)).scalar_one()
        for email in (RESIDENT, PANEL_MEMBER, OFFICER)
    }
    if profile_of(people[RESIDENT].id) is None:
        save_profile(
            people[RESIDENT],
            neighbourhood_id,
            knows="Which plants grow well in shade",
            can_do="Grow seedlings to share",
            cares_about="Green spaces for children",
            interests=["gardening", "cooking"],
        )
        save_profile(
            people[PANEL_MEMBER],
            neighbourhood_id,
            knows="Local history",
            can_do="Build raised beds",
            cares_about="Older neighbours",
            interests=["gardening", "local history"],
        )
    if not db.session.execute(sa.select(InstitutionalChange.id)).first():
        log_change(
            people[OFFICER],
            what_changed="The library now opens on Saturday mornings for the seed swap.",
            happened_on=utcnow().date(),
            neighbourhood_id=neighbourhood_id,
            references=[],
        )
