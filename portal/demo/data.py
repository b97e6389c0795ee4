"""Demo data for `make run`: neighbourhoods, open pots, one account per role, ideas in every state, paid awards and a
published story. `flask demo-data --scale N` adds the synthetic dataset the benchmarks use (portal/demo/scale.py)
instead."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext
from PIL import Image, ImageDraw

from portal.accounts.models import User
from portal.accounts.services import create_user
from portal.applications.models import Application
from portal.applications.services import add_cost_line, save_answers, start_application, submit_application
from portal.awards.services import accept_award
from portal.demo.asset_map import demo_asset_maps, demo_connections
from portal.demo.scale import build
from portal.domain.decisions import DecisionKind, ViewKind
from portal.domain.pot_questions import QuestionKind
from portal.domain.pots import PotLimits
from portal.domain.roles import PaymentMethod, Role
from portal.extensions import db
from portal.opendata.services import get_settings, save_settings
from portal.panels.services import declare_interest, give_view, record_decision
from portal.payments.services import BankDetails, authorise_payment, prepare_payment, record_paid, save_payee_details
from portal.programme.models import Neighbourhood, Pot
from portal.programme.questions import QuestionWords, add_question, questions_of
from portal.programme.services import save_neighbourhood, save_panel_rules, save_pot
from portal.programme.texts import TextKind, save_text, texts_of
from portal.stories import photo_services, publishing
from portal.stories import services as stories

DEMO_PASSWORD = "sparks-demo-password"  # noqa: S105 - demo accounts only (README) # nosec B105
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - demo staff share it (README) # nosec B105
LEEDS = ("E08000035", "MD")  # the demo neighbourhoods' council area, a metropolitan district

DEMO_NEIGHBOURHOODS = [
    ("Chapeltown", "Terraces, a busy high street and a lot of people who get things done.", "Chapeltown Community Hub"),
    ("Harehills", "A young, lively area where many languages are spoken on every street.", "Harehills Together"),
    ("Seacroft", "Green spaces, a market and neighbours who look out for each other.", "Seacroft Trust"),
]

DEMO_PEOPLE = [
    ("resident@demo.smallsparks.example", "Rosa Resident", {Role.RESIDENT}),
    ("panel@demo.smallsparks.example", "Pat Panel", {Role.RESIDENT, Role.PANEL_MEMBER}),
    ("builder@demo.smallsparks.example", "Bea Builder", {Role.COMMUNITY_BUILDER}),
    ("finance@demo.smallsparks.example", "Fin Finance", {Role.FINANCE_OFFICER}),
    ("finance2@demo.smallsparks.example", "Faye Finance", {Role.FINANCE_OFFICER}),
    ("programme@demo.smallsparks.example", "Priya Programme", {Role.PROGRAMME_OFFICER}),
    ("viewer@demo.smallsparks.example", "Cllr Vic Viewer", {Role.VIEWER}),
    ("evaluator@demo.smallsparks.example", "Dr Eve Evaluator", {Role.EVALUATOR}),
]


@click.command("demo-data")
@click.option(
    "--scale",
    type=click.IntRange(min=1),
    default=None,
    help="Instead, add this many synthetic applications (with decisions, awards, payments, stories) for benchmarks.",
)
@with_appcontext
def demo_data(scale: int | None) -> None:
    """Load demo neighbourhoods, open pots and one account per role. Safe to run more than once. Refused in
    production: the demo staff share a published password and authenticator key."""

    if current_app.config["ENV_NAME"] == "production":
        raise click.UsageError("Demo data is never loaded in production: its staff accounts have a published password.")
    if scale is not None:
        made = build(scale)
        click.echo(
            f"Added {made.applications} applications, {made.awards} awards, {made.payments} payments and "
            f"{made.stories} stories in {made.seconds:.1f} s."
        )
        return

    neighbourhood_ids = _demo_neighbourhoods()
    _demo_people(neighbourhood_ids)
    _demo_ideas(neighbourhood_ids[0])
    _demo_awards(neighbourhood_ids[0])
    _demo_stories(neighbourhood_ids[0])
    _demo_open_data(neighbourhood_ids)
    _demo_programme_texts()
    _demo_pot_question(neighbourhood_ids[1])
    demo_asset_maps(neighbourhood_ids)
    demo_connections(neighbourhood_ids[0])
    click.echo("Demo data is ready.")


# The demo pot's description in the three languages; the neighbourhoods' descriptions stay English only, so a visitor
# in Welsh or Arabic sees both a programme's own translation and the marked English fallback.
DEMO_POT_DESCRIPTION = {
    "en": "For ideas that bring neighbours together. Anyone who lives here can ask, with or without a group.",
    "cy": "Ar gyfer syniadau sy'n dod â chymdogion ynghyd. Gall unrhyw un sy'n byw yma ofyn, gyda grŵp neu hebddo.",
    "ar": "للأفكار التي تجمع الجيران. يمكن لأي شخص يسكن هنا أن يطلب، مع مجموعة أو بدونها.",
}


def _demo_neighbourhoods() -> list[int]:
    """The three demo neighbourhoods in Leeds, each with an open pot; their ids, in DEMO_NEIGHBOURHOODS' order."""
    today = date.today()
    neighbourhood_ids = []
    for name, description, host in DEMO_NEIGHBOURHOODS:
        existing = db.session.execute(sa.select(Neighbourhood).where(Neighbourhood.name == name)).scalar()
        if existing is None:
            existing = save_neighbourhood(
                None,
                None,
                name=name,
                description=description,
                host_organisation=host,
                is_active=True,
                builder_contact=f"Bea at {host}: 0113 496 0000, weekdays 10am to 4pm",
                decision_weeks=2,
                geo_code=LEEDS[0],
                geo_code_type=LEEDS[1],
            )
            # The demo panel has one member, its chair: one view is enough to decide.
            save_panel_rules(None, existing, views_needed=1, decisions_by="chair")
            save_pot(
                None,
                existing,
                None,
                name="Small sparks " + str(today.year),
                description=DEMO_POT_DESCRIPTION["en"],
                other_languages={
                    lang: {"description": text} for lang, text in DEMO_POT_DESCRIPTION.items() if lang != "en"
                },
                limits=PotLimits(
                    budget_pence=500_000,
                    max_award_pence=50_000,
                    fast_track_limit_pence=10_000,
                    opens_on=date(today.year, 1, 1),
                    closes_on=date(today.year + 1, 3, 31),
                    is_rolling=False,
                ),
                payment_methods=[m.value for m in PaymentMethod],
            )
            click.echo(f"Added {name}")
        neighbourhood_ids.append(existing.id)
    return neighbourhood_ids


