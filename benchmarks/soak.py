"""R4: a soak of mixed journeys at 20 concurrent users against the production setup, driven by Locust (headless).

Usage: .venv/bin/python benchmarks/soak.py [--minutes 10] [--users 20]

It sets up everything itself and takes it down afterwards: a SeaweedFS for photos (tests/support/seaweedfs.py), a
fresh PostgreSQL database (made through POSTGRES_ADMIN_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/test,
and dropped after), its own queue in the Redis at TEST_REDIS_URL (default redis://127.0.0.1:6379/0), the production
settings of tests/support/stack.py (mail kept in the outbox table), gunicorn from gunicorn.conf.py with 2 workers and
one `flask jobs work` worker. It seeds people and work through the portal's own services, in an app with the same
keys, then runs Locust as a library. Each simulated person comes from an address of their own (X-Forwarded-For,
TRUSTED_PROXIES=1), so the per-address limits treat them as different people, and signs in once, through the real
pages: residents and panel members by the emailed code (read from the outbox once the job worker has sent it), finance
officers by password and authenticator code. The journeys, out of 20 people:

- 6 visitors: the start page, the public stories, one story and its photo (from SeaweedFS), a neighbourhood, the open
  data page, the 360Giving file now and then, and the API's grants and pots;
- 5 residents: start an idea in an open pot, answer every question page (two costs, one with "Add this cost", one on
  the way out), check their answers, send it, download the receipt now and then;
- 3 panel chairs (one a neighbourhood): open the oldest idea waiting (a seeded stock, then what residents send),
  declare no interest, decide yes with a reason;
- 2 pairs of finance officers: one prepares a run from awards due payment (seeded, accepted, with bank details), the
  other authorises it (whoever prepares may not), then a file is asked for (schedule, full schedule, remittances or
  CSV, in turn), its page checked until the worker has made it, and downloaded;
- 4 residents with paid awards: tell a story through its pages, upload a photo, wait for the worker to ready it,
  look at it, and send the story.

Any unexpected status or missing text fails the journey, reported through Locust's request events (type JOURNEY).
The minutes start once every person has ended one journey (the warm-up still counts). After the run it waits (up to
60 s) for the worker to finish what was asked of it: mail, photos and files still waiting then, or failed, count as
errors too. Memory is the resident set size (VmRSS) of each gunicorn worker and of the job worker at minute 2 (at a
third of the run, for runs under 6 minutes, as the line then says) and at the end, each a median over a few samples.
It prints the details on stderr and one line on stdout:

    R4: requests N, 5xx N, errors N, p95 N ms, worker memory growth N %

and exits 1 if any bar is missed: a 5xx, an error, or growth of 10 % or more in any one process.
"""

# ruff: noqa: E402 - gevent must patch the standard library before anything else imports it (Locust runs each
# simulated person as a greenlet; psycopg sees the patching and waits cooperatively).
from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import argparse
import html
import io
import itertools
import json
import math
import random
import re
import secrets
import shutil
import signal
import statistics
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import gevent
import gevent.lock
import psycopg
import pyotp
import pytest
import redis
import sqlalchemy as sa
from locust import HttpUser, between, task
from locust.clients import HttpSession
from locust.env import Environment
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.accounts.models import User
from portal.accounts.services import create_user
from portal.applications.services import add_cost_line, save_answers, start_application, submit_application
from portal.awards.services import accept_award, award_for
from portal.domain.decisions import DecisionKind
from portal.domain.pots import PotLimits
from portal.domain.roles import PaymentMethod, Role
from portal.extensions import db
from portal.opendata.services import save_settings
from portal.panels.services import declare_interest, record_decision
from portal.payments import runs
from portal.payments.services import BankDetails, save_payee_details
from portal.programme.models import Pot
from portal.programme.services import save_neighbourhood, save_panel_rules, save_pot
from portal.stories import photo_services, publishing
from portal.stories import services as stories
from tests.conftest import fresh_postgres_database, make_test_app
from tests.support.seaweedfs import S3Server, seaweedfs_s3
from tests.support.stack import REDIS_URL, gunicorn, job_worker, migrate, production_env, worker_pids

HOST = "portal.test"  # the name production_env's SERVER_BASE_URL gives the portal; only it is answered
GUNICORN_WORKERS = 2
# Out of every 20 people: visitors, residents sending ideas, panel chairs, finance pairs, residents telling stories.
SHARES = {"visitor": 6, "resident": 5, "panel": 3, "finance": 2, "storyteller": 4}
THINK_SECONDS = (0.5, 2.0)  # between two pages
BETWEEN_JOURNEYS_SECONDS = (1.0, 3.0)
CLIENT_IDLE_SECONDS = 3.0  # a connection idle longer is not reused (gunicorn.conf.py's keepalive is 5 s)
WAIT_SECONDS = 60  # longest wait for the worker: a sign-in email, a photo, a file
WARM_UP_LIMIT_SECONDS = 180
BAR_GROWTH_PERCENT = 10.0
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
SIGN_IN_CODE = re.compile(r"Or type this code on the sign-in page: (\S+)")
RNG = random.Random()  # noqa: S311 - the pace and choices of simulated people, not secrets
EXPORT_KINDS = {  # what a finance officer asks for, in turn, and what the download must start with
    "schedule": ("application/pdf", b"%PDF"),
    "schedule_full": ("application/pdf", b"%PDF"),
    "remittances": ("application/zip", b"PK"),
    "csv": ("text/csv", b""),
}


def say(message: str) -> None:
    print(f"soak: {message}", file=sys.stderr, flush=True)


# Who takes part, made through the portal's services -------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    neighbourhood_id: int
    slug: str
    name: str
    pot_id: int


@dataclass
class FinancePair:
    preparer: tuple[str, str]  # email, authenticator secret
    authoriser: tuple[str, str]
    award_ids: list[int]  # awards due payment kept for this pair, so two pairs never race for one


@dataclass
class Teller:
    email: str
    first_name: str
    ideas: list[tuple[int, str]]  # paid ideas whose story is still to tell: (application id, idea name)


@dataclass
class Cast:
    places: list[Place]
    chairs: list[tuple[str, Place]]
    residents: list[str]
    finance: list[FinancePair]
    tellers: list[Teller]
    staff_password: str


