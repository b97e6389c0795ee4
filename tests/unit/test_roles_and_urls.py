"""Who signs in as staff, and where sign-in may send you next."""

import pytest

from portal.common.urls import safe_next
from portal.domain.roles import Role, needs_staff_sign_in


@pytest.mark.parametrize(
    ("roles", "staff"),
    [
        ({Role.RESIDENT}, False),
        ({Role.PANEL_MEMBER}, False),
        ({Role.RESIDENT, Role.PANEL_MEMBER}, False),
        ({Role.COMMUNITY_BUILDER}, True),
        ({Role.FINANCE_OFFICER}, True),
        ({Role.PROGRAMME_OFFICER}, True),
        ({Role.RESIDENT, Role.FINANCE_OFFICER}, True),
    ],
)
def test_anyone_with_a_staff_role_signs_in_as_staff(roles, staff):
    assert needs_staff_sign_in(roles) is staff


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/account", "/account"),
        ("/programme/neighbourhoods?x=1", "/programme/neighbourhoods?x=1"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_sign_in_only_ever_sends_you_to_a_page_on_this_site(target, expected):
    assert safe_next(target) == expected