def _demo_people(neighbourhood_ids: list[int]) -> None:
    """One account per role; the panel member chairs the first neighbourhood's panel. Staff share the published
    password and authenticator key."""
    for email, name, roles in DEMO_PEOPLE:
        if db.session.execute(sa.select(User.id).where(User.email == email)).first():
            continue
        is_staff = bool(roles - {Role.RESIDENT, Role.PANEL_MEMBER})
        on_panel = tuple(neighbourhood_ids[:1]) if Role.PANEL_MEMBER in roles else ()
        create_user(
            email,
            name,
            roles,
            password=DEMO_PASSWORD if is_staff else None,
            panel_neighbourhood_ids=on_panel,
            chair_of=on_panel,
            authenticator_secret=DEMO_TOTP_SECRET if is_staff else None,
        )
        click.echo(f"Added {email}")


DEMO_IDEAS = [
    (
        "Saturday litter pick",
        "Pick up litter in the park every Saturday morning, then tea at the hub.",
        [("Litter pickers and bags", 6_000), ("Tea and biscuits", 2_500)],
    ),
    (
        "Syrian kitchen night",
        "Cook food from home once a month and share it with neighbours.",
        [("Ingredients for three nights", 18_000), ("Hall hire", 7_500)],
    ),
]


def _demo_ideas(neighbourhood_id: int) -> None:
    """Two sent ideas from the demo resident, so the demo panel has something to decide."""

    resident = db.session.execute(sa.select(User).where(User.email == DEMO_PEOPLE[0][0])).scalar_one()
    if db.session.execute(sa.select(Application.id).where(Application.applicant_id == resident.id)).first():
        return
    pot = db.session.execute(sa.select(Pot).where(Pot.neighbourhood_id == neighbourhood_id)).scalars().first()
    if pot is None:
        return
    for name, description, costs in DEMO_IDEAS:
        _demo_idea(pot, resident, name, description, costs, when="Next month", group_name="Friends of the park")
    click.echo("Added two demo ideas")


def _demo_idea(
    pot: Pot,
    resident: User,
    name: str,
    description: str,
    costs: list[tuple[str, int]],
    *,
    when: str,
    group_name: str | None = None,
) -> Application:
    """One idea the demo resident wrote and sent, as the question pages would: from a group when it has a group
    name, otherwise from them alone."""

    idea = start_application(resident, pot, "en")
    save_answers(
        idea,
        {
            "applicant_type": "informal_group" if group_name else "just_me",
            "group_name": group_name,
            "idea_name": name,
            "idea_description": description,
            "brings_together": "Neighbours of all ages",
            "helps_area": "People get to know each other",
            "when_text": when,
            "contact_name": "Rosa",
            "contact_method": "email",
        },
    )
    for item, pence in costs:
        add_cost_line(idea, item, pence)
    return submit_application(idea.id, resident)


