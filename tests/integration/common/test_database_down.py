"""Fault drill (R5): the database goes away under traffic and comes back. On PostgreSQL, every connection to the
portal's database is ended and new ones refused; requests meanwhile get a plain "try again" page (503, never a
stack trace, nothing asked of the database); once it is back the portal serves again without a restart."""

from __future__ import annotations

import threading
import time
import traceback

import pytest
import sqlalchemy as sa

from portal.extensions import db
from tests.conftest import POSTGRES_ADMIN_URL, IsolatedRequestsClient, login_as, postgres_app
from tests.factories import UserFactory
from tests.integration.common.test_jobs import SignedIn

PAGES = ("/", "/stories", "/ideas", "/open-data", "/api/v1/pots")


def database_unreachable(name: str, reachable: bool) -> None:
    """Refuse (or allow again) new connections to the database, and end every one it has now."""
    admin = sa.create_engine(sa.make_url(POSTGRES_ADMIN_URL), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(reachable).lower()}'))
            if not reachable:
                connection.execute(
                    sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                    {"name": name},
                )
    finally:
        admin.dispose()


@pytest.mark.postgres
def test_requests_get_a_plain_try_again_page_while_the_database_is_away_and_it_recovers_without_a_restart():
    with postgres_app("sparks_dbdown") as app:
        app.test_client_class = IsolatedRequestsClient
        with app.app_context():
            resident = SignedIn(UserFactory().get_id())
            name = db.engine.url.database
            db.session.remove()
        answers: dict[str, list[tuple[str, int, str]]] = {"before": [], "away": [], "back": []}
        phase = {"now": "before"}
        stop = threading.Event()
        crashed: list[str] = []

        def traffic() -> None:
            """A visitor and a signed-in resident, asking for pages over and over."""
            visitor, signed_in = app.test_client(), app.test_client()
            login_as(signed_in, resident)
            try:
                while not stop.is_set():
                    for who, client in (("visitor", visitor), ("resident", signed_in)):
                        for path in PAGES:
                            with app.app_context():
                                response = client.get(path)
                            answers[phase["now"]].append((f"{who} {path}", response.status_code, response.text))
            except BaseException as error:  # the test reports it, rather than a thread dying quietly
                crashed.append("".join(traceback.format_exception(error))[-4000:])

        threads = [threading.Thread(target=traffic) for _ in range(3)]
        for thread in threads:
            thread.start()

        def seen(phase_name: str) -> set[str]:
            return {page for page, _, _ in list(answers[phase_name])}

        def wait_until(condition, seconds: float) -> None:
            deadline = time.monotonic() + seconds
            while not condition() and time.monotonic() < deadline and not crashed:
                time.sleep(0.1)

        try:
            wait_until(lambda: len(seen("before")) == 2 * len(PAGES), 60)  # every page answered as usual
            phase["now"] = "away"
            database_unreachable(name, reachable=False)
            wait_until(lambda: len([a for a in list(answers["away"]) if a[1] == 503]) >= 10, 60)
            database_unreachable(name, reachable=True)
            time.sleep(0.5)  # requests that began while it was away finish
            phase["now"] = "back"
            wait_until(lambda: len(seen("back")) == 2 * len(PAGES), 60)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
            database_unreachable(name, reachable=True)

        assert not crashed, crashed[0]
        usual = {page: status for page, status, _ in answers["before"]}
        assert len(usual) == 2 * len(PAGES) and set(usual.values()) <= {200, 302}, usual
        away = [(page, status) for page, status, _ in answers["away"]]
        assert any(status == 503 for _, status in away), f"no request saw the database away: {away[:20]}"
        assert all(status in (usual[page], 503) for page, status in away), sorted(set(away))
        for _, status, text in answers["away"]:
            assert "Traceback" not in text and "OperationalError" not in text and "psycopg" not in text
            if status == 503 and not text.startswith("{"):
                assert "Sorry, the service is unavailable" in text and "Try again in a few minutes" in text
        back = {page: status for page, status, _ in answers["back"]}
        assert back == usual, "the portal serves as before, without a restart"


def test_the_api_says_so_in_json_and_every_page_asks_to_come_back_later(app, db_session, monkeypatch):
    """Without PostgreSQL at hand: the session failing as a dropped connection does, on SQLite."""

    def dropped(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))

    client = app.test_client()
    monkeypatch.setattr(db.session, "execute", dropped)
    monkeypatch.setattr(db.session, "get", dropped)
    page = client.get("/stories")
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    assert "Sorry, the service is unavailable" in page.get_data(as_text=True)
    api = client.get("/api/v1/pots")
    assert api.status_code == 503 and api.is_json and "Traceback" not in api.get_data(as_text=True)
