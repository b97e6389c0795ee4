"""Every part of every page sits in a landmark (axe's "region" rule): the phase banner and the language links in the
header, the back link in a navigation landmark before <main> (so "Skip to main content" still skips it)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from portal.domain.roles import Role
from tests.conftest import login_as
from tests.factories import make_staff


class Landmarks(HTMLParser):
    """For each element with one of the classes asked about, the landmark elements it sits in, outermost first."""

    def __init__(self, classes: set[str]) -> None:
        super().__init__()
        self.classes = classes
        self.open: list[tuple[str, dict[str, str | None]]] = []
        self.found: dict[str, list[list[str]]] = {name: [] for name in classes}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        for name in set((attributes.get("class") or "").split()) & self.classes:
            self.found[name].append([t for t, a in self.open if t in {"header", "nav", "main", "footer"}])
        if tag not in {"br", "input", "img", "meta", "link", "hr", "source", "wbr"}:
            self.open.append((tag, attributes))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                return


def landmarks_of(page: str, *classes: str) -> dict[str, list[list[str]]]:
    parser = Landmarks(set(classes))
    parser.feed(page)
    return parser.found


@pytest.mark.parametrize("path", ["/", "/sign-in", "/staff/sign-in", "/accessibility", "/no-such-page"])
def test_the_phase_banner_and_the_language_links_are_in_the_header(client, path):
    found = landmarks_of(client.get(path).get_data(as_text=True), "govuk-phase-banner", "app-language-form")
    assert found == {"govuk-phase-banner": [["header"]], "app-language-form": [["header"]]}


def test_a_back_link_is_in_a_navigation_landmark_before_main(client):
    builder, _ = make_staff(Role.COMMUNITY_BUILDER)
    login_as(client, builder)
    page = client.get("/assisted/new").get_data(as_text=True)
    assert landmarks_of(page, "govuk-back-link") == {"govuk-back-link": [["nav"]]}
    assert page.index('<nav class="app-back-link-navigation" aria-label="Back">') < page.index("<main")
    assert page.index('href="#main-content"') < page.index("app-back-link-navigation")


def test_a_page_without_a_back_link_has_no_empty_navigation_landmark(client):
    assert "app-back-link-navigation" not in client.get("/").get_data(as_text=True)
