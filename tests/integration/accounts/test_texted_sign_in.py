"""Residents with a UK mobile number and no email address sign in by a texted 6-number code: the same rules as an
emailed code (single use, 30 minutes, 5 tries, a daily cap per number, only hashes stored), the number stored only
encrypted and found by a keyed hash."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.accounts.models import SignInToken, User
from portal.common.email import OutboxMessage
from portal.common.time import utcnow
from portal.domain.mobiles import HearBy
from portal.domain.roles import Role
from portal.extensions import db
from tests.conftest import post_form
from tests.factories import make_staff

NUMBER = "+447700900123"  # Ofcom's numbers for fiction: never anyone's phone
CODE_RE = re.compile(r"^(\d{6}) is your Small Sparks sign-in code")


def texts(to: str = NUMBER) -> list[OutboxMessage]:
    rows = db.session.execute(
        sa.select(OutboxMessage).where(OutboxMessage.channel == "text").order_by(OutboxMessage.id)
    ).scalars()
    return [row for row in rows if row.to_mobile and row.to_mobile.reveal() == to]


def ask_for_a_code(client, typed="07700 900123") -> str:
    response = post_form(client, "/sign-in", {"email": typed})
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    assert response.headers["Location"] == "/sign-in/check-your-phone"
    return CODE_RE.match(texts()[-1].body).group(1)


def enter(client, code: str):
    return post_form(client, "/sign-in/check-your-phone", {"code": code})


def test_a_new_resident_signs_in_by_a_texted_code_and_hears_from_us_by_text(client):
    code = ask_for_a_code(client)
    page = client.get("/sign-in/check-your-phone").get_data(as_text=True)
    assert "Check your phone" in page and "07700 900123" in page
    assert enter(client, code).status_code == 302
    user = db.session.execute(sa.select(User).where(User.mobile.is_not(None))).scalar_one()
    assert user.email is None and user.roles == {Role.RESIDENT}
    assert user.mobile.reveal() == NUMBER and user.hear_by == HearBy.TEXT
    assert client.get("/account").status_code == 200


@pytest.mark.parametrize("typed", ["+44 7700 900123", "0044 7700-900123", "(07700) 900 123", "٠٧٧٠٠ ٩٠٠١٢٣"])
def test_the_same_number_however_it_is_typed_is_the_same_resident(client, app, typed):
    enter(client, ask_for_a_code(client))
    other = app.test_client()
    enter(other, ask_for_a_code(other, typed))
    assert db.session.execute(sa.select(sa.func.count(User.id))).scalar() == 1


def test_the_number_is_stored_only_encrypted_and_the_code_only_hashed(client):
    code = ask_for_a_code(client)
    enter(client, code)
    for table, column in (("users", "mobile"), ("outbox_messages", "to_mobile")):
        stored = db.session.execute(sa.text(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL")).scalar()  # noqa: S608 # nosec B608 - names from this test
        assert stored and "7700" not in stored and "900123" not in stored
    for column in ("users.mobile_lookup", "sign_in_tokens.mobile_lookup"):
        table, name = column.split(".")
        lookup = db.session.execute(sa.text(f"SELECT {name} FROM {table} WHERE {name} IS NOT NULL")).scalar()  # noqa: S608 # nosec B608
        assert lookup and len(lookup) == 64 and "7700" not in lookup
    row = db.session.execute(sa.select(SignInToken)).scalar_one()
    assert code not in row.code_hash and row.email is None


def test_a_code_works_once(client, app):
    code = ask_for_a_code(client)
    assert enter(client, code).status_code == 302
    other = app.test_client()
    post_form(other, "/sign-in", {"email": "07700900123"})  # a new code is sent; the old one stays used
    page = enter(other, code).get_data(as_text=True)
    assert "That code is not right. Check the text and try again." in page


def test_a_code_runs_out_after_30_minutes(client):
    code = ask_for_a_code(client)
    db.session.execute(sa.update(SignInToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert "That code has run out" in enter(client, code).get_data(as_text=True)


def test_five_wrong_codes_end_the_code(client):
    code = ask_for_a_code(client)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(4):
        assert "That code is not right" in enter(client, wrong).get_data(as_text=True)
    assert "The code was wrong too many times" in enter(client, wrong).get_data(as_text=True)
    assert "The code was wrong too many times" in enter(client, code).get_data(as_text=True)


def test_each_number_gets_at_most_the_daily_number_of_codes(client, app):
    from portal.accounts.services import mobile_lookup

    limit = app.config["SIGN_IN_LINKS_PER_DAY"]
    for n in range(limit - 1):  # asked for through the day, each under the 15-minute limit
        db.session.add(
            SignInToken(
                mobile_lookup=mobile_lookup(NUMBER),
                token_hash=f"{n:064d}",
                code_hash="x",
                created_at=utcnow() - timedelta(hours=23, minutes=n),
                expires_at=utcnow(),
            )
        )
    db.session.commit()
    ask_for_a_code(client)
    page = post_form(app.test_client(), "/sign-in", {"email": "+44 7700 900123"})
    assert page.status_code == 200
    assert "You have asked for a lot of codes today" in page.get_data(as_text=True)
    assert len(texts()) == 1


@pytest.mark.parametrize(
    ("typed", "explained"),
    [
        ("0113 496 0000", "That looks like a landline"),
        ("+33 6 12 34 56 78", "We can only send texts to UK mobile numbers"),
        ("07700 9001", "Enter a UK mobile number, like 07700 900123, or an email address"),
        ("not an email", "Enter an email address in the correct format"),
    ],
)
def test_what_is_not_a_uk_mobile_is_explained_and_kept(client, typed, explained):
    page = post_form(client, "/sign-in", {"email": typed})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert explained in html and "There is a problem" in html
    assert f'value="{typed}"' in html
    assert db.session.execute(sa.select(sa.func.count(OutboxMessage.id))).scalar() == 0


def test_with_texts_off_only_email_is_offered(client, app):
    app.config["TEXT_BACKEND"] = "off"
    try:
        assert "What is your email address?" in client.get("/sign-in").get_data(as_text=True)
        html = post_form(client, "/sign-in", {"email": "07700 900123"}).get_data(as_text=True)
        assert "Enter an email address in the correct format" in html
    finally:
        app.config["TEXT_BACKEND"] = "outbox"


def test_a_staff_member_with_a_mobile_cannot_sign_in_by_text(client):
    staff, _ = make_staff(Role.FINANCE_OFFICER, email="finance@example.org")
    from portal.accounts.services import mobile_lookup

    staff.mobile, staff.mobile_lookup = NUMBER, mobile_lookup(NUMBER)
    db.session.commit()
    page = enter(client, ask_for_a_code(client)).get_data(as_text=True)
    assert "This account signs in with a password" in page


def test_the_code_page_without_a_number_asks_again(client):
    assert client.get("/sign-in/check-your-phone").headers["Location"] == "/sign-in"
    assert post_form(client, "/sign-in/check-your-phone", {"code": "123456"}, token_from="/sign-in").status_code == 302


def test_tries_at_one_number_are_limited_however_it_is_typed(client):
    spellings = ["07700 900123", "+447700900123", "0044 7700 900123", "07700900123", "(07700) 900123"]
    assert [post_form(client, "/sign-in", {"email": typed}).status_code for typed in spellings] == [302] * 5
    response = post_form(client, "/sign-in", {"email": "07700-900-123"})
    assert response.status_code == 429
    assert len(texts()) == 5
