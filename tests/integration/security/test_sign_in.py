"""Security review, sign-in (medium and low): guessing staff codes from many addresses, unlimited resident links,
links left usable after signing in, and sessions that never end while in use."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from portal.accounts.models import SignInToken
from portal.common.audit import AuditEvent
from portal.common.time import utcnow
from portal.domain.roles import Role
from portal.extensions import db
from tests.conftest import csrf_token, login_as, outbox, post_form
from tests.factories import STAFF_PASSWORD, UserFactory, make_staff
from tests.integration.accounts.test_staff_sign_in import sign_in_with_password

LINK_RE = re.compile(r"http://localhost(/sign-in/link/[\w-]+)")
CODE_RE = re.compile(r"\b(\d{6})\b")


def actions(name):
    return db.session.execute(sa.select(AuditEvent).where(AuditEvent.action == name)).scalars().all()


def test_staff_codes_guessed_from_several_addresses_end_the_sign_in_after_five(app, client):
    staff, totp = make_staff(Role.FINANCE_OFFICER, email="target@example.org")
    sign_in_with_password(client, "target@example.org")
    with client.session_transaction() as stolen:
        pending = dict(stolen["pending_staff"])
    # The attacker copies the pending-sign-in cookie to five machines, each under the per-address limit.
    wrong = next(code for code in ("000000", "111111", "222222") if code != totp.now())
    for n in range(5):
        machine = app.test_client()
        with machine.session_transaction() as session:
            session["pending_staff"] = pending
        token = csrf_token(machine, "/staff/enter-code")
        response = machine.post(
            "/staff/enter-code",
            data={"csrf_token": token, "code": wrong},
            environ_base={"REMOTE_ADDR": f"198.51.100.{n + 1}"},
        )
    assert response.status_code == 302 and response.headers["Location"] == "/staff/sign-in"
    assert len(actions("sign_in.staff_code_wrong")) == 5
    assert len(actions("sign_in.staff_sign_in_ended")) == 1
    # Even the right code no longer works with that cookie: back to the password.
    response = post_form(client, "/staff/enter-code", {"code": totp.now()}, token_from="/staff/sign-in")
    assert response.headers["Location"] == "/staff/sign-in"
    assert client.get("/account").status_code == 302


def test_a_right_code_after_a_few_wrong_ones_still_signs_in_and_clears_the_count(client):
    staff, totp = make_staff(Role.FINANCE_OFFICER, email="busy@example.org")
    sign_in_with_password(client, "busy@example.org")
    for _ in range(3):
        post_form(client, "/staff/enter-code", {"code": "000000" if totp.now() != "000000" else "111111"})
    assert post_form(client, "/staff/enter-code", {"code": totp.now()}).status_code == 302
    db.session.refresh(staff)
    assert staff.staff_code_failures == 0 and staff.staff_sign_in_nonce is None


def test_wrong_staff_passwords_are_audited_without_the_address_typed(client):
    staff, _ = make_staff(Role.FINANCE_OFFICER, email="fo@example.org")
    sign_in_with_password(client, "fo@example.org", "not it")
    sign_in_with_password(client, "nobody.here@example.org", "not it")
    events = actions("sign_in.staff_password_wrong")
    assert [(e.object_type, e.object_id) for e in events] == [("user", str(staff.id)), ("", "")]
    assert "nobody.here" not in " ".join(e.details + e.object_id for e in events)


def test_a_resident_email_gets_at_most_the_daily_number_of_links(app, client):
    # Links asked for through the day, each under the 15-minute limit, from many addresses.
    limit = app.config["SIGN_IN_LINKS_PER_DAY"]
    for n in range(limit - 1):
        db.session.add(
            SignInToken(
                email="flooded@example.org",
                token_hash=f"{n:064d}",
                code_hash="x",
                created_at=utcnow() - timedelta(hours=23, minutes=n),
                expires_at=utcnow(),
            )
        )
    db.session.commit()
    assert post_form(client, "/sign-in", {"email": "flooded@example.org"}).status_code == 302
    page = post_form(app.test_client(), "/sign-in", {"email": "flooded@example.org"})
    assert page.status_code == 200
    assert "You have asked for a lot of sign-in links today" in page.get_data(as_text=True)
    assert len(outbox("flooded@example.org")) == 1
    assert len(actions("sign_in.link_refused")) == 1


def test_signing_in_with_one_link_ends_every_other_unused_link_and_code(app, client):
    UserFactory(email="rosa@example.org")
    post_form(client, "/sign-in", {"email": "rosa@example.org"})
    post_form(client, "/sign-in", {"email": "rosa@example.org"})
    first, second = outbox("rosa@example.org")
    link = LINK_RE.search(second.body).group(1)
    assert client.post(link, data={"csrf_token": csrf_token(client, link)}).status_code == 302
    assert db.session.execute(sa.select(SignInToken).where(SignInToken.used_at.is_(None))).first() is None
    other = app.test_client()
    old_link = LINK_RE.search(first.body).group(1)
    assert "already been used" in other.get(old_link).get_data(as_text=True)


def test_a_session_ends_after_its_absolute_lifetime_however_busy(app, client):
    resident = UserFactory()
    login_as(client, resident)
    hours = app.config["SESSION_MAX_HOURS"]
    with client.session_transaction() as session:
        session["signed_in_at"] = int((utcnow() - timedelta(hours=hours, minutes=1)).timestamp())
    response = client.get("/ideas")  # active a moment ago, so the idle timeout alone would not end it
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    assert client.get("/ideas").status_code == 302
    login_as(client, resident)
    assert client.get("/ideas").status_code == 200


def test_a_fresh_sign_in_starts_the_lifetime_clock(client):
    UserFactory(email="rosa@example.org")
    post_form(client, "/sign-in", {"email": "rosa@example.org"})
    link = LINK_RE.search(outbox("rosa@example.org")[0].body).group(1)
    client.post(link, data={"csrf_token": csrf_token(client, link)})
    with client.session_transaction() as session:
        assert abs(session["signed_in_at"] - int(utcnow().timestamp())) < 5


def test_staff_password_form_still_shows_one_message_for_every_refusal(client):
    make_staff(Role.FINANCE_OFFICER, email="fo9@example.org")
    wrong = sign_in_with_password(client, "fo9@example.org", STAFF_PASSWORD + "x").get_data(as_text=True)
    unknown = sign_in_with_password(client, "ghost@example.org").get_data(as_text=True)
    assert (
        "Your email address or password is not right" in wrong
        and "Your email address or password is not right" in unknown
    )
