"""pip-audit over the installed, pinned dependencies (run by `make test`): fails on any known vulnerability.

pip-audit asks PyPI for each pinned version's advisories. Where that service cannot be reached (a closed network),
pip-audit itself reports every dependency as "could not be audited" and exits 0, which would read as a clean
result: this script says loudly how many dependencies were NOT audited instead, so no one mistakes it for a pass.
"""

from __future__ import annotations

import json
import subprocess  # pip-audit, with an argument list and no shell # nosec B404
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def main() -> int:
    command = [str(BIN / "pip-audit"), "--progress-spinner", "off", "--skip-editable", "--format", "json"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 # nosec B603
    try:
        report = json.loads(done.stdout)
    except ValueError:
        print(done.stdout + done.stderr)
        print("pip-audit FAILED to run (above).")
        return 1
    lines, status = judge(report)
    print("\n".join(lines))
    return status


def judge(report: dict) -> tuple[list[str], int]:
    """What to say about pip-audit's JSON report, and the exit status: 1 for any known vulnerability."""
    dependencies = report["dependencies"]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    unaudited = [d for d in dependencies if d.get("skip_reason")]
    lines = [
        f"VULNERABLE {d['name']} {d['version']}: {v['id']} (fixed in {_fixed_in(v)})"
        for d in vulnerable
        for v in d["vulns"]
    ]
    if unaudited:
        lines.append(
            f"pip-audit: {len(unaudited)} of {len(dependencies)} dependencies were NOT AUDITED: "
            f"{unaudited[0]['skip_reason']}. PyPI's vulnerability data could not be reached from this machine; "
            "run `make audit-dependencies` where it can be."
        )
    if vulnerable:
        lines.append(f"pip-audit: {len(vulnerable)} dependencies have known vulnerabilities (above).")
        return lines, 1
    lines.append(
        f"pip-audit: no known vulnerabilities in the {len(dependencies) - len(unaudited)} dependencies audited."
    )
    return lines, 0


def _fixed_in(vuln: dict) -> str:
    return ", ".join(vuln.get("fix_versions") or []) or "no release yet"


if __name__ == "__main__":
    sys.exit(main())