def user_counts(users: int) -> dict[str, int]:
    """How many people take each journey: SHARES scaled to `users`, at least one of each."""
    if users < len(SHARES):
        raise SystemExit(f"--users must be at least {len(SHARES)}: one person for each kind of journey")
    counts = {kind: max(1, round(share * users / sum(SHARES.values()))) for kind, share in SHARES.items()}
    while (total := sum(counts.values())) != users:
        if total < users:
            counts["visitor"] += 1
        else:
            counts[max(counts, key=lambda kind: counts[kind])] -= 1
    return counts


def picture(seed: int, size: tuple[int, int] = (1600, 1200)) -> bytes:
    """A drawn photo (sky, grass, sunflowers): a few hundred KB of JPEG, different for each seed."""
    chooser = random.Random(seed)  # noqa: S311 - colours of a drawing
    image = Image.new("RGB", size, (120 + seed % 60, 180, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, size[1] * 2 // 3, size[0], size[1]), fill=(80, 150 + seed % 50, 60))
    for _ in range(40):
        x, y = chooser.randrange(size[0]), chooser.randrange(size[1] // 3, size[1])
        r = chooser.randrange(20, 60)
        draw.line((x, y, x, y + 3 * r), fill=(40, 110, 40), width=6)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(250, 200 - chooser.randrange(60), 40))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


IDEA_NAMES = ["Street party", "Seed swap", "Litter pick", "Knit and natter", "Bench for the bus stop", "Games day"]


def write_and_send_idea(pot: Any, resident: Any, n: int) -> Any:
    """One idea written and sent as the question pages would."""
    idea = start_application(resident, pot, "en")
    save_answers(
        idea,
        {
            "applicant_type": "just_me",
            "idea_name": f"{IDEA_NAMES[n % len(IDEA_NAMES)]} {n}",
            "idea_description": "Bring the street together for an afternoon, with food and music.",
            "brings_together": "Neighbours of all ages",
            "helps_area": "People get to know each other",
            "when_text": "In the summer",
            "contact_name": resident.name,
            "contact_method": "email",
        },
    )
    add_cost_line(idea, "Food and drink", 4_000 + 50 * (n % 40))
    return submit_application(idea.id, resident)


def award_accepted_with_bank_details(pot: Any, resident: Any, chair: Any, n: int) -> Any:
    """An idea sent, decided yes by the chair, accepted by the resident, who gave bank details: due payment."""
    idea = write_and_send_idea(pot, resident, n)
    declare_interest(idea.id, chair, has_interest=False, note="")
    record_decision(idea.id, chair, kind=DecisionKind.YES, reason="A lovely idea for the street.")
    accept_award(idea.id, resident)
    bank = BankDetails(resident.name, "30-94-30", "00733445")
    save_payee_details(idea.id, resident, PaymentMethod.BANK_TRANSFER, bank=bank)
    return idea


@dataclass(frozen=True)
class Made:
    application_id: int
    award_id: int | None
    idea_name: str


def sent_idea(pot_id: int, resident_id: int, chair_id: int, n: int) -> Made:
    idea = write_and_send_idea(db.session.get(Pot, pot_id), db.session.get(User, resident_id), n)
    return Made(idea.id, None, idea.idea_name)


def due_award(pot_id: int, resident_id: int, chair_id: int, n: int) -> Made:
    people = db.session.get(User, resident_id), db.session.get(User, chair_id)
    idea = award_accepted_with_bank_details(db.session.get(Pot, pot_id), *people, n)
    return Made(idea.id, award_for(idea.id).id, idea.idea_name)


def stock_sizes(counts: dict[str, int], minutes: float) -> dict[str, int]:
    """Work to seed, with room to spare for the journeys' pace (measured on the 2-core machine when quiet: a panel
    chair decides about 10 ideas a minute, a finance pair makes about 7.5 runs of 3, a story teller tells about 5
    stories; under other load, fewer)."""
    return {
        "panel_ideas_per_place": math.ceil(12 * minutes) + 4,
        "due_awards_per_pair": 3 * (math.ceil(10 * minutes) + 2),
        "stories_per_teller": math.ceil(6.5 * minutes) + 2,
    }


def seed(app: Any, counts: dict[str, int], minutes: float) -> Cast:
    """Neighbourhoods with open pots and chairs, open data settings, three published stories with photos, a stock of
    sent ideas for the panels, awards due payment for the finance pairs and paid awards for the story tellers."""
    with app.app_context():
        try:
            return _seed(counts, stock_sizes(counts, minutes))
        finally:
            db.session.remove()
            db.engine.dispose()


def _seed(counts: dict[str, int], stock: dict[str, int]) -> Cast:
    today = date.today()
    began = time.monotonic()
    password = secrets.token_urlsafe(18)

    def person(name: str, full_name: str, *roles: Role, **kwargs: Any) -> Any:
        return create_user(f"{name}@soak.example.org", full_name, set(roles), **kwargs)

    officer = person("programme", "Priya Programme", Role.PROGRAMME_OFFICER, password=password)
    save_settings(
        officer,
        prefix="360G-smallsparkssoak",
        funder_name="Soak City Council",
        funder_id="GB-LAE-SOAK",
        reason="GTIR120",
        purposes=["GTIP160"],
    )
    places, chairs, chair_ids = [], [], []
    for i in range(max(counts["panel"], 2)):
        name = f"Soak Green {i + 1}"
        neighbourhood = save_neighbourhood(
            None,
            None,
            name=name,
            description="Terraces, a park and a busy high street.",
            host_organisation=f"{name} Community Hub",
            is_active=True,
            builder_contact="Bea at the hub: 0113 496 0000",
            decision_weeks=2,
        )
        save_panel_rules(None, neighbourhood, views_needed=0, decisions_by="chair")
        pot = save_pot(
            None,
            neighbourhood,
            None,
            name=f"Small sparks {today.year}",
            limits=PotLimits(
                budget_pence=100_000_000,  # room for every yes of the run
                max_award_pence=50_000,
                fast_track_limit_pence=10_000,
                opens_on=date(today.year, 1, 1),
                closes_on=date(today.year + 1, 12, 31),
                is_rolling=False,
            ),
            payment_methods=[m.value for m in PaymentMethod],
        )
        on_panel = (neighbourhood.id,)
        chair = person(
            f"chair{i}",
            f"Chair {i}",
            Role.RESIDENT,
            Role.PANEL_MEMBER,
            panel_neighbourhood_ids=on_panel,
            chair_of=on_panel,
        )
        places.append(Place(neighbourhood.id, neighbourhood.slug, name, pot.id))
        chairs.append((chair.email, places[-1]))
        chair_ids.append(chair.id)
    writers = [person(f"writer{i}", f"Wren Writer {i}", Role.RESIDENT).id for i in range(8)]
    numbers = itertools.count(1)

    def job(resident_id: int) -> tuple[int, int, int, int]:
        """An idea by this resident in the next pot, with the pot's chair to decide it."""
        n = next(numbers)
        place = n % len(places)
        return places[place].pot_id, resident_id, chair_ids[place], n

    # Sent ideas waiting for each panel.
    waiting = stock["panel_ideas_per_place"] * len(places)
    for i in range(waiting):
        sent_idea(*job(writers[i % len(writers)]))
    say(f"  {waiting} sent ideas waiting for the panels ({time.monotonic() - began:.0f} s)")

    # Paid awards: three published stories with a photo (for visitors), and the story tellers' ideas to tell.
    fin_a = person("seed-fin-a", "Fin Seed", Role.FINANCE_OFFICER, password=password)
    fin_b = person("seed-fin-b", "Faye Seed", Role.FINANCE_OFFICER, password=password)
    publisher = person("publisher", "Sam Story", Role.RESIDENT)
    tellers = [person(f"storyteller{i}", f"Tess Teller {i}", Role.RESIDENT) for i in range(counts["storyteller"])]
    published = [due_award(*job(publisher.id)) for _ in range(3)]
    teller_cast = {teller.id: Teller(teller.email, f"Tess{i}", []) for i, teller in enumerate(tellers)}
    told = []
    for _ in range(stock["stories_per_teller"]):
        for teller in tellers:
            told.append(made := due_award(*job(teller.id)))
            teller_cast[teller.id].ideas.append((made.application_id, made.idea_name))
    award_ids = [made.award_id for made in published + told if made.award_id is not None]
    for start in range(0, len(award_ids), runs.MOST_IN_A_RUN):
        run = runs.create_run(fin_a, award_ids[start : start + runs.MOST_IN_A_RUN])
        runs.authorise_run(run.id, fin_b)
        runs.record_run_paid(run.id, fin_a, paid_on=today, finance_reference=f"SEED-{run.id}")
    for k, made in enumerate(published):
        stories.save_story(
            made.application_id,
            publisher,
            what_happened="About 40 of us came to the green. We swapped seeds and the children planted sunflowers.",
            went_to_plan="yes",
            people_count=40,
            ways=["connect", "give"],
            consent="public_named",
            first_name="Sam",
        )
        answers = photo_services.PhotoAnswers(f"Sunflowers on the green, photo {k + 1}", True, False)
        # Readied at once: jobs run in this process as soon as their transaction commits.
        photo_services.add_photo(made.application_id, publisher, picture(k), answers)
        story = stories.send_story(made.application_id, publisher)
        publishing.publish_story(story.id, officer, public_text=story.what_happened)
    say(f"  {len(award_ids)} paid awards: 3 published, {len(told)} to tell ({time.monotonic() - began:.0f} s)")

    # Awards due payment, dealt in turn to the finance pairs (so each pair's are among the oldest due).
    pairs = []
    for k in range(counts["finance"]):
        keys = pyotp.random_base32(), pyotp.random_base32()
        a = person(f"finance{k}a", f"Fin {k}A", Role.FINANCE_OFFICER, password=password, authenticator_secret=keys[0])
        b = person(f"finance{k}b", f"Faye {k}B", Role.FINANCE_OFFICER, password=password, authenticator_secret=keys[1])
        pairs.append(FinancePair((a.email, keys[0]), (b.email, keys[1]), []))
    due = stock["due_awards_per_pair"] * len(pairs)
    for i in range(due):
        award_id = due_award(*job(writers[i % len(writers)])).award_id
        assert award_id is not None
        pairs[i % len(pairs)].award_ids.append(award_id)
    say(f"  {due} awards due payment for {len(pairs)} finance pairs ({time.monotonic() - began:.0f} s)")

    residents = [person(f"resident{i}", f"Rosa {i}", Role.RESIDENT).email for i in range(counts["resident"])]
    return Cast(places, chairs, residents, pairs, list(teller_cast.values()), password)


# Reading what the portal wrote ----------------------------------------------------------------------------------


class Database:
    """Plain reads of the soak's database from the load process (one autocommit connection, shared in turn)."""

    def __init__(self, url: str) -> None:
        self.url = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        self.connection = psycopg.connect(self.url, autocommit=True)
        self.lock = gevent.lock.Semaphore()

    def rows(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        with self.lock:
            return self.connection.execute(query, params).fetchall()

    def sign_in_code(self, email: str) -> str:
        """The code in the newest sign-in email to this address, once the job worker has sent it."""
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            for status, body in self.rows(
                "SELECT status, body FROM outbox_messages WHERE to_address = %s ORDER BY id DESC LIMIT 3", email
            ):
                found = SIGN_IN_CODE.search(body)
                if found and status == "sent":
                    return found.group(1)
                if found:
                    break  # the newest sign-in email is not sent yet
            gevent.sleep(0.25)
        raise JourneyFailed(f"the job worker did not send the sign-in email to {email} within {WAIT_SECONDS} s")

    def background_left(self) -> dict[str, int]:
        """Work asked of the job worker and not finished: mail, photos and files still waiting."""
        return {
            "mail waiting": self.count("outbox_messages", "status IN ('queued', 'sending')"),
            "photos waiting": self.count("story_photos", "status = 'processing'"),
            "files waiting": self.count("payment_exports", "status IN ('queued', 'running')"),
        }

    def background_failed(self) -> dict[str, int]:
        return {
            "mail failed": self.count("outbox_messages", "status = 'failed'"),
            "photos refused": self.count("story_photos", "status = 'refused'"),
            "files failed": self.count("payment_exports", "status = 'failed'"),
            "jobs failed": self.count("failed_jobs", "true"),
        }

    def count(self, table: str, where: str) -> int:
        return int(self.rows(f"SELECT count(*) FROM {table} WHERE {where}")[0][0])  # noqa: S608 - fixed names

    def close(self) -> None:
        self.connection.close()


# The simulated people -------------------------------------------------------------------------------------------


class JourneyFailed(Exception):
    """A page answered with an unexpected status, or without what a person would look for on it."""


addresses = (f"198.18.{n // 250}.{n % 250 + 1}" for n in itertools.count())  # benchmarking range (RFC 2544)


def think() -> None:
    gevent.sleep(RNG.uniform(*THINK_SECONDS))


def stats_name(path: str) -> str:
    return re.sub(r"/\d+", "/[id]", path.split("?")[0])


def what_it_says(page: str) -> str:
    """The words of a page's error summary, or else of its main part, for a failure's message."""
    part = page.partition('class="govuk-error-summary"')[2] or page.partition("<main")[2] or page
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", part.partition("</main>")[0])).split())[:240]


class Browser:
    """One person's browser over a Locust session, behind the load balancer: every page is checked."""

    def __init__(self, client: HttpSession) -> None:
        self.client = client
        client.headers.update({"Host": HOST, "X-Forwarded-Proto": "https", "X-Forwarded-For": next(addresses)})
        self.last_answer = time.monotonic()

    def _request(self, method: str, path: str, expect: int, **kwargs: Any) -> Any:
        if time.monotonic() - self.last_answer > CLIENT_IDLE_SECONDS:
            # gunicorn closes a connection idle for 5 s (keepalive): one reused near that moment can be closed just
            # as the request goes out ("connection reset"). Like any careful client, drop it sooner and open anew.
            self.client.close()
        with self.client.request(
            method,
            path,
            name=stats_name(path),
            catch_response=True,
            allow_redirects=False,
            timeout=60,
            **kwargs,
        ) as response:
            problem = None
            if response.status_code != expect:
                shown = what_it_says(response.text)
                error = f" ({response.error})" if getattr(response, "error", None) else ""
                problem = f"{method} {path}: {response.status_code}{error}, expected {expect}. {shown}"
                response.failure(problem)
            else:
                response.success()
        self.last_answer = time.monotonic()
        # Production marks cookies Secure, and this browser speaks plain HTTP to the server behind the balancer
        # (X-Forwarded-Proto: https): keep sending them, as a browser talking to the balancer over https would.
        for cookie in self.client.cookies:
            cookie.secure = False
        if problem:
            raise JourneyFailed(problem)
        return response

    def get(self, path: str, *, contains: tuple[str, ...] = (), expect: int = 200, **kwargs: Any) -> Any:
        response = self._request("GET", path, expect, **kwargs)
        if contains:
            text = html.unescape(response.text)
            missing = [wanted for wanted in contains if wanted not in text]
            if missing:
                raise JourneyFailed(f"GET {path}: no {missing!r} on the page")
        return response

    def post(self, path: str, data: dict[str, Any], *, page: Any, to: str, **kwargs: Any) -> re.Match[str]:
        """Post the form of `page` (its CSRF token, and its address as the Referer, as Flask-WTF checks over https);
        expects a redirect whose Location matches the pattern `to`, and returns the match."""
        token = CSRF.search(page.text)
        if token is None:
            raise JourneyFailed(f"no CSRF token on {page.url}")
        shown = urlsplit(page.url)
        referer = f"https://{HOST}{shown.path}" + (f"?{shown.query}" if shown.query else "")
        response = self._request(
            "POST", path, 302, data={"csrf_token": token.group(1), **data}, headers={"Referer": referer}, **kwargs
        )
        location = response.headers.get("Location", "")
        moved = re.fullmatch(to, location)
        if moved is None:
            raise JourneyFailed(f"POST {path}: sent to {location!r}, expected {to!r}")
        return moved

    def sign_in_by_email(self, email: str, database: Database) -> None:
        page = self.get("/sign-in", contains=("What is your email address or mobile number?",))
        self.post("/sign-in", {"email": email}, page=page, to="/sign-in/check-your-email")
        page = self.get("/sign-in/check-your-email", contains=("Check your email",))
        self.post("/sign-in/check-your-email", {"code": database.sign_in_code(email)}, page=page, to="/.*")

    def sign_in_as_staff(self, email: str, password: str, authenticator_secret: str) -> None:
        page = self.get("/staff/sign-in", contains=("Staff sign in",))
        self.post("/staff/sign-in", {"email": email, "password": password}, page=page, to="/staff/enter-code")
        page = self.get("/staff/enter-code", contains=("Enter your code",))
        code = pyotp.TOTP(authenticator_secret).now()
        self.post("/staff/enter-code", {"code": code}, page=page, to="/finance")


class Person(HttpUser):
    abstract = True
    wait_time = between(*BETWEEN_JOURNEYS_SECONDS)
    cast: Cast  # set before the run
    database: Database
    everyone: list[Person] = []

    def on_start(self) -> None:
        self.browser = Browser(self.client)
        self.signed_in = False
        self.done = self.finished = 0  # journeys that succeeded; that ended either way
        self.short_of: Counter[str] = Counter()  # journeys cut short for want of seeded work
        Person.everyone.append(self)

    @contextmanager
    def journey(self, name: str) -> Iterator[None]:
        """One journey, reported as a JOURNEY request: failed by the first unexpected page, or by anything else."""
        started = time.perf_counter()
        failure: Exception | None = None
        try:
            yield
        except JourneyFailed as failed:
            failure = failed
        except Exception as error:  # anything else that stops a journey fails it too, with its traceback shown
            failure = error
            say(f"{name}: {traceback.format_exc()}")
        self.environment.events.request.fire(
            request_type="JOURNEY",
            name=name,
            response_time=(time.perf_counter() - started) * 1000,
            response_length=0,
            exception=failure,
            context={},
        )
        self.finished += 1
        if failure is None:
            self.done += 1


class Visitor(Person):
    @task
    def read_public_pages(self) -> None:
        with self.journey("visitor reads public pages and open data"):
            place = RNG.choice(self.cast.places)
            browser = self.browser
            browser.get("/", contains=("Get a small spark for your idea", place.name))
            think()
            listed = browser.get("/stories", contains=("Stories of small sparks",))
            story_ids = re.findall(r'href="/stories/(\d+)"', listed.text)
            if not story_ids:
                raise JourneyFailed("no published story listed on /stories")
            think()
            story = browser.get(f"/stories/{RNG.choice(story_ids)}", contains=("Sunflowers on the green",))
            photos = re.findall(r"/story-photos/\d+/large", story.text)
            if not photos:
                raise JourneyFailed("no photo on a published story")
            shown = browser.get(photos[0])
            if shown.headers.get("Content-Type") != "image/jpeg" or not shown.content.startswith(b"\xff\xd8"):
                raise JourneyFailed(f"{photos[0]} is not a JPEG")
            think()
            browser.get(f"/neighbourhoods/{place.slug}", contains=(place.name, "Start now"))
            think()
            browser.get("/open-data", contains=("Open data: where the money went",))
            if self.done % 3 == 0:  # the 360Giving file now and then (10 a minute per address)
                grants = json.loads(browser.get("/open-data/grants.json").text)
                if not grants.get("grants"):
                    raise JourneyFailed("no grants in /open-data/grants.json")
            think()
            page = browser.get("/api/v1/grants").json()
            if not page.get("total"):
                raise JourneyFailed("no grants from /api/v1/grants")
            pots = browser.get("/api/v1/pots").json()
            if place.name not in {pot["neighbourhood"] for pot in pots["pots"]}:
                raise JourneyFailed(f"{place.name} missing from /api/v1/pots")


class Resident(Person):
    def on_start(self) -> None:
        super().on_start()
        self.email = self.cast.residents.pop()

    def answer(self, idea: str, slug: str, title: str, data: dict[str, Any], then: str) -> None:
        page = self.browser.get(f"{idea}/{slug}", contains=(title,))
        think()
        self.browser.post(f"{idea}/{slug}", {**data, "submit": "Continue"}, page=page, to=f"{idea}/{then}")

    @task
    def send_an_idea(self) -> None:
        with self.journey("resident writes and sends an idea"):
            browser = self.browser
            if not self.signed_in:
                browser.sign_in_by_email(self.email, self.database)
                self.signed_in = True
            place = RNG.choice(self.cast.places)
            browser.get(f"/neighbourhoods/{place.slug}", contains=(place.name,))
            think()
            start = f"/neighbourhoods/{place.slug}/pots/{place.pot_id}/start"
            page = browser.get(start, contains=("Start",))
            moved = browser.post(start, {"submit": "Start"}, page=page, to=r"(/ideas/\d+)/who-is-applying")
            idea = moved.group(1)
            name = f"{RNG.choice(IDEA_NAMES)} on {place.name}"
            group = RNG.random() < 0.3
            kind = "informal_group" if group else "just_me"
            think()
            after = "group-name" if group else "idea-name"
            self.answer(idea, "who-is-applying", "Who is applying?", {"applicant_type": kind}, after)
            if group:
                group_name = {"group_name": "Friends of the park"}
                self.answer(idea, "group-name", "What is your group called?", group_name, "idea-name")
            self.answer(idea, "idea-name", "What do you call your idea?", {"idea_name": name}, "what-you-want-to-do")
            self.answer(
                idea,
                "what-you-want-to-do",
                "What do you want to do?",
                {"idea_description": "Close the street for an afternoon: games, food and music for everyone."},
                "who-it-brings-together",
            )
            self.answer(
                idea,
                "who-it-brings-together",
                "Who will it bring together?",
                {"brings_together": "Neighbours of all ages, and the families who moved in this year"},
                "how-it-helps",
            )
            self.answer(
                idea,
                "how-it-helps",
                "How will it help your area?",
                {"helps_area": "People will know each other's names and look out for each other"},
                "what-you-bring",
            )
            self.answer(
                idea,
                "what-you-bring",
                "What do you bring?",
                {
                    "bring_head": "I know how to cook for a crowd",
                    "bring_hands": "I can make posters",
                    "bring_heart": "",
                },
                "help-from-others",
            )
            self.answer(
                idea,
                "help-from-others",
                "Will anyone else help?",
                {"help_from_others": "The church lends us tables"},
                "costs",
            )
            costs = browser.get(f"{idea}/costs", contains=("What is the money for?",))
            think()
            cost = {"item": "Tea and biscuits", "amount": "40", "add": "Add this cost"}
            browser.post(f"{idea}/costs", cost, page=costs, to=f"{idea}/costs")
            costs = browser.get(f"{idea}/costs", contains=("Tea and biscuits", "Add another cost"))
            think()
            last = {"item": "Hall hire", "amount": "25.50", "done": "Continue"}
            browser.post(f"{idea}/costs/done", last, page=costs, to=f"{idea}/when-and-where")
            self.answer(
                idea,
                "when-and-where",
                "When and where?",
                {"when_text": "In the summer holidays", "where_text": "Mill Lane"},
                "contact",
            )
            contact = {"contact_name": "Rosa", "contact_method": "email", "contact_phone": ""}
            self.answer(idea, "contact", "How can we reach you?", contact, "check-your-answers")
            check = browser.get(
                f"{idea}/check-your-answers", contains=("Check your answers before sending your idea", name, "£65.50")
            )
            think()
            sent = {"declaration": "y", "submit": "Send your idea"}
            browser.post(f"{idea}/check-your-answers", sent, page=check, to=f"{idea}/sent")
            browser.get(f"{idea}/sent", contains=("Your idea has been sent",))
            if self.done % 2 == 0:
                receipt = browser.get(f"{idea}/receipt")
                if not receipt.content.startswith(b"%PDF"):
                    raise JourneyFailed(f"{idea}/receipt is not a PDF")
            think()
            browser.get("/ideas", contains=("Your ideas", name))


class PanelChair(Person):
    def on_start(self) -> None:
        super().on_start()
        self.email, self.place = self.cast.chairs.pop()

    @task
    def decide(self) -> None:
        with self.journey("panel chair decides an idea"):
            browser, place = self.browser, self.place
            if not self.signed_in:
                browser.sign_in_by_email(self.email, self.database)
                self.signed_in = True
            panel = f"/panels/{place.neighbourhood_id}"
            listed = browser.get(panel, contains=(f"{place.name} panel", "Ideas waiting for the panel"))
            waiting = listed.text.partition("Ideas waiting for the panel")[2].partition("Decided ideas")[0]
            found = re.findall(rf'href="({panel}/ideas/\d+)"', waiting)
            if not found:
                self.short_of["no idea waiting"] += 1
                return
            idea = found[0]
            think()
            page = browser.get(idea, contains=("What the money is for",))
            if f'action="{idea}/decision"' not in page.text:
                think()
                browser.post(f"{idea}/interest", {"has_interest": "no", "note": ""}, page=page, to=idea)
                page = browser.get(idea, contains=("Your declaration has been saved.",))
            think()
            decision = {"kind": "yes", "amount": "", "condition": "", "reason": "A good idea that brings people in."}
            browser.post(f"{idea}/decision", decision, page=page, to=panel)
            browser.get(panel, contains=("The decision has been recorded.",))


class FinanceOfficers(Person):
    """Two finance officers at neighbouring desks: one prepares each run, the other authorises it."""

    def on_start(self) -> None:
        super().on_start()
        self.pair_number = len(self.cast.finance)
        self.pair = self.cast.finance.pop()
        session = HttpSession(base_url=self.host, request_event=self.environment.events.request, user=self)
        session.trust_env = False
        self.authoriser = Browser(session)

    @task
    def pay_a_run(self) -> None:
        with self.journey("finance officers prepare, authorise and export a run"):
            a, b = self.browser, self.authoriser
            if not self.signed_in:
                for browser, (email, authenticator) in ((a, self.pair.preparer), (b, self.pair.authoriser)):
                    browser.sign_in_as_staff(email, self.cast.staff_password, authenticator)
                self.signed_in = True
            a.get("/finance", contains=("Payments",))
            think()
            page = a.get("/finance/runs/new", contains=("Put due payments in a run",))
            offered = {int(v) for v in re.findall(r'name="awards" type="checkbox" value="(\d+)"', page.text)}
            chosen = [award for award in self.pair.award_ids if award in offered][:3]
            if not chosen:
                self.short_of["no award due"] += 1
                a.get("/finance/ledger", contains=("Ledger",))
                return
            for award in chosen:
                self.pair.award_ids.remove(award)
            think()
            prepared = {"awards": [str(award) for award in chosen]}
            run = a.post("/finance/runs/new", prepared, page=page, to=r"/finance/runs/\d+").group(0)
            page = b.get(run, contains=("Waiting to be authorised", "Authorise the run"))
            seen = re.search(r'name="seen" value="([^"]*)"', page.text)
            if seen is None:
                raise JourneyFailed(f"no authorise form for the second officer on {run}")
            think()
            b.post(f"{run}/authorise", {"seen": seen.group(1)}, page=page, to=run)
            b.get(run, contains=("The run has been authorised.", "Authorised: record when paid"))
            think()
            # In turn, each pair from its own start, so every kind of file is made early in the run.
            kind = list(EXPORT_KINDS)[(self.done + 2 * self.pair_number) % len(EXPORT_KINDS)]
            page = a.get(run, contains=("Authorised: record when paid", "Make the file"))
            export = a.post(f"{run}/exports", {"kind": kind}, page=page, to=rf"{run}/exports/\d+").group(0)
            a.get(export, contains=("File name",))
            deadline = time.monotonic() + WAIT_SECONDS
            while not (state := a.get(f"{export}/status").json())["done"]:  # as the page's script asks
                if time.monotonic() > deadline:
                    raise JourneyFailed(f"{export} not made within {WAIT_SECONDS} s: {state['message']}")
                gevent.sleep(1)
            if state["status"] != "ready":
                raise JourneyFailed(f"{export}: {state['message']}")
            a.get(export, contains=("The file is ready.",))
            mimetype, starts = EXPORT_KINDS[kind]
            got = a.get(f"{export}/download")
            if not got.headers.get("Content-Type", "").startswith(mimetype) or not got.content.startswith(starts):
                raise JourneyFailed(f"{export}/download is not a {mimetype} file")


class StoryTeller(Person):
    def on_start(self) -> None:
        super().on_start()
        self.teller = self.cast.tellers.pop()
        self.photo = picture(RNG.randrange(1000))

    def step(self, story: str, slug: str, data: dict[str, Any], then: str) -> None:
        page = self.browser.get(f"{story}/{slug}")
        think()
        self.browser.post(f"{story}/{slug}", {**data, "submit": "Continue"}, page=page, to=then)

    @task
    def tell_a_story(self) -> None:
        with self.journey("resident tells a story with a photo"):
            browser = self.browser
            if not self.signed_in:
                browser.sign_in_by_email(self.teller.email, self.database)
                self.signed_in = True
            browser.get("/ideas", contains=("Your ideas",))
            if not self.teller.ideas:
                self.short_of["no paid award left"] += 1
                return
            application_id, idea_name = self.teller.ideas.pop(0)
            story = f"/ideas/{application_id}/story"
            think()
            browser.get(story, contains=("Tell us what happened", idea_name))
            think()
            happened = {"what_happened": "We held a seed swap on the green. About 40 came, and most stayed for tea."}
            self.step(story, "what-happened", happened, f"{story}/did-it-go-to-plan")
            plan = {"went_to_plan": "partly", "learned": "Have a plan for rain."}
            self.step(story, "did-it-go-to-plan", plan, f"{story}/photos")
            page = browser.get(f"{story}/photos", contains=("Photos (optional)",))
            think()
            described = f"Neighbours swapping seeds, story {application_id}"
            photo = {"alt_text": described, "shows_children": "no", "may_share": "y", "submit": "Add photo"}
            files = {"photo": ("seed-swap.jpg", self.photo, "image/jpeg")}
            browser.post(f"{story}/photos", photo, page=page, to=f"{story}/photos", files=files)
            deadline = time.monotonic() + WAIT_SECONDS
            while "We are getting this photo ready" in (page := browser.get(f"{story}/photos")).text:
                if time.monotonic() > deadline:
                    raise JourneyFailed(f"the photo of {story} was not ready within {WAIT_SECONDS} s")
                gevent.sleep(1)  # "Refresh the page in a moment to see it"
            if described not in html.unescape(page.text) or "We could not use this photo" in page.text:
                raise JourneyFailed(f"the photo of {story} is not shown ready")
            small = re.search(r"/story-photos/\d+/small", page.text)
            if small is None or not browser.get(small.group(0)).content.startswith(b"\xff\xd8"):
                raise JourneyFailed(f"no small JPEG of the photo on {story}/photos")
            think()
            browser.post(f"{story}/photos", {"next": "1"}, page=page, to=f"{story}/people")
            people = {"people_count": "40", "group_formed": "yes", "still_going": "not_sure"}
            self.step(story, "people", people, f"{story}/five-ways")
            self.step(story, "five-ways", {"ways": ["connect", "give"]}, f"{story}/who-can-see")
            consent = {"consent": "public_named", "first_name": self.teller.first_name}
            self.step(story, "who-can-see", consent, story)
            page = browser.get(story, contains=("Check your story before you send it", "1 photo", "Send your story"))
            think()
            browser.post(f"{story}/send", {"submit": "Send your story"}, page=page, to=story)
            browser.get(story, contains=("Thank you. Your story has been sent.",))


JOURNEYS = {
    "visitor": Visitor,
    "resident": Resident,
    "panel": PanelChair,
    "finance": FinanceOfficers,
    "storyteller": StoryTeller,
}


# Counting --------------------------------------------------------------------------------------------------------


@dataclass
class Tally:
    """Every request and journey Locust reports."""

    times_ms: list[float] = field(default_factory=list)
    by_page: dict[str, list[float]] = field(default_factory=dict)
    server_errors: Counter[str] = field(default_factory=Counter)
    request_failures: Counter[str] = field(default_factory=Counter)
    journeys: Counter[str] = field(default_factory=Counter)
    failed_journeys: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def on_request(
        self, request_type: str, name: str, response_time: float, exception: Any = None, response: Any = None, **_: Any
    ) -> None:
        if request_type == "JOURNEY":
            self.journeys[name] += 1
            if exception is not None:
                self.failed_journeys[name] += 1
                self.failures.append(f"{name}: {exception}")
            return
        self.times_ms.append(response_time)
        self.by_page.setdefault(f"{request_type} {name}", []).append(response_time)
        status = getattr(response, "status_code", 0) or 0
        if status >= 500:
            self.server_errors[f"{status} {request_type} {name}"] += 1
        elif exception is not None:
            self.request_failures[f"{request_type} {name}: {str(exception)[:200]}"] += 1

    def p95_ms(self) -> float:
        return percentile(self.times_ms, 95)


def percentile(times: list[float], p: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1)] if ordered else 0.0


def rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


class Memory:
    """The resident set size of each gunicorn worker and of the job worker, sampled every few seconds. A reading at a
    moment is each process's median over the samples in a short window around it: a page being drawn or a photo
    being resized holds memory for a moment, and one sample could catch either reading at such a peak."""

    EVERY_SECONDS = 2.0

    def __init__(self, master: Any, worker: Any, window: float) -> None:
        self.master, self.worker, self.window = master, worker, window
        self.names: dict[int, str] = {}
        self.samples: list[tuple[float, dict[int, int]]] = []

    def sample(self, at: float) -> None:
        pids = [(pid, "gunicorn worker") for pid in worker_pids(self.master)] + [(self.worker.pid, "job worker")]
        taken = {}
        for pid, name in pids:
            self.names.setdefault(pid, f"{name} {pid}")
            if (kb := rss_kb(pid)) is not None:
                taken[pid] = kb
        self.samples.append((at, taken))

    def reading(self, start: float, end: float) -> dict[int, float]:
        found: dict[int, list[int]] = {}
        for at, taken in self.samples:
            if start <= at <= end:
                for pid, kb in taken.items():
                    found.setdefault(pid, []).append(kb)
        return {pid: statistics.median(kbs) for pid, kbs in found.items()}

    def growth(self, mark: float, end: float) -> tuple[float, list[str]]:
        """The largest growth in % of any one process from `mark` to `end`, and any process that did not last."""
        before = self.reading(mark - self.window / 2, mark + self.window / 2)
        after = self.reading(end - self.window, end)
        say(f"resident set size (MB; medians of the samples within {self.window:.0f} s of each point):")
        for at in sorted({*range(0, int(end), 60), mark, end}):
            row = self.reading(at - self.window / 2, at + self.window / 2) if at < end else after
            say(f"  {at:5.0f} s  " + ", ".join(f"{self.names[pid]}: {kb / 1024:.0f}" for pid, kb in row.items()))
        problems = [
            f"{self.names[pid]} was replaced or ended during the run (see its log)"
            for pid in before
            if pid not in after
        ]
        problems += [
            f"{self.names[pid]} started during the run (one was replaced; see its log)"
            for pid in after
            if pid not in before
        ]
        growth = max(((after[pid] - kb) / kb * 100 for pid, kb in before.items() if pid in after), default=0.0)
        return growth, problems


# The run ---------------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    tally: Tally
    growth_percent: float
    memory_note: str
    memory_problems: list[str]
    background_problems: dict[str, int]


def run_load(
    port: int, cast: Cast, counts: dict[str, int], seconds: float, master: Any, worker: Any, url: str
) -> Outcome:
    database = Database(url)
    Person.cast, Person.database = cast, database
    for kind, user_class in JOURNEYS.items():
        user_class.fixed_count = counts[kind]
    environment = Environment(user_classes=list(JOURNEYS.values()), host=f"http://127.0.0.1:{port}")
    tally = Tally()
    environment.events.request.add_listener(tally.on_request)
    runner = environment.create_local_runner()
    mark = 120.0 if seconds >= 360 else seconds / 3
    note = "" if seconds >= 360 else f" (from {mark:.0f} s, a third of this {seconds:.0f}-second run, to its end)"
    memory = Memory(master, worker, window=min(20.0, seconds / 6))
    people = sum(counts.values())
    runner.start(people, spawn_rate=5)
    # Warming up: the clock starts once every person has ended a journey, so each process has drawn its first page,
    # PDF and photo (first uses that load fonts and libraries, not growth) before memory is read. Everything the
    # warm-up does is counted too.
    warming = time.monotonic()
    while time.monotonic() - warming < WARM_UP_LIMIT_SECONDS and (
        len(Person.everyone) < people or any(person.finished == 0 for person in Person.everyone)
    ):
        gevent.sleep(0.5)
    say(f"warmed up in {time.monotonic() - warming:.0f} s (every person ended a journey); the clock starts")
    started = time.monotonic()
    while (elapsed := time.monotonic() - started) < seconds:
        memory.sample(elapsed)
        gevent.sleep(min(Memory.EVERY_SECONDS, max(0.0, seconds - elapsed)))
    memory.sample(time.monotonic() - started)
    runner.quit()
    say(f"ran {time.monotonic() - started:.0f} s; waiting for the job worker to finish what was asked of it")

    deadline = time.monotonic() + WAIT_SECONDS
    while any((left := database.background_left()).values()) and time.monotonic() < deadline:
        gevent.sleep(1)
    background = {name: n for name, n in {**left, **database.background_failed()}.items() if n}
    database.close()

    growth, problems = memory.growth(mark, seconds)
    short = Counter({f"{type(p).__name__}: {what}": n for p in Person.everyone for what, n in p.short_of.items()})
    for what, n in sorted(short.items()):
        say(f"  {what}: {n} times (the seeded stock ran out; raise it in stock_sizes)")
    return Outcome(tally, growth, note, problems, background)


def report(outcome: Outcome, logs: Path) -> int:
    tally = outcome.tally
    say("slowest pages (requests, median ms, p95 ms):")
    slowest = sorted(tally.by_page.items(), key=lambda item: -percentile(item[1], 95))
    for page, times in slowest[:12]:
        say(f"  {page}: {len(times)}, {percentile(times, 50):.0f}, {percentile(times, 95):.0f}")
    say("journeys (done / failed):")
    for name, n in sorted(tally.journeys.items()):
        say(f"  {name}: {n} / {tally.failed_journeys[name]}")
    for heading, counted in (("5xx", tally.server_errors), ("request failures", tally.request_failures)):
        if counted:
            say(f"{heading}:")
            for what, n in counted.most_common(20):
                say(f"  {n} x {what}")
    if tally.failures:
        say(f"first failed journeys ({len(tally.failures)} in all):")
        for failure in tally.failures[:10]:
            say(f"  {failure}")
    for what, n in outcome.background_problems.items():
        say(f"background work: {n} {what}")
    for problem in outcome.memory_problems:
        say(f"memory: {problem}")
    tracebacks = sum(log.read_text(errors="replace").count("Traceback") for log in logs.glob("*.log"))
    if tracebacks:
        say(f"{tracebacks} tracebacks in the server and worker logs ({logs})")
    server_errors = sum(tally.server_errors.values())
    errors = sum(tally.failed_journeys.values()) + sum(outcome.background_problems.values())
    print(
        f"R4: requests {len(tally.times_ms)}, 5xx {server_errors}, errors {errors}, p95 {tally.p95_ms():.0f} ms, "
        f"worker memory growth {outcome.growth_percent:.1f} %{outcome.memory_note}",
        flush=True,
    )
    missed = server_errors or errors or outcome.growth_percent >= BAR_GROWTH_PERCENT or outcome.memory_problems
    return 1 if missed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="how long the load runs (default 10)")
    parser.add_argument("--users", type=int, default=20, help="simulated people at once (default 20)")
    args = parser.parse_args()
    if args.minutes <= 0:
        parser.error("--minutes must be more than 0")
    counts = user_counts(args.users)
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        raise SystemExit(f"R4 FAILED: Redis is needed at {REDIS_URL} and did not answer: {error}") from error
    # Stopped from outside (a CI job's timeout): end the main greenlet, so the servers stop and the database goes.
    main_greenlet, stopped = gevent.getcurrent(), SystemExit("R4 FAILED: stopped by SIGTERM")
    gevent.signal_handler(signal.SIGTERM, lambda: gevent.spawn(main_greenlet.throw, stopped))
    logs = Path(tempfile.mkdtemp(prefix="soak-logs-"))
    status = 1
    try:
        with ExitStack() as running:
            began = time.monotonic()
            say("starting SeaweedFS")
            s3: S3Server = running.enter_context(seaweedfs_s3())
            url = running.enter_context(fresh_postgres_database("sparks_soak"))
            env = production_env(
                url,
                S3_BUCKET=s3.bucket,
                S3_ENDPOINT_URL=s3.endpoint_url,
                S3_ACCESS_KEY_ID=s3.access_key_id,
                S3_SECRET_ACCESS_KEY=s3.secret_access_key,
                S3_REGION=s3.region,
            )
            say(f"migrating {sa.make_url(url).database}")
            migrate(env)
            app = make_test_app(
                url,
                SECRET_KEY=env["SECRET_KEY"],
                ENCRYPTION_KEY=env["ENCRYPTION_KEY"],
                AUDIT_HMAC_KEY=env["AUDIT_HMAC_KEY"],
                LOOKUP_HMAC_KEY=env["LOOKUP_HMAC_KEY"],
                S3_BUCKET=s3.bucket,
                S3_ENDPOINT_URL=s3.endpoint_url,
                S3_ACCESS_KEY_ID=s3.access_key_id,
                S3_SECRET_ACCESS_KEY=s3.secret_access_key,
                S3_REGION=s3.region,
                SERVER_BASE_URL=env["SERVER_BASE_URL"],
            )
            say("seeding through the portal's services")
            seeded = time.monotonic()
            cast = seed(app, counts, args.minutes)
            say(f"seeded in {time.monotonic() - seeded:.0f} s; starting gunicorn and a job worker")
            master, port = running.enter_context(gunicorn(env, logs / "gunicorn.log", workers=GUNICORN_WORKERS))
            worker = running.enter_context(job_worker(env, logs / "worker.log"))
            people = ", ".join(f"{n} {kind}" for kind, n in counts.items())
            say(f"ready after {time.monotonic() - began:.0f} s; {args.minutes:g} minutes of {people}")
            outcome = run_load(port, cast, counts, args.minutes * 60, master, worker, url)
            status = report(outcome, logs)
    finally:
        if status == 0 or not any(logs.iterdir()):
            shutil.rmtree(logs, ignore_errors=True)
        else:
            say(f"logs kept in {logs}")
    return status


if __name__ == "__main__":
    try:
        sys.exit(main())
    except pytest.fail.Exception as missing:  # the stack's helpers fail, never skip, when a service is missing
        sys.exit(f"R4 FAILED: {missing}")
