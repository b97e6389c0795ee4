"""P1: resident pages against a bare Flask "hello", both under gunicorn on loopback, measured with wrk in one run.

Usage: .venv/bin/python benchmarks/pages.py [--duration 10] [--connections 16] [--workers 2]
Set BENCH_DATABASE_URL to a PostgreSQL URL to measure on PostgreSQL (the database is emptied and migrated);
otherwise a temporary SQLite file is used. Needs wrk (`make bench-deps`).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare_database(url: str) -> tuple[str, int]:
    """Migrate, load the demo data, and sign a resident in with a draft; return their session cookie and draft id."""
    from tests.conftest import make_test_app, migrate_to_head, reset_postgres_database

    if url.startswith("postgresql"):
        reset_postgres_database(url)
    app = make_test_app(url, RATELIMIT_ENABLED=False, TESTING=False)
    migrate_to_head(app)
    app.test_cli_runner().invoke(args=["demo-data"])
    client = app.test_client()
    with app.app_context():
        from portal.accounts.services import get_user_by_email
        from portal.applications.services import start_application
        from portal.programme.services import list_open_neighbourhoods

        user = get_user_by_email("resident@demo.smallsparks.example")
        pot = list_open_neighbourhoods()[0].pots[0]
        from portal.extensions import db
        from portal.programme.models import Pot

        draft = start_application(user, db.session.get(Pot, pot.id), "en")
        draft_id = draft.id
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["last_active"] = int(time.time()) + 3600 * 24  # stays active for the whole run
    cookie = client.get_cookie("sparks_session")
    assert cookie is not None
    return f"sparks_session={cookie.value}", draft_id


def start_gunicorn(target: str, port: int, workers: int, env: dict[str, str]) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            target,
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)  # noqa: S310 - loopback only
            return process
        except urllib.error.HTTPError:
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{target} did not start")


def wrk(url: str, duration: int, connections: int, cookie: str | None = None) -> tuple[float, float]:
    """Requests per second and p99 latency in ms."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", output).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        raise RuntimeError(f"{url}: {non_2xx.group(1)} error responses")
    return rps, p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: run `make bench-deps` (apt-get install wrk).")
    workdir = Path(tempfile.mkdtemp(prefix="sparks-bench-"))
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}"
    cookie, draft_id = prepare_database(url)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "RATELIMIT_ENABLED": "false",
        "SECRET_KEY": "dev-only-secret-key-not-for-production",
    }
    bare_port, portal_port = free_port(), free_port()
    bare = start_gunicorn("benchmarks.bare:app", bare_port, args.workers, env)
    portal = start_gunicorn("wsgi:app", portal_port, args.workers, env)
    try:
        rows = [
            ("bare Flask /hello", wrk(f"http://127.0.0.1:{bare_port}/hello", args.duration, args.connections)),
            ("start page /", wrk(f"http://127.0.0.1:{portal_port}/", args.duration, args.connections)),
            (
                "draft question page",
                wrk(
                    f"http://127.0.0.1:{portal_port}/ideas/{draft_id}/idea-name",
                    args.duration,
                    args.connections,
                    cookie,
                ),
            ),
        ]
    finally:
        bare.terminate()
        portal.terminate()
    baseline = rows[0][1][0]
    database = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(
        f"\nP1 on {database}, gunicorn {args.workers} workers, wrk {args.connections} connections, "
        f"{args.duration}s each, {os.cpu_count()} cores"
    )
    print(f"{'page':<24}{'req/s':>10}{'p99 ms':>10}{'vs bare':>10}")
    for name, (rps, p99) in rows:
        print(f"{name:<24}{rps:>10.0f}{p99:>10.1f}{rps / baseline:>10.0%}")


if __name__ == "__main__":
    main()
