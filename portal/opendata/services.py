"""The programme's awarded grants as 360Giving open data (JSON data package and CSV), and the settings behind them.

Nothing about a resident is published: grants to a person follow the standard's guidance for individuals (a
generic title and description, "Individual Recipient", one identifier per grant, reason and purpose codes), a
group is named by its group name, and places go no finer than the neighbourhood's ward or local-authority code.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app

from portal.accounts.models import User
from portal.applications.models import Application
from portal.awards.models import Award
from portal.common import audit
from portal.common.pence import sum_pence
from portal.common.spreadsheet import csv_lines
from portal.common.time import utcnow
from portal.common.transactions import transactional
from portal.domain.open_data import (
    ORG_ID_PATTERN,
    PREFIX_PATTERN,
    PURPOSES,
    REASONS,
    amount,
    grant_id,
    group_id,
    individual_id,
)
from portal.domain.payments import PaymentStatus
from portal.domain.roles import Role
from portal.domain.states import AwardStatus
from portal.extensions import db
from portal.opendata.models import OpenDataSettings, PublishedGrantPrefix
from portal.panels.models import Decision
from portal.payments.models import Payment
from portal.programme.models import Neighbourhood, Pot

SCHEMA_VERSION = "1.4"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
# An award is a grant once the resident has accepted it (an offer may still be declined); a declined or cancelled
# award never is.
PUBLISHED_AWARDS = (
    AwardStatus.ACCEPTED.value,
    AwardStatus.PAYMENT_PREPARED.value,
    AwardStatus.PAYMENT_AUTHORISED.value,
    AwardStatus.PAID.value,
)
BATCH = 1000


class SettingsProblem(Exception):
    """A setting the open data cannot use; `problems` lists every one found (this first), to show them at once."""

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}")
        self.field = field
        self.rule = rule
        self.problems: list[SettingsProblem] = [self]


def settings_problems(
    *, prefix: str | None, funder_id: str | None, reason: str | None, purposes: list[str] | None
) -> list[SettingsProblem]:
    """Every setting that breaks the 360Giving rules; a setting given as None (not typed, or typed wrong) is left
    out, so a page can check what it has while it explains the rest."""
    problems = []
    if prefix is not None and not PREFIX_PATTERN.match(prefix):
        problems.append(SettingsProblem("prefix", "prefix_format"))
    if funder_id is not None and not ORG_ID_PATTERN.match(funder_id):
        problems.append(SettingsProblem("funder_id", "org_id_format"))
    if reason is not None and reason not in REASONS:
        problems.append(SettingsProblem("reason", "unknown_reason"))
    if purposes is not None and (not purposes or any(code not in PURPOSES for code in purposes)):
        problems.append(SettingsProblem("purposes", "unknown_purpose"))
    return problems


def get_settings() -> OpenDataSettings:
    """The programme's open-data settings (unsaved defaults until an officer saves them)."""
    return db.session.get(OpenDataSettings, 1) or OpenDataSettings(
        id=1, prefix="", funder_name="", funder_id="", individual_reason="GTIR120", individual_purposes="GTIP160"
    )


@transactional
def save_settings(
    officer: User, *, prefix: str, funder_name: str, funder_id: str, reason: str, purposes: list[str]
) -> OpenDataSettings:
    """Programme officers set what the open data says about the programme. Raises SettingsProblem (listing every
    problem)."""
    if not officer.has_role(Role.PROGRAMME_OFFICER):
        raise SettingsProblem("officer", "programme_officers_only")
    problems = settings_problems(prefix=prefix, funder_id=funder_id, reason=reason, purposes=purposes)
    if problems:
        problems[0].problems = problems
        raise problems[0]
    settings = db.session.get(OpenDataSettings, 1, with_for_update=True)
    if settings is None:
        settings = OpenDataSettings(id=1)
        db.session.add(settings)
    elif settings.is_ready and settings.prefix != prefix:
        _keep_published_identifiers(settings.prefix)
    settings.prefix = prefix
    settings.funder_name = funder_name.strip()
    settings.funder_id = funder_id
    settings.individual_reason = reason
    settings.individual_purposes = ",".join(sorted(set(purposes)))
    settings.updated_by_id = officer.id
    db.session.flush()
    audit.record("open_data.settings_changed", actor_id=officer.id, object_type="open_data_settings", object_id=1)
    return settings


