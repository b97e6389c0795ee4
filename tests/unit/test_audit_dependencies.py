"""The dependency audit's verdict: a known vulnerability fails `make test`; dependencies pip-audit could not check
are named as not audited, never counted as clean."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit_dependencies.py"
spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
assert spec and spec.loader
audit_dependencies = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit_dependencies)


def test_a_known_vulnerability_fails_and_is_named():
    report = {
        "dependencies": [
            {"name": "jinja2", "version": "3.1.2", "vulns": [{"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"]}]},
            {"name": "flask", "version": "3.1.3", "vulns": []},
        ]
    }
    lines, status = audit_dependencies.judge(report)
    assert status == 1
    assert "VULNERABLE jinja2 3.1.2: GHSA-h5c8-rqwp-cp95 (fixed in 3.1.3)" in lines


def test_dependencies_that_could_not_be_audited_are_not_counted_as_clean():
    report = {
        "dependencies": [
            {"name": "flask", "skip_reason": "Dependency not found on PyPI and could not be audited: flask (3.1.3)"},
            {"name": "jinja2", "version": "3.1.6", "vulns": []},
        ]
    }
    lines, status = audit_dependencies.judge(report)
    assert status == 0
    assert any("1 of 2 dependencies were NOT AUDITED" in line for line in lines)
    assert lines[-1] == "pip-audit: no known vulnerabilities in the 1 dependencies audited."
