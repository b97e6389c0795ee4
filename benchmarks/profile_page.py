"""Where a page's time goes: pyinstrument over repeated requests through the test client, against the benchmark
database that `benchmarks/pages.py` loaded (run it once first, or pass --url).

Usage: .venv/bin/python benchmarks/profile_page.py PAGE [--repeat 20] [--queries]
PAGE is one of the names `pages.py` measures ("start", "question", "panel queue", "your ideas", ...), or a path.
--queries prints each SQL statement one request issues, with its time.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("page")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--queries", action="store_true")
    parser.add_argument(
        "--url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/sparks_bench"),
    )
    args = parser.parse_args()

    import pages as bench
    import sqlalchemy as sa
    from pyinstrument import Profiler

    from tests.conftest import make_test_app

    app = make_test_app(args.url, RATELIMIT_ENABLED=False, TESTING=False)
    targets = {name.split(" (")[0]: (path, cookie) for name, path, cookie in bench.list_page_targets(app)}
    targets["start"] = ("/", "")
    cookie, draft_id = bench.resident_draft(app)
    targets["question"] = (f"/ideas/{draft_id}/idea-name", cookie)
    path, cookie = targets.get(args.page, (args.page, ""))
    client = app.test_client()
    if cookie:
        name, value = cookie.split("=", 1)
        client.set_cookie(name, value)
    headers: dict[str, str] = {}

    statements: list[tuple[float, str]] = []
    if args.queries:
        from portal.extensions import db

        with app.app_context():
            engine = db.engine

        @sa.event.listens_for(engine, "before_cursor_execute")
        def started(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
            conn.info["started"] = time.perf_counter()

        @sa.event.listens_for(engine, "after_cursor_execute")
        def finished(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
            statements.append((time.perf_counter() - conn.info["started"], statement))

    response = client.get(path, headers=headers)  # warm: templates compiled, connections open
    assert response.status_code == 200, (path, response.status_code)
    statements.clear()
    if args.queries:
        client.get(path, headers=headers)
        for seconds, statement in statements:
            print(f"{seconds * 1000:8.2f} ms  {' '.join(statement.split())[:300]}")
        print(f"{len(statements)} statements, {sum(s for s, _ in statements) * 1000:.1f} ms in the database")
        return
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    with profiler:
        for _ in range(args.repeat):
            client.get(path, headers=headers)
    elapsed = (time.perf_counter() - started) / args.repeat
    print(profiler.output_text(unicode=True, color=False, show_all=bool(os.environ.get("SHOW_ALL"))))
    print(f"{path}: {elapsed * 1000:.1f} ms a request, {len(response.data):,} bytes")


if __name__ == "__main__":
    main()
