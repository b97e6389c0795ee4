"""Every status change is compare-and-set against the state table, and the database refuses unknown statuses."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.applications.models import Application
from portal.common.email import OutboxMessage
from portal.common.status import StatusChangedMeanwhile, change_application_status
from portal.domain.states import ApplicationStatus, InvalidTransition
from portal.extensions import db
from portal.panels.models import PanelView
from tests.conftest import login_as, post_form
from tests.factories import PotFactory, UserFactory, make_award

PORTAL = Path(__file__).resolve().parents[3] / "portal"


def an_idea(status="submitted"):
    idea = Application(pot_id=PotFactory().id, applicant_id=UserFactory().id, status=status)
    db.session.add(idea)
    db.session.commit()
    return idea


def behind_its_back(idea, status):
    """Another request changes the status; this session's copy still shows the old one."""
    db.session.execute(
        sa.update(Application).where(Application.id == idea.id).values(status=status),
        execution_options={"synchronize_session": False},
    )


def test_a_change_names_the_status_it_expects(db_session):
    idea = an_idea()
    behind_its_back(idea, "approved")
    assert idea.status == "submitted"
    with pytest.raises(StatusChangedMeanwhile):
        change_application_status(idea, ApplicationStatus.WITHDRAWN)
    assert db.session.execute(sa.select(Application.status).where(Application.id == idea.id)).scalar() == "approved"


def test_a_change_the_state_table_does_not_allow_is_refused_before_the_database(db_session):
    idea = an_idea("approved")
    with pytest.raises(InvalidTransition):
        change_application_status(idea, ApplicationStatus.SUBMITTED)


def test_a_change_that_wins_updates_the_row_and_the_copy(db_session):
    idea = an_idea()
    change_application_status(idea, ApplicationStatus.WITHDRAWN)
    assert idea.status == "withdrawn"
    db.session.expire(idea)
    assert idea.status == "withdrawn"


@pytest.mark.parametrize(
    ("table", "values"),
    [
        ("applications", {"status": "lost"}),
        ("applications", {"consent_method": "telepathy"}),
        ("awards", {"status": "spent"}),
        ("decisions", {"kind": "maybe"}),
        ("panel_views", {"view": "meh"}),
        ("neighbourhoods", {"decisions_by": "anyone"}),
        ("outbox_messages", {"status": "lost"}),
    ],
)
def test_the_database_refuses_a_value_nobody_defined(db_session, table, values):
    idea = an_idea()
    make_award(idea.pot, 1_000, idea=idea)
    db.session.add(PanelView(application_id=idea.id, user_id=idea.applicant_id, view="support"))
    db.session.add(OutboxMessage(to_address="a@example.org", subject="s", body="b"))
    db.session.commit()
    db.session.execute(sa.text("SAVEPOINT before_bad_value"))
    sets = ", ".join(f"{column} = :{column}" for column in values)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.text(f"UPDATE {table} SET {sets}"), values)  # noqa: S608 - names from the test table
    db.session.execute(sa.text("ROLLBACK TO SAVEPOINT before_bad_value"))


def status_writes(tree: ast.AST) -> list[int]:
    """Lines that set a status outside portal.common.status: `row.status = …`, `update(…).values(status=…)`,
    `.values({"status": …})`, and a dict of values gathered with `values.update(status=…)` or `{"status": …}`."""
    lines = []
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if any(isinstance(target, ast.Attribute) and target.attr == "status" for target in targets):
            lines.append(node.lineno)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("values", "update")
        ):
            if any(keyword.arg == "status" for keyword in node.keywords):
                lines.append(node.lineno)
            for argument in node.args:
                if isinstance(argument, ast.Dict) and any(
                    isinstance(key, ast.Constant) and key.value == "status" for key in argument.keys
                ):
                    lines.append(node.lineno)
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Store)
            and isinstance(node.slice, ast.Constant)
            and node.slice.value == "status"
        ):
            lines.append(node.lineno)
    return lines


def test_no_code_sets_a_status_except_through_compare_and_set():
    offenders = [
        f"{path.relative_to(PORTAL)}:{line}"
        for path in PORTAL.rglob("*.py")
        if path != PORTAL / "common" / "status.py"
        for line in status_writes(ast.parse(path.read_text()))
    ]
    assert offenders == [], "change statuses with portal.common.status, which names the status it expects"


@pytest.mark.parametrize(
    "code",
    [
        "row.status = 'sent'",
        "db.session.execute(sa.update(M).where(M.id == 1).values(status='sent'))",
        "sa.update(M).values({'status': 'sent'})",
        "values = {}\nvalues.update(status='ready')",
        "values = {}\nvalues['status'] = 'ready'",
    ],
)
def test_the_guard_sees_every_way_of_writing_a_status(code):
    assert status_writes(ast.parse(code)), code


def test_a_view_that_meets_a_status_changed_meanwhile_gets_a_plain_page(client, monkeypatch):
    from portal.applications import services

    idea = an_idea("draft")
    login_as(client, idea.applicant)

    def lost_the_race(*args, **kwargs):
        raise StatusChangedMeanwhile(ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN)

    monkeypatch.setattr(services, "save_answers", lost_the_race)
    page = post_form(client, f"/ideas/{idea.id}/idea-name", {"idea_name": "Tea"})
    assert page.status_code == 409
    assert "Someone else changed this at the same moment" in page.get_data(as_text=True)


def test_a_file_or_a_message_moves_only_as_its_state_table_allows(db_session):
    from portal.common.status import claim_status
    from portal.domain.background import FileStatus, MailStatus

    message = OutboxMessage(to_address="a@example.org", subject="s", body="b")
    db.session.add(message)
    db.session.commit()
    with pytest.raises(InvalidTransition):
        claim_status(OutboxMessage, message.id, MailStatus.SENT, MailStatus.SENDING)  # a sent message stays sent
    with pytest.raises(InvalidTransition):
        claim_status(OutboxMessage, message.id, MailStatus.QUEUED, FileStatus.READY)  # not a mail status
    assert claim_status(OutboxMessage, message.id, MailStatus.QUEUED, MailStatus.SENDING)
    assert not claim_status(OutboxMessage, message.id, MailStatus.QUEUED, MailStatus.SENDING)  # the race is lost
