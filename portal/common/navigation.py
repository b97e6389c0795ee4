"""Where each person's work is: the header's links, the page they land on after signing in, and what their account
page links to. Features are named by their endpoints, so common imports none of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.common.urls import is_local_request
from portal.domain.roles import Role

# Where each role's work is: the page a person lands on after signing in, and the account page's links.
ROLE_PAGES: dict[Role, str | None] = {
    Role.PROGRAMME_OFFICER: "programme.list_neighbourhoods",
    Role.FINANCE_OFFICER: "finance.list_payments",
    Role.COMMUNITY_BUILDER: "applications.list_assisted",
    Role.PANEL_MEMBER: "panels.list_panels",
    Role.RESIDENT: "applications.list_ideas",
    Role.VIEWER: "insight.show_dashboard",
    Role.EVALUATOR: "insight.show_evaluation",
}


# Where news waits for a person, before their role's own page: features add a function that names the page (a
# resident's ideas, when they have some) or None. A resident put on a panel landed on an empty panel while the
# decision on their own idea waited in "Your ideas".
_news_first: list[Callable[[Any], str | None]] = []


def news_first(where: Callable[[Any], str | None]) -> None:
    _news_first.append(where)


def landing_page(user: Any) -> str:
    """After signing in, each person lands where their news waits (news_first), else where their work is (in
    ROLE_PAGES order); a member of one panel lands on that panel."""
    for where in _news_first:
        page = where(user)
        if page is not None:
            return page
    for role, endpoint in ROLE_PAGES.items():
        if endpoint is None or not user.has_role(role):
            continue
        if role is Role.PANEL_MEMBER and len(user.panel_neighbourhood_ids) == 1:
            return url_for("panels.show_panel", neighbourhood_id=next(iter(user.panel_neighbourhood_ids)))
        return url_for(endpoint)
    return url_for("accounts.account")


def role_links() -> list[dict[str, str | None]]:
    """What the signed-in person can do, each with the page where they do it (None when there is none yet)."""
    names = role_names()
    return [
        {"text": names[role], "href": url_for(endpoint) if endpoint else None}
        for role, endpoint in ROLE_PAGES.items()
        if current_user.has_role(role)
    ]


def role_names() -> dict[Role, str]:
    return {
        Role.RESIDENT: _("Share your ideas for small sparks"),
        Role.COMMUNITY_BUILDER: _("Help residents with their ideas (community builder)"),
        Role.PANEL_MEMBER: _("Decide on ideas for your neighbourhood (panel member)"),
        Role.FINANCE_OFFICER: _("Prepare, authorise and record payments (finance officer)"),
        Role.PROGRAMME_OFFICER: _("Set up neighbourhoods and pots (programme officer)"),
        Role.VIEWER: _("See what the programme has done (viewer)"),
        Role.EVALUATOR: _("Download data for evaluation (evaluator)"),
    }


def service_navigation() -> list[dict[str, Any]]:
    """The links in the header, by what the signed-in person may do; the one for this page marked active."""
    here = request.script_root + request.path
    return [{"text": text, "href": href, "active": here == href} for text, href in _navigation_links()]


# The header's links for each language, set of roles and address prefix, worked out once a process: their words and
# addresses never change while it runs (tests/integration/pages/test_layout_fragments.py checks they match).
_links: dict[tuple[Any, ...], tuple[tuple[str, str], ...]] = {}


def _navigation_links() -> tuple[tuple[str, str], ...]:
    from flask_babel import get_locale

    roles = current_user.roles if current_user.is_authenticated else None
    key = (str(get_locale()), roles, app_shows_outbox(), request.script_root)
    links = _links.get(key)
    if links is None:
        if len(_links) > 1000:
            _links.clear()
        links = _links[key] = tuple((text, url_for(endpoint)) for text, endpoint in _navigation_items())
    return links


def _navigation_items() -> list[tuple[str, str]]:
    items: list[tuple[str, str, bool]] = [(_("Home"), "pages.home", True)]
    if current_user.is_authenticated:
        items.append((_("Your ideas"), "applications.list_ideas", current_user.has_role(Role.RESIDENT)))
        items.append(
            (_("Ideas you helped with"), "applications.list_assisted", current_user.has_role(Role.COMMUNITY_BUILDER))
        )
        items.append(
            (
                _("Panels") if current_user.has_role(Role.PROGRAMME_OFFICER) else _("Your panels"),
                "panels.list_panels",
                current_user.has_role(Role.PANEL_MEMBER, Role.PROGRAMME_OFFICER),
            )
        )
        items.append(
            (_("Neighbourhoods"), "programme.list_neighbourhoods", current_user.has_role(Role.PROGRAMME_OFFICER))
        )
        items.append((_("Stories"), "moderation.list_stories", current_user.has_role(Role.PROGRAMME_OFFICER)))
        items.append(
            (_("Insight"), "insight.show_dashboard", current_user.has_role(Role.PROGRAMME_OFFICER, Role.VIEWER))
        )
        items.append((_("Evaluation"), "insight.show_evaluation", current_user.has_role(Role.EVALUATOR)))
        items.append((_("Payments"), "finance.list_payments", current_user.has_role(Role.FINANCE_OFFICER)))
        items.append((_("Your account"), "accounts.account", True))
        if app_shows_outbox():
            items.append((_("Outbox"), "dev.outbox", True))
    else:
        items.append((_("Sign in"), "accounts.sign_in", True))
    return [(text, endpoint) for text, endpoint, allowed in items if allowed]


def app_shows_outbox() -> bool:
    return (
        bool(current_app.config["SHOW_DEV_OUTBOX"])
        and current_app.config["MAIL_BACKEND"] == "outbox"
        and is_local_request()
    )
