"""The finance officers' blueprint (/finance), who may use it, and the names its pages and files give things. Its pages
live in finance_awards.py (awards and their payments) and finance_runs.py (runs, their files, the ledger)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from jinja2 import pass_context
from markupsafe import Markup

from portal.common.access import role_required
from portal.domain.roles import Role
from portal.payments.states import payment_state_text

finance = Blueprint("finance", __name__, url_prefix="/finance")
finance_officers = role_required(Role.FINANCE_OFFICER, scope="finance officers pay awards from every pot")


# Where an award is on its way to being paid, named the same on every page and file: {{ state | payment_state }}.
@pass_context
def _payment_state_filter(context: Any, state: str) -> str:
    # pass_context stops Jinja folding `'due' | payment_state` into the template once, in the first language used.
    return payment_state_text(state)


finance.add_app_template_filter(_payment_state_filter, "payment_state")


@finance.app_template_filter("file_name")
def file_name(name: str) -> Markup:
    """A file's name, kept whole on one line whenever it fits the column: it is read out and copied, and breaking it
    at a hyphen ('run-2026-0007-' / 'schedule.pdf') makes it look like two names. It moves to a line of its own
    rather than break (.app-file-name is an inline-block); only a name wider than the whole column (a phone with large
    text) wraps, at its hyphens, so that the page never scrolls sideways."""
    return Markup('<span class="app-file-name">%s</span>') % name
