"""The house's shape: every package of the portal stands on a floor, and imports only from the floors below it.

The table is the one the README's Architecture section shows. Imports are read from the source (module-level,
function-level and typing-only alike), so a cycle cannot hide inside a function or behind `TYPE_CHECKING`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parents[2] / "portal"

# Lowest first. A package may import from any floor below its own, never from its own floor's other packages or
# from above. `portal` is the package's own __init__.py (create_app), `web` the app shell that wires every feature.
FLOORS: tuple[tuple[str, ...], ...] = (
    ("domain", "extensions"),  # pure rules; Flask's extension objects
    ("common",),  # audit, mail, jobs, status changes, access, forms, PDFs, storage: no feature
    ("accounts", "config"),
    ("programme",),  # neighbourhoods and pots
    ("assetmap",),  # what each neighbourhood has ("What's here"), and the builders who keep it
    ("applications",),  # the resident's idea
    ("awards",),  # money promised to an idea
    ("panels",),  # decisions, which write awards
    ("payments",),  # paying awards
    ("stories",),  # told once an award is paid
    ("insight", "opendata", "pages", "retention"),  # reading everything below; removing what was kept long enough
    ("api",),  # open data and stories, as JSON
    ("demo", "models", "errors"),  # demo and benchmark data; every model, for the migrations; the error pages
    ("web",),  # the app shell: extensions, blueprints, commands, jobs, navigation
    ("portal",),  # create_app
)

# The only imports that run back up, each with its reason. Keep this short (issue 20 allows two).
UPWARD_ALLOWED = {
    ("applications", "awards"): "an idea's ask is checked against the money already promised from its pot, and a "
    "neighbourhood's page says how much it has funded (awards.services: awarded_pence, funded_in)",
    ("programme", "awards"): "a pot's budget may not fall below the money already promised from it (awarded_pence)",
}

# The only function-level imports of portal modules, each with its reason.
IN_FUNCTION_ALLOWED = {
    "portal/__init__.py": "create_app imports Flask and the app shell when called, so `import portal.domain` loads "
    "no web framework and builds no app (tests/unit/test_domain_is_pure.py)",
}


def package_of(module: str, root: Path) -> str:
    """The package a portal module belongs to: its first part under portal/, or `portal` for portal/__init__.py."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "portal"


def floor_of(package: str) -> int:
    for number, packages in enumerate(FLOORS):
        if package in packages:
            return number
    raise AssertionError(f"portal/{package} stands on no floor: add it to FLOORS (and to the README's table)")


def imports_in(path: Path) -> list[tuple[str, bool]]:
    """Every import of a portal module in the file: (module, inside a function)."""
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.ImportFrom) and child.level == 0 and (child.module or "").startswith("portal"):
                found.append((child.module or "", in_function))
            elif isinstance(child, ast.Import):
                found.extend((a.name, in_function) for a in child.names if a.name.split(".")[0] == "portal")
            visit(child, inner)

    visit(ast.parse(path.read_text()), False)
    return found


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def wrong_imports(root: Path) -> tuple[list[str], list[str]]:
    """(imports that do not point down the floors and are not allowed, function-level imports not allowed)."""
    upward, hidden = [], []
    for path in sorted(root.rglob("*.py")):
        here = package_of(module_name(path, root), root)
        relative = str(path.relative_to(root.parent))
        for module, in_function in imports_in(path):
            there = package_of(module, root)
            if in_function and relative not in IN_FUNCTION_ALLOWED:
                hidden.append(f"{relative}: {module}")
            if there == here or (here, there) in UPWARD_ALLOWED:
                continue
            if floor_of(there) >= floor_of(here):
                upward.append(f"{relative} ({here}, floor {floor_of(here)}) imports {module} (floor {floor_of(there)})")
    return upward, hidden


def test_every_import_points_down_the_floors():
    upward, _ = wrong_imports(PORTAL)
    assert upward == [], "\n".join(upward)


def test_no_function_level_import_steps_round_a_circle():
    _, hidden = wrong_imports(PORTAL)
    assert hidden == [], "import at the top of the module: " + ", ".join(hidden)


def test_every_package_stands_on_a_floor_and_the_allowed_lists_are_still_needed():
    packages = {p.name for p in PORTAL.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    packages |= {p.stem for p in PORTAL.glob("*.py") if p.stem != "__init__"}
    for package in packages:
        floor_of(package)
    seen = {
        (package_of(module_name(path, PORTAL), PORTAL), package_of(module, PORTAL))
        for path in PORTAL.rglob("*.py")
        for module, _ in imports_in(path)
    }
    assert set(UPWARD_ALLOWED) <= seen, "an allowed upward import is gone: take it off UPWARD_ALLOWED"
    for relative in IN_FUNCTION_ALLOWED:
        assert any(inside for _, inside in imports_in(PORTAL.parent / relative)), relative


@pytest.mark.parametrize(
    ("planted", "source", "expected"),
    [
        ("common/planted.py", "from portal.stories.models import Story\n", "upward"),
        ("awards/planted.py", "import portal.payments.services\n", "upward"),
        ("domain/planted.py", "from portal.common.time import utcnow\n", "upward"),
        ("panels/planted.py", "def f():\n    from portal.awards.services import award_for\n", "hidden"),
        ("accounts/planted.py", "from portal.config import Config\n", "upward"),  # the same floor is not below
    ],
)
def test_a_planted_wrong_import_is_caught(tmp_path, planted, source, expected):
    root = tmp_path / "portal"
    for package in ("common", "awards", "domain", "panels", "accounts", "stories", "payments"):
        (root / package).mkdir(parents=True)
        (root / package / "__init__.py").write_text("")
    (root / "__init__.py").write_text("")
    (root / planted).write_text(source)
    upward, hidden = wrong_imports(root)
    caught = upward if expected == "upward" else hidden
    assert len(caught) == 1 and planted in caught[0], (upward, hidden)
    (root / planted).write_text("from portal.domain.money import format_pence\n")  # pointing down is fine
    assert wrong_imports(root) == ([], [])
