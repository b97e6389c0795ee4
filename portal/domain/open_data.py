"""The 360Giving Data Standard as this programme uses it: identifiers, and the codes a grant to an individual
carries. Pure rules, no database (tests/unit check them)."""

from __future__ import annotations

import re
from enum import StrEnum

# A 360Giving prefix is issued by 360Giving: "360G-" and the publisher's short name.
PREFIX_PATTERN = re.compile(r"^360G-[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*$")
# An organisation identifier (org-id.guide): a list code such as GB-LAE or GB-CHC, then the organisation's id.
ORG_ID_PATTERN = re.compile(r"^[A-Z]{2}-[A-Z]{2,5}-[A-Za-z0-9][A-Za-z0-9-]*$")

# Grant to Individuals Reason (GTIR) and Purpose (GTIP) codes that fit resident-led community ideas; the full
# codelists are in the standard (tests check these against it).
REASONS = {
    "GTIR120": "Social action",
    "GTIR110": "Development opportunity",
    "GTIR090": "Marginalised",
}
PURPOSES = {
    "GTIP160": "Community projects",
    "GTIP150": "Creative activities",
    "GTIP110": "Holiday and activity costs",
    "GTIP130": "Education and training",
    "GTIP010": "Unrestricted",
}


class GeoCodeType(StrEnum):
    """Where a neighbourhood is, at ward or local-authority level (never finer: a postcode could find a person)."""

    WARD = "WD"
    UNITARY = "UA"
    DISTRICT = "NMD"
    METROPOLITAN = "MD"
    LONDON_BOROUGH = "LONB"
    COUNTY = "CTY"


# ONS codes: a letter for the nation, two digits for the kind of area, six digits.
GEO_CODE_PATTERN = re.compile(r"^[EWSN]\d{8}$")
# What each kind of area's ONS codes start with (wards in England, Wales, Scotland, Northern Ireland; councils).
GEO_CODE_STARTS = {
    GeoCodeType.WARD: ("E05", "W05", "S13", "N08"),
    GeoCodeType.UNITARY: ("E06", "W06", "S12"),
    GeoCodeType.DISTRICT: ("E07",),
    GeoCodeType.METROPOLITAN: ("E08",),
    GeoCodeType.LONDON_BOROUGH: ("E09",),
    GeoCodeType.COUNTY: ("E10",),
}


def grant_id(prefix: str, award_id: int) -> str:
    return f"{prefix}-AWD-{award_id}"


def individual_id(prefix: str, award_id: int) -> str:
    """One identifier per grant, as the standard's guidance for individuals asks, so grants to one person are not
    linked to each other."""
    return f"{prefix}-IND-{award_id}"


def group_id(prefix: str, application_id: int) -> str:
    """An informal group has no registered number: the programme's prefix and the group's own id (here its idea's,
    the only record of the group the portal keeps)."""
    return f"{prefix}-GRP-{application_id}"


def amount(pence: int) -> int | float:
    """Pounds for the standard's amount fields, exact: whole pounds as an integer, else to the penny."""
    pounds, remainder = divmod(pence, 100)
    return pounds if remainder == 0 else float(f"{pounds}.{remainder:02d}")


def check_geo_code(code: str, code_type: str) -> str | None:
    """None if a neighbourhood's place code is fine (both given, or neither), else the rule it breaks."""
    if not code and not code_type:
        return None
    if not code:
        return "geo_code_missing"
    if code_type not in {t.value for t in GeoCodeType}:
        return "geo_code_type_missing"
    if not GEO_CODE_PATTERN.match(code):
        return "geo_code_format"
    if not code.startswith(GEO_CODE_STARTS[GeoCodeType(code_type)]):
        return "geo_code_kind"
    return None
