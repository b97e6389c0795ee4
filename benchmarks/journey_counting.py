"""What counting where residents give up costs a resident: saving a question page (a POST that sends them on) with
the count and without it, interleaved in one run on a fresh SQLite database, the median of each.

    .venv/bin/python benchmarks/journey_counting.py --saves 300
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.conftest import csrf_token, login_as, make_test_app, migrate_to_head  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=300, help="saves of each kind, after 10 of each to warm up")
    saves = parser.parse_args().saves

    from portal.applications import journey_counts
    from portal.applications.models import Application
    from portal.extensions import db
    from tests.factories import PotFactory, UserFactory

    app = make_test_app(f"sqlite:///{tempfile.mkdtemp()}/bench.db")
    migrate_to_head(app)
    with app.app_context():
        pot, resident = PotFactory(), UserFactory(email="rosa@example.org")
        idea = Application(pot_id=pot.id, applicant_id=resident.id)
        db.session.add(idea)
        db.session.commit()
        client = app.test_client()
        login_as(client, resident)
        url = f"/ideas/{idea.id}/idea-name"
    token = csrf_token(client, url)
    counting = journey_counts.moved_on
    timings: dict[bool, list[float]] = {True: [], False: []}
    for n in range(2 * (saves + 10)):
        counted = n % 2 == 0
        journey_counts.moved_on = counting if counted else (lambda *args, **kwargs: None)
        started = time.perf_counter()
        response = client.post(url, data={"csrf_token": token, "idea_name": f"Tea {n}"})
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 302:
            raise SystemExit(f"a save answered {response.status_code}")
        if n >= 20:
            timings[counted].append(elapsed)
    journey_counts.moved_on = counting
    with_count, without = statistics.median(timings[True]), statistics.median(timings[False])
    print(
        f"saving a question page, median of {saves} each: {with_count:.1f} ms counted, {without:.1f} ms not "
        f"({with_count / without:.2f}x)"
    )


if __name__ == "__main__":
    main()
