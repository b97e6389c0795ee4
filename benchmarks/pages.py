"""P1 and P2: pages against a bare Flask "hello", both under gunicorn on loopback, measured with wrk in one run.

Usage: .venv/bin/python benchmarks/pages.py [--duration 10] [--connections 16] [--workers 2] [--scale 100000]
                                             [--sqlite] [--reuse]
By default it measures on PostgreSQL (BENCH_DATABASE_URL, default a `sparks_bench` database on 127.0.0.1, created
if missing, emptied and migrated) with the scale dataset of --scale applications loaded (P5); --sqlite uses a
temporary SQLite file instead, and --reuse keeps a database an earlier run loaded. Needs wrk (`make bench-deps`).
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


def ensure_postgres_database(url: str) -> None:
    import sqlalchemy as sa

    target = sa.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}).first():
            conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def session_cookie(app, user_id: int) -> str:
    """A signed-in session for this person, as the sign-in pages would make, active for the whole run."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["last_active"] = int(time.time()) + 3600 * 24
        session["signed_in_at"] = int(time.time()) + 3600 * 24
    with app.app_context():
        from portal.accounts.models import User
        from portal.extensions import db

        user = db.session.get(User, user_id)
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
    cookie = client.get_cookie("sparks_session")
    assert cookie is not None
    return f"sparks_session={cookie.value}"


def list_page_targets(app) -> list[tuple[str, str, str]]:
    """The list pages of P2, each with the person who sees it: (name, path, cookie)."""
    import sqlalchemy as sa

    from portal.accounts.models import PanelMembership, User, UserRole
    from portal.demo.scale import many_ideas_resident_email
    from portal.extensions import db

    with app.app_context():
        resident = db.session.scalar(sa.select(User.id).where(User.email == many_ideas_resident_email()))
        member, neighbourhood = db.session.execute(
            sa.select(PanelMembership.user_id, PanelMembership.neighbourhood_id)
            .join(User, User.id == PanelMembership.user_id)
            .where(User.email.like("scale-%"), PanelMembership.is_chair.is_(True))
            .order_by(PanelMembership.neighbourhood_id.desc())
        ).first()

        def staff(role: str) -> int:
            return db.session.scalar(
                sa.select(UserRole.user_id)
                .join(User, User.id == UserRole.user_id)
                .where(UserRole.role == role, User.email.like("scale-%"))
                .order_by(UserRole.user_id.desc())
            )

        finance, programme = staff("finance_officer"), staff("programme_officer")
    return [
        ("panel queue", f"/panels/{neighbourhood}", session_cookie(app, member)),
        ("your ideas (200 ideas)", "/ideas", session_cookie(app, resident)),
        ("neighbourhoods (officer)", "/programme/neighbourhoods", session_cookie(app, programme)),
        ("payments (finance)", "/finance", session_cookie(app, finance)),
        ("stories to read", "/programme/stories", session_cookie(app, programme)),
        ("public stories", "/stories", ""),
        ("insight dashboard", "/insight", session_cookie(app, programme)),
    ]


def prepare_database(url: str, scale: int, reuse: bool) -> tuple[str, int, list[tuple[str, str, str]]]:
    """Migrate, load the demo data and the scale dataset, and sign a resident in with a draft; return their session
    cookie, the draft's id, and the list pages to measure."""
    from tests.conftest import make_test_app, migrate_to_head, reset_postgres_database

    if url.startswith("postgresql"):
        ensure_postgres_database(url)
        if not reuse:
            reset_postgres_database(url)
    app = make_test_app(url, RATELIMIT_ENABLED=False, TESTING=False)
    migrate_to_head(app)
    app.test_cli_runner().invoke(args=["demo-data"])
    if scale and not (reuse and _has_scale_data(app)):
        started = time.monotonic()
        result = app.test_cli_runner().invoke(args=["demo-data", "--scale", str(scale)])
        print(result.output.strip(), f"({time.monotonic() - started:.0f} s with the command)")
    cookie, draft_id = resident_draft(app)
    return cookie, draft_id, list_page_targets(app) if scale else []


