"""What an outside evaluator (a university, say) downloads: pseudonymised, consented data, in one zip.

- stories.csv: the published stories whose residents agreed anyone may read them, as published (an officer reviewed
  them for personal details), with the programme's people's names, emails, phone numbers, postcodes and addresses
  taken out again; each idea under a pseudonym (a keyed hash: the same idea has the same one in every download,
  and nothing leads back to a person).
- outcomes.json: the three outcomes' counts, numbers only.
- map.csv: what each neighbourhood's map holds, without any person's gift, and without where or whom to ask.

Nothing else: no account, no application, no answer a resident did not agree to share."""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.applications.models import Application
from portal.assetmap.models import MapEntry, MapEntryUse, ResidentProfile
from portal.common import audit
from portal.common.spreadsheet import csv_lines
from portal.common.transactions import transactional
from portal.domain.asset_map import EntryStatus, Kind
from portal.domain.pseudonyms import looks_like_a_name, pseudonym, scrubber
from portal.domain.stories import PUBLIC_CONSENTS, StoryStatus
from portal.extensions import db
from portal.insight import outcomes
from portal.insight.services import Filters
from portal.programme.models import Pot
from portal.stories.models import Story

WAYS = ("way_connect", "way_be_active", "way_take_notice", "way_keep_learning", "way_give")


def _key() -> bytes:
    return (str(current_app.config["LOOKUP_HMAC_KEY"]) + ":evaluation").encode()


def _consented() -> list[Story]:
    query = (
        sa.select(Story)
        .where(Story.status == StoryStatus.PUBLISHED.value, Story.consent.in_([c.value for c in PUBLIC_CONSENTS]))
        .options(joinedload(Story.application).joinedload(Application.pot).joinedload(Pot.neighbourhood))
        .options(joinedload(Story.application).joinedload(Application.applicant))
        .order_by(Story.published_at, Story.id)
    )
    return list(db.session.scalars(query).unique())


def _people_named(stories: Iterable[Story]) -> tuple[set[str], set[str]]:
    """The names and postal addresses to take out: everyone the programme holds whom these stories might name (their
    residents, the contact names on their ideas, staff, residents who shared what they offer, and the people the
    neighbourhoods' maps say to ask)."""
    names: set[str] = set()
    addresses: set[str] = set()
    people: list[User] = []
    for story in stories:
        application = story.application
        names.update(n for n in (application.contact_name, story.first_name, application.group_name) if n)
        people.append(application.applicant)
    asked = db.session.scalars(sa.select(MapEntry.who_to_ask).where(MapEntry.who_to_ask != ""))
    names.update(who for who in asked if looks_like_a_name(who))
    people.extend(db.session.scalars(sa.select(User).where(User.password_hash.is_not(None))))
    people.extend(db.session.scalars(sa.select(User).join(ResidentProfile, ResidentProfile.user_id == User.id)))
    for person in people:
        if person.name:
            names.add(person.name)
        if person.postal_address is not None:
            addresses.add(person.postal_address.reveal())
    return names, addresses


def _month(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m") if moment else ""


def stories_csv(stories: list[Story], clean: Callable[[str], str]) -> str:
    header = ["idea", "neighbourhood", "published_month", "language", "went_to_plan", "group_formed"]
    header += ["people_count", *WAYS, "story"]
    rows = []
    for story in stories:
        application = story.application
        rows.append(
            [
                pseudonym(_key(), "idea", application.id),
                application.pot.neighbourhood.name,
                _month(story.published_at),
                application.language,
                story.went_to_plan or "",
                story.group_formed or "",
                "" if story.people_count is None else story.people_count,
                *("yes" if getattr(story, way) else "no" for way in WAYS),
                clean(story.shown_text),
            ]
        )
    return "".join(csv_lines(header, rows, byte_order_mark=True))


def map_csv(clean: Callable[[str], str]) -> str:
    uses = sa.select(sa.func.count()).where(MapEntryUse.entry_id == MapEntry.id).scalar_subquery()
    query = (
        sa.select(MapEntry, uses)
        .where(MapEntry.status == EntryStatus.PUBLISHED.value, MapEntry.kind != Kind.INDIVIDUAL.value)
        .options(joinedload(MapEntry.neighbourhood))
        .order_by(MapEntry.neighbourhood_id, MapEntry.kind, MapEntry.name)
    )
    rows = [
        [
            entry.neighbourhood.name,
            entry.kind,
            clean(entry.name),
            clean(entry.description),
            clean(entry.when_available),
            "yes" if entry.from_application_id else "no",
            used,
        ]
        for entry, used in db.session.execute(query).tuples()
    ]
    header = ["neighbourhood", "kind", "name", "description", "when_available", "made_by_an_idea", "ideas_using_it"]
    return "".join(csv_lines(header, rows, byte_order_mark=True))


def counts(found: outcomes.Outcomes) -> dict[str, Any]:
    """The outcomes as numbers only: no example (a story's title, an entry's name, a change's words) goes."""
    return {
        "groups_formed": found.groups_formed,
        "groups_still_going": [dataclasses.asdict(going) for going in found.groups_going],
        "ideas_using_the_map": found.ideas_using_the_map,
        "introductions": {"asked": found.introductions_asked, "both_accepted": found.introductions_accepted},
        "sparks_still_going": [dataclasses.asdict(going) for going in found.sparks_going],
        "neighbourhoods": [dataclasses.asdict(place) for place in found.places],
        "institutional_changes_logged": found.changes_logged,
    }


def readme() -> str:
    return "\n\n".join(
        [
            _("Small sparks: data for evaluation"),
            _(
                "stories.csv: published stories whose residents agreed anyone may read them. Names, email addresses, "
                "phone numbers, postcodes and addresses are replaced by [name], [email], [phone], [postcode] and "
                "[address]. Each idea has a pseudonym that is the same in every download and leads back to nobody."
            ),
            _("outcomes.json: the counts behind the programme's three outcomes, numbers only."),
            _("map.csv: what each neighbourhood's map holds, without people's gifts, places or contacts."),
        ]
    )


@transactional
def evaluation_zip(person: User) -> bytes:
    """The zip, and an audit row saying who downloaded it (never what it holds)."""
    stories = _consented()
    clean = scrubber(*_people_named(stories))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme())
        archive.writestr("stories.csv", stories_csv(stories, clean))
        archive.writestr("outcomes.json", json.dumps(counts(outcomes.build(Filters())), indent=2))
        archive.writestr("map.csv", map_csv(clean))
    audit.record("evaluation.downloaded", actor_id=person.id, object_type="export", object_id="evaluation")
    return buffer.getvalue()
