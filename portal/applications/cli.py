"""`flask drafts`: unsent applications, from the command line."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.applications.jobs import tidy_drafts_daily


@click.group("drafts")
def drafts_cli() -> None:
    """Unsent applications."""


@drafts_cli.command("tidy")
@with_appcontext
def tidy_drafts_command() -> None:
    """Remind residents about old drafts and remove drafts kept past DRAFT_KEEP_DAYS now (the worker also does it
    every night)."""

    reminded, removed = tidy_drafts_daily()
    click.echo(f"Reminded {reminded} draft(s); removed {removed} draft(s).")
