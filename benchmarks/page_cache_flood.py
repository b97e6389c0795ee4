"""Security review, finding 5: a flood of made-up page numbers against the public page cache (on files).

Times a kept page (the start page) and a made-up address (`/stories?page=junkN`) before and after `--requests`
made-up addresses, and counts the files the cache holds. Run it on this tree, and on an older one to compare:

    .venv/bin/python benchmarks/page_cache_flood.py --requests 2200
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import make_test_app, migrate_to_head  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2200)
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    app = make_test_app(
        f"sqlite:///{folder}/flood.db",
        PUBLIC_PAGE_CACHE=True,
        PAGE_CACHE_DIR=f"{folder}/cache",
        RATELIMIT_ENABLED=False,
    )
    migrate_to_head(app)
    client = app.test_client()

    def milliseconds(url: str) -> float:
        start = time.perf_counter()
        client.get(url)
        return (time.perf_counter() - start) * 1000

    client.get("/")
    kept_before = statistics.median(milliseconds("/") for _ in range(200))
    made_up_before = statistics.median(milliseconds(f"/stories?page=junk{n}") for n in range(100))
    for n in range(100, args.requests - 100):
        client.get(f"/stories?page=junk{n}")
    made_up_after = statistics.median(
        milliseconds(f"/stories?page=junk{n}") for n in range(args.requests - 100, args.requests)
    )
    kept_after = statistics.median(milliseconds("/") for _ in range(200))
    print(f"after {args.requests} made-up addresses (medians):")
    print(f"  kept page      {kept_before:6.1f} ms -> {kept_after:6.1f} ms")
    print(f"  made-up page   {made_up_before:6.1f} ms -> {made_up_after:6.1f} ms")
    print(f"  files in cache {len(os.listdir(f'{folder}/cache'))}")


if __name__ == "__main__":
    main()