def _keep_published_identifiers(prefix: str) -> None:
    """Before the prefix changes: every grant published until now, and not already kept under an earlier prefix,
    keeps this one, so its identifiers stay as they were first published."""
    kept = sa.select(PublishedGrantPrefix.award_id).where(PublishedGrantPrefix.award_id == Award.id)
    db.session.execute(
        sa.insert(PublishedGrantPrefix).from_select(
            ["award_id", "prefix"],
            sa.select(Award.id, sa.literal(prefix, sa.String(60))).where(
                Award.status.in_(PUBLISHED_AWARDS), ~kept.exists()
            ),
        )
    )


@dataclass(frozen=True)
class GrantRow:
    award: Award
    application: Application
    pot: Pot
    neighbourhood: Neighbourhood
    decided_at: Any
    disbursed_pence: int | None
    paid_at: Any
    first_prefix: str | None  # the prefix it was first published under, if the programme's has changed since


def _grants_query() -> Any:
    """Every published grant, oldest award first, with what the standard needs of it, in one statement."""
    paid = (
        sa.select(
            Payment.award_id,
            sum_pence(Payment.amount_pence).label("pence"),
            sa.func.max(Payment.ended_at).label("paid_at"),
        )
        .where(Payment.status == PaymentStatus.PAID.value)
        .group_by(Payment.award_id)
        .subquery()
    )
    return (
        sa.select(
            Award,
            Application,
            Pot,
            Neighbourhood,
            Decision.decided_at,
            paid.c.pence,
            paid.c.paid_at,
            PublishedGrantPrefix.prefix,
        )
        .join(Application, Application.id == Award.application_id)
        .join(Pot, Pot.id == Award.pot_id)
        .join(Neighbourhood, Neighbourhood.id == Pot.neighbourhood_id)
        .join(Decision, Decision.id == Award.decision_id)
        .outerjoin(paid, paid.c.award_id == Award.id)
        .outerjoin(PublishedGrantPrefix, PublishedGrantPrefix.award_id == Award.id)
        .where(Award.status.in_(PUBLISHED_AWARDS))
        .order_by(Award.id)
    )


def _grant_rows() -> Iterator[GrantRow]:
    """Every published grant, read in batches (a fixed number of queries per thousand)."""
    result = db.session.execute(_grants_query().execution_options(yield_per=BATCH))
    try:
        for row in result:
            yield GrantRow(*row)
    finally:
        result.close()  # a download stopped part-way must not leave PostgreSQL's cursor open


def grant_page(page: int, per_page: int = 100) -> tuple[list[dict[str, Any]], int]:
    """One page of the published grants in the standard, and how many there are: two queries."""
    settings, programme = get_settings(), _programme()
    total = db.session.scalar(sa.select(sa.func.count(Award.id)).where(Award.status.in_(PUBLISHED_AWARDS))) or 0
    rows = db.session.execute(_grants_query().limit(per_page).offset((page - 1) * per_page))
    return [grant(GrantRow(*row), settings, programme) for row in rows], total


def has_grants() -> bool:
    return (
        db.session.execute(sa.select(Award.id).where(Award.status.in_(PUBLISHED_AWARDS)).limit(1)).first() is not None
    )


def _is_individual(application: Application) -> bool:
    return application.applicant_type not in ("informal_group", "organised_group")


def grant(row: GrantRow, settings: OpenDataSettings, programme: str) -> dict[str, Any]:
    """One grant in the 360Giving Data Standard. Its identifiers (the grant's and its recipient's) use the prefix it
    was first published under; only the programme's code follows the current prefix, one code for all its grants."""
    prefix, application, place = row.first_prefix or settings.prefix, row.application, row.neighbourhood
    individual = _is_individual(application)
    data: dict[str, Any] = {
        # The award's own number, not the idea's reference: that is on the resident's receipt and emails, and would
        # let anyone who has seen them find the grant.
        "id": grant_id(prefix, row.award.id),
        "title": f"{programme} grant to an individual" if individual else (application.idea_name or programme),
        "description": (
            f"A small grant from {programme} to a resident of {place.name} for an activity in their neighbourhood."
            if individual
            else f"A small grant from {programme} to a group in {place.name} for an activity in their neighbourhood."
        ),
        "currency": "GBP",
        "amountAwarded": amount(row.award.amount_pence),
        "awardDate": row.decided_at.date().isoformat(),
        "fundingOrganization": [{"id": settings.funder_id, "name": settings.funder_name}],
        "grantProgramme": [
            {"code": f"{settings.prefix}-POT-{row.pot.id}", "title": f"{programme}: {place.name}, {row.pot.name}"}
        ],
        "fromOpenCall": "Yes",
        "dateModified": (row.paid_at or row.award.accepted_at or row.decided_at).isoformat(),
    }
    if individual:
        data["recipientIndividual"] = {"id": individual_id(prefix, row.award.id), "name": "Individual Recipient"}
        data["toIndividualsDetails"] = {
            "primaryGrantReason": settings.individual_reason,
            "grantPurpose": settings.purposes,
        }
    else:
        data["recipientOrganization"] = [
            {"id": group_id(prefix, application.id), "name": application.group_name or "Community group"}
        ]
    if row.disbursed_pence:
        data["amountDisbursed"] = amount(row.disbursed_pence)
    if place.geo_code:
        data["beneficiaryLocation"] = [
            {"name": place.name, "geoCode": place.geo_code, "geoCodeType": place.geo_code_type, "countryCode": "GB"}
        ]
    return data


