"""`flask users`: people and their roles, from the command line."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.accounts.services import create_user
from portal.domain.roles import Role


@click.group("users")
def users_cli() -> None:
    """People and their roles."""


@users_cli.command("create")
@click.option("--email", required=True, help="Their email address; they sign in with it.")
@click.option("--name", required=True, help="Their name, as colleagues know it.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice([r.value for r in Role]),
    help="A role they hold; repeat for several.",
)
@click.password_option(help="For staff roles: their first password (asked for when not given).", default="")
@with_appcontext
def create_user_command(email: str, name: str, roles: tuple[str, ...], password: str) -> None:
    """Add a person, such as the first programme officer of a new installation."""
    chosen = {Role(r) for r in roles}
    is_staff = bool(chosen - {Role.RESIDENT, Role.PANEL_MEMBER})
    if is_staff and len(password) < 12:
        raise click.UsageError("Staff need a password of at least 12 characters.")
    try:
        user = create_user(email, name, chosen, password=password if is_staff else None)
    except ValueError as error:
        raise click.UsageError(f"Someone already uses {email}.") from error
    click.echo(f"Added user {user.id} with roles: {', '.join(sorted(chosen))}.")
    if is_staff:
        click.echo("At first sign-in they will set up an authenticator app.")
