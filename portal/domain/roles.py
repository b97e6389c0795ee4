"""The roles people hold, and which of them sign in as staff."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    RESIDENT = "resident"
    COMMUNITY_BUILDER = "community_builder"
    PANEL_MEMBER = "panel_member"
    FINANCE_OFFICER = "finance_officer"
    PROGRAMME_OFFICER = "programme_officer"
    VIEWER = "viewer"  # a commissioner or councillor: reads the programme's figures, nothing about any one person
    EVALUATOR = "evaluator"  # an outside evaluator (a university): downloads pseudonymised, consented data


# Paid workers sign in with a password and a one-time code; residents and resident panel members by emailed link.
STAFF_ROLES = frozenset(
    {Role.COMMUNITY_BUILDER, Role.FINANCE_OFFICER, Role.PROGRAMME_OFFICER, Role.VIEWER, Role.EVALUATOR}
)


class PaymentMethod(StrEnum):
    BANK_TRANSFER = "bank_transfer"
    PAID_TO_NAMED_PERSON = "named_person"
    PAID_TO_HOST_ORGANISATION = "host_organisation"
    OTHER_ARRANGEMENT = "other_arrangement"


def needs_staff_sign_in(roles: set[Role] | frozenset[Role]) -> bool:
    """Anyone holding a staff role must use the password and one-time code, whatever else they hold."""
    return bool(set(roles) & STAFF_ROLES)
