"""On a right-to-left page, every piece of text people wrote in English (an idea's name, the panel's reason, a
neighbourhood's or pot's name) sits in an element that says its direction (dir, with its lang where known), so its
punctuation stays where English puts it. The pages are read as HTML, and each such text's open elements checked."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from portal.domain.decisions import DecisionKind
from portal.extensions import db
from portal.panels import services as panels
from tests.conftest import login_as, post_form
from tests.factories import NeighbourhoodFactory, PotFactory, UserFactory, make_chair, sent_idea

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})
WRITTEN = ("Zebra crossing party!", "Yarrow Fields", "Quokka sparks", "Xylophones welcome.")


class UnmarkedText(HTMLParser):
    """Each of the `wanted` strings met in the page's text, and whether an element around it (not <html>) sets dir."""

    def __init__(self, wanted: tuple[str, ...]) -> None:
        super().__init__(convert_charrefs=True)
        self.wanted = wanted
        self.open: list[tuple[str, bool]] = []
        self.found: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.open.append((tag, tag != "html" and any(name == "dir" for name, _ in attrs)))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                return

    def handle_data(self, data: str) -> None:
        if any(tag in ("title", "script", "style") for tag, _ in self.open):
            return
        for text in self.wanted:
            if text in data:
                self.found.append((text, any(marked for _, marked in self.open)))


def unmarked(page: str) -> tuple[set[str], set[str]]:
    """(the wanted texts found, those found at least once without a direction around them)."""
    parser = UnmarkedText(WRITTEN)
    parser.feed(page)
    return {text for text, _ in parser.found}, {text for text, marked in parser.found if not marked}


def an_idea(pot, resident):
    return sent_idea(pot, resident, {"Bunting": 5_000}, idea_name="Zebra crossing party!")


@pytest.fixture
def seeded():
    place = NeighbourhoodFactory(name="Yarrow Fields", slug="yarrow-fields")
    pot = PotFactory(neighbourhood=place, name="Quokka sparks")
    resident = UserFactory(email="rosa@example.org", language="ar")
    decided = an_idea(pot, resident)
    waiting = an_idea(pot, UserFactory())
    chair = make_chair(pot)
    panels.declare_interest(decided.id, chair, has_interest=False, note="")
    panels.record_decision(decided.id, chair, kind=DecisionKind.YES, reason="Xylophones welcome.")
    return {"place": place, "pot": pot, "resident": resident, "chair": chair, "waiting": waiting, "decided": decided}


def read_in_arabic(client, person, paths):
    if person is not None:
        login_as(client, person)
    post_form(client, "/language", {"language": "ar", "next": "/"})
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        assert 'dir="rtl"' in page.split(">", 2)[1]  # the page itself reads right to left
        yield path, page


def test_a_residents_pages_in_arabic_mark_english_they_did_not_translate(client, seeded):
    paths = ["/ideas", f"/ideas/{seeded['decided'].id}/award", "/neighbourhoods/yarrow-fields", "/"]
    for path, page in read_in_arabic(client, seeded["resident"], paths):
        found, bare = unmarked(page)
        assert found, path  # the page shows what was written
        assert not bare, f"{path}: {sorted(bare)} shown without a direction"


def test_a_panel_members_pages_in_arabic_mark_english_ideas_and_names(client, seeded):
    place, waiting = seeded["place"], seeded["waiting"]
    paths = ["/panels", f"/panels/{place.id}", f"/panels/{place.id}/ideas/{waiting.id}"]
    for path, page in read_in_arabic(client, seeded["chair"], paths):
        found, bare = unmarked(page)
        assert found, path
        assert not bare, f"{path}: {sorted(bare)} shown without a direction"


def test_the_checker_finds_text_without_a_direction():
    assert unmarked("<html dir='rtl'><body><p>Yarrow Fields</p></body></html>") == (
        {"Yarrow Fields"},
        {"Yarrow Fields"},
    )
    assert unmarked('<html dir="rtl"><p><span dir="auto">Yarrow Fields</span></p></html>') == ({"Yarrow Fields"}, set())


def test_public_story_pages_in_arabic_mark_an_english_story_and_its_place(client):
    from tests.integration.stories.test_review import published

    case, story, _ = published()
    case.application.pot.neighbourhood.name = "Yarrow Fields"
    db.session.commit()
    for path, page in read_in_arabic(client, None, ["/stories", f"/stories/{story.id}"]):
        found, bare = unmarked(page)
        assert "Yarrow Fields" in found, path
        assert not bare, f"{path}: {sorted(bare)} shown without a direction"
