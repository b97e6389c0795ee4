"""Views name a state by its enum (ApplicationStatus.DRAFT), never by a string ("draft"): a renamed or misspelt
state then fails at import, not silently on a page."""

from __future__ import annotations

import ast
from pathlib import Path

PORTAL = Path(__file__).resolve().parents[2] / "portal"
VIEWS = sorted(
    path
    for path in PORTAL.rglob("*.py")
    if path.stem == "routes" or path.stem.endswith("_routes") or path.stem.startswith("finance")
)


def _status_literals(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left, *node.comparators]
        names_a_status = any(isinstance(side, ast.Attribute) and side.attr == "status" for side in sides)
        literals = [
            value.value
            for side in sides
            for value in ([side] if not isinstance(side, ast.Tuple | ast.List | ast.Set) else side.elts)
            if isinstance(value, ast.Constant) and isinstance(value.value, str)
        ]
        if names_a_status and literals:
            found.append(f"line {node.lineno}: {literals}")
    return found


def test_the_views_are_found():
    assert len(VIEWS) >= 12, VIEWS


def test_no_view_compares_a_status_with_a_string():
    found = {str(path.relative_to(PORTAL.parent)): _status_literals(ast.parse(path.read_text())) for path in VIEWS}
    assert {path: lines for path, lines in found.items() if lines} == {}


def test_a_string_compared_with_a_status_is_caught():
    assert _status_literals(ast.parse('if story.status != "draft": pass')) == ["line 1: ['draft']"]
    assert _status_literals(ast.parse('ok = award.status in ("paid", "accepted")')) == ["line 1: ['paid', 'accepted']"]
    assert _status_literals(ast.parse("ok = story.status == StoryStatus.DRAFT")) == []
