"""Architecture rules, checked over the URL map as GOV.UK Notify does: every route is classified and guarded."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from portal.applications.models import Application, CostLine
from portal.common.access import Access
from portal.domain.roles import Role, needs_staff_sign_in
from portal.extensions import db
from portal.insight.models import Report
from portal.payments.models import Payment, PaymentExport, PaymentRun
from portal.stories.models import Story
from tests.conftest import csrf_token, login_as
from tests.factories import NeighbourhoodFactory, PotFactory, UserFactory, make_award, make_staff

PORTAL = Path(__file__).resolve().parents[3] / "portal"
KINDS = {"public", "signed_in", "role", "object"}


def routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        yield rule, app.view_functions[rule.endpoint]


def test_every_route_is_classified(app):
    unclassified = [rule.rule for rule, view in routes(app) if not isinstance(getattr(view, "access", None), Access)]
    assert unclassified == [], "add an access decorator from portal.common.access to these routes"


def test_every_classification_is_a_known_kind(app):
    assert {view.access.kind for _, view in routes(app)} <= KINDS


def test_every_route_with_an_object_id_checks_the_object_or_says_why_the_role_sees_all(app):
    unchecked = []
    for rule, view in routes(app):
        ids = [arg for arg in rule.arguments if arg.endswith("_id")]
        # A role route says why every holder of the role may see each object; a public one says whose consent
        # makes the object public (and checks it).
        if ids and view.access.kind != "object" and not (view.access.kind in ("role", "public") and view.access.scope):
            unchecked.append(rule.rule)
    assert unchecked == []


def test_urls_are_kebab_case(app):
    bad = []
    for rule, _ in routes(app):
        for part in re.sub(r"<[^>]+>", "", rule.rule).strip("/").split("/"):
            part = re.sub(r"\.(json|csv|zip)$", "", part)  # a file to download keeps its extension
            if part and not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", part):
                bad.append(rule.rule)
    assert bad == []


def test_url_arguments_use_typed_converters(app):
    untyped = [rule.rule for rule, _ in routes(app) if re.search(r"<(?![a-z]+:)[^>]+>", rule.rule)]
    assert untyped == []


@pytest.mark.parametrize("module", sorted(p.relative_to(PORTAL).as_posix() for p in PORTAL.rglob("routes.py")))
def test_route_modules_never_touch_the_database_session(module):
    tree = ast.parse((PORTAL / module).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "portal.extensions":
            assert "db" not in {alias.name for alias in node.names}, f"{module} imports db"
        if isinstance(node, ast.Attribute) and node.attr == "session" and getattr(node.value, "id", "") == "db":
            pytest.fail(f"{module} uses db.session")


def test_no_state_changes_on_get(app):
    """POST-only actions are never reachable by GET (S2)."""
    for endpoint in ("accounts.sign_out", "pages.change_language"):
        methods = {m for rule in app.url_map.iter_rules(endpoint) for m in rule.methods}
        assert "GET" not in methods, endpoint


# S1: every route, tried as every role and as someone who does not own the object -------------------------------------

PEOPLE = {
    "resident": [Role.RESIDENT],
    "panel_member_elsewhere": [Role.RESIDENT, Role.PANEL_MEMBER],
    "community_builder": [Role.COMMUNITY_BUILDER],
    "finance_officer": [Role.FINANCE_OFFICER],
    "programme_officer": [Role.PROGRAMME_OFFICER],
    "viewer": [Role.VIEWER],
}


def fill(rule, ids):
    url = rule.rule
    for arg in rule.arguments:
        url = re.sub(rf"<[^>]*:?{arg}>", str(ids[arg]), url)  # a new kind of id must be added to the test
    return url


@pytest.mark.parametrize("who", ["anonymous", *PEOPLE])
def test_every_guarded_route_refuses_people_it_is_not_for(app, client, who):
    pot = PotFactory()
    elsewhere = NeighbourhoodFactory()
    owner = UserFactory(roles=[Role.RESIDENT])
    idea = Application(pot_id=pot.id, applicant_id=owner.id, cost_lines=[CostLine(item="Tea", amount_pence=500)])
    db.session.add(idea)
    db.session.commit()
    award = make_award(pot, 1_000)
    run = PaymentRun(reference="RUN-TEST-0001", created_by_id=owner.id, status="authorised")
    db.session.add(run)
    db.session.flush()
    payment = Payment(
        award_id=award.id,
        run_id=run.id,
        amount_pence=1_000,
        method="bank_transfer",
        payee_details_version=1,
        prepared_by_id=owner.id,
    )
    made = PaymentExport(run_id=run.id, kind="csv", filename="x.csv", requested_by_id=owner.id)
    statement = PaymentExport(pot_id=pot.id, kind="pot_csv", filename="s.csv", requested_by_id=owner.id)
    story = Story(application_id=idea.id, status="sent", consent="public_named", what_happened="We met.")
    report = Report(period="all", filename="r.pdf", requested_by_id=owner.id, status="ready", content=b"%PDF-1.7")
    db.session.add_all([payment, made, statement, story, report])
    db.session.commit()
    ids = {
        "neighbourhood_id": pot.neighbourhood_id,
        "pot_id": pot.id,
        "application_id": idea.id,
        "cost_line_id": idea.cost_lines[0].id,
        "question": "idea-name",
        "slug": pot.neighbourhood.slug,
        "member_id": owner.id,
        "user_id": owner.id,
        "award_id": award.id,  # someone else's award
        "run_id": run.id,
        "payment_id": payment.id,
        "export_id": made.id,
        "story_id": story.id,
        "report_id": report.id,
        "photo_id": 1,
        "letter_id": 1,  # none yet: every letter route must hide what is not there
        "decision_id": 1,
        "step": "what-happened",
        "size": "small",
        "number": 1,
        "list_name": "other-help",
        "text_id": 1,  # none: a missing entry sends you back to its list
        "question_id": 1,  # none: a changed or removed question sends you back to the pot's list
        "copy_id": 1,  # none: a copy of data is only ever its own person's
        "kind": "pdf",
        "entry_id": 1,  # none: a map entry that is not there is not found
        "change_id": 1,
        "months": 6,
        "token": "not-a-link",  # a link that was never sent: nothing to see
    }
    user = None
    if who != "anonymous":
        roles = PEOPLE[who]
        if needs_staff_sign_in(set(roles)):
            user, _ = make_staff(*roles)
        else:
            user = UserFactory(roles=roles, panels=[elsewhere] if Role.PANEL_MEMBER in roles else [])
        login_as(client, user)
    token = csrf_token(client, "/")
    checked = 0
    for rule, view in routes(app):
        access = view.access
        if access.kind == "public":
            continue
        # A pot's statement files have their own export ids.
        these = {**ids, "export_id": statement.id} if "/ledger/" in rule.rule else ids
        if "GET" in rule.methods:
            response = client.get(fill(rule, these))
        else:  # POST-only actions too, with a valid CSRF token, so only the access check can stop them
            response = client.post(fill(rule, these), data={"csrf_token": token})
        response.close()  # a streamed download (CSV) is not read here: end it, as a server does
        if user is None:
            assert response.status_code == 302 and "/sign-in" in response.headers["Location"], rule.rule
        elif access.kind == "role" and not user.has_role(*access.roles):
            assert response.status_code == 403, rule.rule
        elif access.kind == "object" and "programme officer" in access.scope and user.has_role(Role.PROGRAMME_OFFICER):
            # Programme officers see every panel; the draft idea below it is still hidden from them.
            expected = 404 if "application_id" in rule.arguments else 200
            assert response.status_code == expected, rule.rule
        elif access.kind == "object":
            # Nobody here sits on this neighbourhood's panel or owns the idea, so every object route must hide it.
            assert response.status_code == 404, rule.rule
        elif "GET" not in rule.methods:
            assert response.status_code in (200, 302, 400, 409), rule.rule  # allowed: the action's own checks apply
        else:
            assert response.status_code in (200, 302), rule.rule
            if response.status_code == 302:  # a page that sends you on, never to sign-in
                assert "/sign-in" not in response.headers["Location"], rule.rule
        checked += 1
    assert checked >= 5
    posts = [rule.rule for rule, view in routes(app) if "GET" not in rule.methods and view.access.kind != "public"]
    assert len(posts) >= 8, posts  # the POST-only actions were tried too


def test_the_panel_page_opens_for_a_member_of_that_panel(client):
    pot = PotFactory()
    login_as(client, UserFactory(roles=[Role.RESIDENT, Role.PANEL_MEMBER], panels=[pot.neighbourhood]))
    page = client.get(f"/panels/{pot.neighbourhood_id}")
    assert page.status_code == 200
    assert pot.name in page.get_data(as_text=True)
