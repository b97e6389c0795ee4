"""Jinja filters that mark text up for narrow screens: kept on one line, or allowed to break anywhere."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup


def nowrap(text: Any) -> Markup:
    """Text kept on one line, such as a reference with a hyphen in it ("6TZU-7WWZ")."""
    return Markup('<span class="app-nowrap">%s</span>') % text


def breakable(text: Any) -> Markup:
    """A long unbroken string, such as an email address, that may break anywhere rather than push a narrow page
    sideways (every other word breaks only between words)."""
    return Markup('<span class="govuk-!-text-break-word">%s</span>') % text
