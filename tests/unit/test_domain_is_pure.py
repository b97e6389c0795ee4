"""Guard rails: the domain is pure Python. It imports neither Flask nor SQLAlchemy, and importing it builds no app."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "portal" / "domain"
FORBIDDEN = ("flask", "flask_babel", "flask_login", "flask_sqlalchemy", "sqlalchemy", "werkzeug", "wtforms")


def test_no_domain_module_imports_flask_or_sqlalchemy():
    found = []
    for path in sorted(DOMAIN.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            found += [f"{path.name}: {name}" for name in names if name.split(".")[0] in FORBIDDEN]
            found += [f"{path.name}: {name}" for name in names if name.startswith("portal.") and ".domain" not in name]
    assert found == []


def test_importing_the_domain_loads_no_web_framework_and_builds_no_app():
    script = """
import importlib, pkgutil, sys
import portal.domain
for module in pkgutil.iter_modules(portal.domain.__path__):
    importlib.import_module(f"portal.domain.{module.name}")
loaded = sorted(name for name in sys.modules if name.split(".")[0] in FORBIDDEN)
print(loaded)
print(sorted(name for name in sys.modules if name.startswith("portal.") and not name.startswith("portal.domain")))
""".replace("FORBIDDEN", repr(set(FORBIDDEN)))
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == ["[]", "[]"], result.stdout