def resident_draft(app) -> tuple[str, int]:
    """The demo resident signed in, with a draft idea (their newest, or a new one): their session cookie and its id."""
    import sqlalchemy as sa

    from portal.accounts.services import get_user_by_email
    from portal.applications.models import Application
    from portal.applications.services import start_application
    from portal.domain.states import ApplicationStatus
    from portal.extensions import db
    from portal.programme.models import Pot
    from portal.programme.services import list_open_neighbourhoods

    client = app.test_client()
    with app.app_context():
        user = get_user_by_email("resident@demo.smallsparks.example")
        draft_id = db.session.scalar(
            sa.select(Application.id)
            .where(Application.applicant_id == user.id, Application.status == ApplicationStatus.DRAFT.value)
            .order_by(Application.id.desc())
        )
        if draft_id is None:
            pot = list_open_neighbourhoods()[0].pots[0]
            draft_id = start_application(user, db.session.get(Pot, pot.id), "en").id
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["last_active"] = int(time.time()) + 3600 * 24  # stays active for the whole run
    cookie = client.get_cookie("sparks_session")
    assert cookie is not None
    return f"sparks_session={cookie.value}", draft_id


def _has_scale_data(app) -> bool:
    import sqlalchemy as sa

    from portal.accounts.models import User
    from portal.extensions import db

    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.email.like("scale-%")).limit(1)) is not None


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


def wrk(url: str, duration: int, connections: int, cookie: str | None = None) -> tuple[float, float, float]:
    """Requests per second, and p95 and p99 latency in ms."""
    script = str(Path(__file__).with_name("percentiles.lua"))
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-s", script, url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p95 = int(re.search(r"p95_us (\d+)", output).group(1)) / 1000
    p99 = int(re.search(r"p99_us (\d+)", output).group(1)) / 1000
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        raise RuntimeError(f"{url}: {non_2xx.group(1)} error responses")
    return rps, p95, p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scale", type=int, default=100_000, help="applications in the scale dataset (0: none)")
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead of PostgreSQL")
    parser.add_argument("--reuse", action="store_true", help="keep the database (and scale data) of an earlier run")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: run `make bench-deps` (apt-get install wrk).")
    workdir = Path(tempfile.mkdtemp(prefix="sparks-bench-"))
    postgres = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/sparks_bench")
    url = f"sqlite:///{workdir / 'bench.db'}" if args.sqlite else postgres
    cookie, draft_id, lists = prepare_database(url, args.scale, args.reuse)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "RATELIMIT_ENABLED": "false",
        "GUNICORN_ACCESS_LOG": "",  # gunicorn.conf.py is read by both servers; no log line per request
        "SECRET_KEY": "dev-only-secret-key-not-for-production",
        # As in production: the public page cache (and the job queue) in Redis, shared by the workers.
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
    }
    bare_port, portal_port = free_port(), free_port()
    bare = start_gunicorn("benchmarks.bare:app", bare_port, args.workers, env)
    portal = start_gunicorn("wsgi:app", portal_port, args.workers, env)
    unqueued: list[tuple[str, tuple[float, float, float]]] = []
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
        for name, path, list_cookie in lists:
            address = f"http://127.0.0.1:{portal_port}{path}"
            rows.append((name, wrk(address, args.duration, args.connections, list_cookie)))
            # One connection per worker: how long the page itself takes, without waiting behind other requests.
            unqueued.append((name, wrk(address, args.duration, args.workers, list_cookie)))
    finally:
        bare.terminate()
        portal.terminate()
    baseline = rows[0][1][0]
    database = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(
        f"\nP1/P2 on {database} with {args.scale:,} scale applications, gunicorn {args.workers} workers, "
        f"wrk {args.connections} connections, {args.duration}s each, {os.cpu_count()} cores"
    )
    print(f"{'page':<28}{'req/s':>10}{'p95 ms':>10}{'p99 ms':>10}{'vs bare':>10}")
    for name, (rps, p95, p99) in rows:
        print(f"{name:<28}{rps:>10.0f}{p95:>10.1f}{p99:>10.1f}{rps / baseline:>10.0%}")
    if unqueued:
        print(f"\nList pages with {args.workers} connections (one per worker: no request waits behind another)")
        print(f"{'page':<28}{'req/s':>10}{'p95 ms':>10}{'p99 ms':>10}")
        for name, (rps, p95, p99) in unqueued:
            print(f"{name:<28}{rps:>10.0f}{p95:>10.1f}{p99:>10.1f}")
    print("P1 bars: start page >= 50 % of bare, question page >= 25 %, p99 <= 50 ms; P2: list pages p95 <= 100 ms")


if __name__ == "__main__":
    main()