DEMO_AWARDS = [
    ("Bulbs for the verges", "Plant spring bulbs along the main road with the school.", 12_000, "bank_transfer"),
    ("Knit and natter", "A weekly knitting circle at the library, with tea.", 8_000, "other_arrangement"),
]


def _demo_accepted(pot: Pot, name: str, description: str, pence: int, group_name: str | None = None) -> Any:
    """One idea from the demo resident (alone, or for a group) that the demo chair said yes to and the resident
    accepted."""

    resident = db.session.execute(sa.select(User).where(User.email == DEMO_PEOPLE[0][0])).scalar_one()
    chair = db.session.execute(sa.select(User).where(User.email == DEMO_PEOPLE[1][0])).scalar_one()
    idea = _demo_idea(
        pot,
        resident,
        name,
        description,
        [("Everything we need", pence)],
        when="In the spring",
        group_name=group_name,
    )
    declare_interest(idea.id, chair, has_interest=False, note="")
    give_view(idea.id, chair, view=ViewKind.SUPPORT, comment="")
    record_decision(idea.id, chair, kind=DecisionKind.YES, reason="A lovely idea for the whole street.")
    accept_award(idea.id, resident)
    return idea


def _demo_awards(neighbourhood_id: int) -> None:
    """Two ideas the demo panel said yes to, accepted by the resident, who said how to be paid: work for the demo
    finance officers (neither of whom decided them)."""

    resident = db.session.execute(sa.select(User).where(User.email == DEMO_PEOPLE[0][0])).scalar_one()
    names = [name for name, *_ in DEMO_AWARDS]
    if db.session.execute(sa.select(Application.id).where(Application.idea_name.in_(names))).first():
        return
    pot = db.session.execute(sa.select(Pot).where(Pot.neighbourhood_id == neighbourhood_id)).scalars().first()
    if pot is None:
        return
    for name, description, pence, method in DEMO_AWARDS:
        idea = _demo_accepted(pot, name, description, pence)
        if method == "bank_transfer":
            bank = BankDetails("Rosa Resident", "30-94-30", "00733445")
            save_payee_details(idea.id, resident, PaymentMethod.BANK_TRANSFER, bank=bank)
        else:
            save_payee_details(idea.id, resident, PaymentMethod.OTHER_ARRANGEMENT, arrangement="A prepaid card")
    click.echo("Added two awards due payment")


DEMO_GROUP_AWARD = (
    "Bench for the bus stop",
    "Mend and paint the old bench by the bus stop.",
    9_000,
    "Elm Street Friends",
)


def _demo_open_data(neighbourhood_ids: list[int]) -> None:
    """Open data settings, and an award to a group, so the 360Giving
    files hold a grant to a person and one to a group."""

    officer = db.session.execute(sa.select(User).where(User.email == DEMO_PEOPLE[5][0])).scalar_one()
    if not get_settings().is_ready:
        save_settings(
            officer,
            prefix="360G-smallsparksdemo",
            funder_name="Demo City Council",
            funder_id="GB-LAE-DEMO",
            reason="GTIR120",
            purposes=["GTIP160"],
        )
    name, description, pence, group = DEMO_GROUP_AWARD
    if db.session.execute(sa.select(Application.id).where(Application.idea_name == name)).first():
        return
    pot = db.session.execute(sa.select(Pot).where(Pot.neighbourhood_id == neighbourhood_ids[0])).scalars().first()
    if pot is not None:
        _demo_accepted(pot, name, description, pence, group_name=group)
        click.echo("Added an award to a group, and the open data settings")


DEMO_PAID = [
    ("Mill Lane seed swap", "Swap seeds and cuttings on the green, and plan a shared bed.", 6_000),
    ("Street games day", "Close the street for an afternoon of games for all ages.", 15_000),
]
DEMO_STORY = (
    "About 40 of us came to the green, many who had never met. We swapped seeds and cuttings, and the children "
    "planted sunflowers by the bus stop. It rained at three, so we moved into the hub and kept going. "
    "We now meet on the first Sunday of each month."
)