def _programme() -> str:
    return str(current_app.config["PROGRAMME_NAME"])


def package_json(base_url: str) -> Iterator[str]:
    """The 360Giving data package, written a grant at a time (it can hold tens of thousands)."""
    settings, programme = get_settings(), _programme()
    head = {
        "version": SCHEMA_VERSION,
        "title": f"{programme}: awarded grants",
        "identifier": f"{settings.prefix}-grants",
        "issued": utcnow().date().isoformat(),
        "modified": utcnow().isoformat(),
        "publisher": {"name": settings.funder_name, "identifier": settings.funder_id},
        "license": LICENCE,
        "accessURL": f"{base_url}/open-data",
        "downloadURL": f"{base_url}/open-data/grants.json",
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "grants": ['
    for number, row in enumerate(_grant_rows()):
        yield ("," if number else "") + json.dumps(grant(row, settings, programme), ensure_ascii=False)
    yield "]}"


# The standard's CSV column titles (as its spreadsheet template and flatten-tool name them), each with where its
# value is in a grant.
CSV_COLUMNS: list[tuple[str, tuple[str | int, ...]]] = [
    ("Identifier", ("id",)),
    ("Title", ("title",)),
    ("Description", ("description",)),
    ("Currency", ("currency",)),
    ("Amount Awarded", ("amountAwarded",)),
    ("Amount Disbursed", ("amountDisbursed",)),
    ("Award Date", ("awardDate",)),
    ("Recipient Org:Identifier", ("recipientOrganization", 0, "id")),
    ("Recipient Org:Name", ("recipientOrganization", 0, "name")),
    ("Recipient Ind:Identifier", ("recipientIndividual", "id")),
    ("Recipient Ind:Name", ("recipientIndividual", "name")),
    ("To Individuals Details:Primary Grant Reason", ("toIndividualsDetails", "primaryGrantReason")),
    ("To Individuals Details:Grant Purpose", ("toIndividualsDetails", "grantPurpose")),
    ("Beneficiary Location:Name", ("beneficiaryLocation", 0, "name")),
    ("Beneficiary Location:Geographic Code", ("beneficiaryLocation", 0, "geoCode")),
    ("Beneficiary Location:Geographic Code Type", ("beneficiaryLocation", 0, "geoCodeType")),
    ("Beneficiary Location:Country Code", ("beneficiaryLocation", 0, "countryCode")),
    ("Funding Org:Identifier", ("fundingOrganization", 0, "id")),
    ("Funding Org:Name", ("fundingOrganization", 0, "name")),
    ("Grant Programme:Code", ("grantProgramme", 0, "code")),
    ("Grant Programme:Title", ("grantProgramme", 0, "title")),
    ("From An Open Call?", ("fromOpenCall",)),
    ("Last Modified", ("dateModified",)),
]


def _pick(data: Any, path: tuple[str | int, ...]) -> Any:
    """The value at path, "" where the grant has none; a list of codes joined as flatten-tool joins them."""
    for step in path:
        try:
            data = data[step]
        except (KeyError, IndexError):
            return ""
    return ";".join(data) if isinstance(data, list) else data


def grants_csv() -> Iterator[str]:
    """The same grants as CSV, one row each, with a spreadsheet's formula characters neutralised."""
    settings, programme = get_settings(), _programme()
    rows = ([_pick(grant(row, settings, programme), path) for _, path in CSV_COLUMNS] for row in _grant_rows())
    return csv_lines([title for title, _ in CSV_COLUMNS], rows)