def _demo_stories(neighbourhood_id: int) -> None:
    """Two paid awards: one with a published story and a photo (so the public stories pages show what they are
    for), one still waiting for its story (so the demo resident is invited to tell it)."""

    names = [name for name, *_ in DEMO_PAID]
    if db.session.execute(sa.select(Application.id).where(Application.idea_name.in_(names))).first():
        return
    pot = db.session.execute(sa.select(Pot).where(Pot.neighbourhood_id == neighbourhood_id)).scalars().first()
    if pot is None:
        return
    people = {
        email: db.session.execute(sa.select(User).where(User.email == email)).scalar_one() for email, *_ in DEMO_PEOPLE
    }
    resident, finance, finance2, officer = (people[DEMO_PEOPLE[i][0]] for i in (0, 3, 4, 5))
    ideas = []
    for name, description, pence in DEMO_PAID:
        idea = _demo_accepted(pot, name, description, pence)
        save_payee_details(
            idea.id, resident, PaymentMethod.BANK_TRANSFER, bank=BankDetails("Rosa Resident", "30-94-30", "00733445")
        )
        payment = prepare_payment(idea.award.id, finance)
        authorise_payment(payment.id, finance2)
        record_paid(payment.id, finance, paid_on=date.today(), finance_reference="DEMO-" + str(payment.id))
        ideas.append(idea)
    # A drawn picture of a green with sunflowers stands in for a resident's photo.
    picture = Image.new("RGB", (1200, 800), (135, 190, 235))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 520, 1200, 800), fill=(90, 160, 70))
    for x in range(120, 1200, 180):
        draw.line((x, 520, x, 330), fill=(40, 110, 40), width=8)
        draw.ellipse((x - 45, 285, x + 45, 375), fill=(250, 200, 40))
        draw.ellipse((x - 15, 315, x + 15, 345), fill=(120, 70, 20))
    upload = io.BytesIO()
    picture.save(upload, "JPEG", quality=85)
    first = ideas[0]
    stories.save_story(
        first.id,
        resident,
        what_happened=DEMO_STORY,
        went_to_plan="partly",
        learned="Have a plan for rain.",
        people_count=40,
        group_formed="yes",
        still_going="yes",
        ways=["connect", "take_notice", "give"],
        consent="public_named",
    )
    photo = photo_services.add_photo(
        first.id,
        resident,
        upload.getvalue(),
        photo_services.PhotoAnswers("Sunflowers planted along the edge of the green", True, False),
    )
    photo_services.process_story_photo(photo.id)  # now, rather than waiting for the worker
    story = stories.send_story(first.id, resident)
    publishing.publish_story(story.id, officer, public_text=DEMO_STORY)
    click.echo("Added two paid awards, one with a published story")


# The programme's short lists, so a newcomer sees them where they appear: other help on the page for someone a pot
# is not for, and the reasons a panel chooses from when it says "not yet".
DEMO_TEXTS: tuple[tuple[TextKind, str, str, str, dict[str, dict[str, str]]], ...] = (
    (
        TextKind.OTHER_HELP,
        "Leeds Community Foundation",
        "Grants for community groups across Leeds.",
        "https://www.leedscf.org.uk",
        {"cy": {"title": "Sefydliad Cymunedol Leeds"}, "ar": {"title": "مؤسسة ليدز المجتمعية"}},
    ),
    (
        TextKind.OTHER_HELP,
        "Citizens Advice Leeds",
        "Free advice on money, work and housing.",
        "https://www.citizensadviceleeds.org.uk",
        {},
    ),
    (
        TextKind.NOT_YET_REASON,
        "We had more ideas than money this time.",
        "Send it again next round, or ask for a little less.",
        "",
        {"cy": {"title": "Roedd gennym fwy o syniadau nag o arian y tro hwn."}},
    ),
    (
        TextKind.NOT_YET_REASON,
        "We need to know more about who it is for.",
        "Tell us who will come and how they will hear about it.",
        "",
        {},
    ),
)


def _demo_programme_texts() -> None:
    """Other help and reasons for "not yet", once."""
    officer = db.session.execute(sa.select(User).where(User.email == DEMO_PEOPLE[5][0])).scalar_one()
    for kind, title, text, url, other_languages in DEMO_TEXTS:
        if not any(item.title == title for item in texts_of(kind)):
            save_text(officer.id, kind, None, title=title, text=text, url=url, other_languages=other_languages)


DEMO_QUESTION = QuestionWords(
    kind=QuestionKind.CHOICE,
    wording="When could most people come?",
    hint="We use this to book rooms.",
    choices="Mornings\nAfternoons\nEvenings\nWeekends",
    optional=True,
    other_languages={
        "cy": {
            "wording": "Pryd allai'r rhan fwyaf o bobl ddod?",
            "choices": "Boreau\nPrynhawniau\nNosweithiau\nPenwythnosau",
        },
        "ar": {"wording": "متى يستطيع معظم الناس الحضور؟", "choices": "الصباح\nبعد الظهر\nالمساء\nعطلة نهاية الأسبوع"},
    },
)


def _demo_pot_question(neighbourhood_id: int) -> None:
    """The second neighbourhood's pot asks one question of its own (optional, in three languages), once."""
    pot = db.session.execute(sa.select(Pot).where(Pot.neighbourhood_id == neighbourhood_id)).scalars().first()
    if pot is not None and not questions_of(pot.id):
        officer = db.session.execute(sa.select(User).where(User.email == DEMO_PEOPLE[5][0])).scalar_one()
        add_question(officer.id, pot.id, DEMO_QUESTION)
