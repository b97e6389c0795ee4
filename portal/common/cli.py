"""`flask jobs`, `flask audit`, `flask keys` and `flask backup`: the background worker and failed jobs, the audit log's
chain, the keys that encrypt secrets at rest, and backups."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from portal.common import audit, backup
from portal.common.crypto import InvalidToken
from portal.common.email import requeue_failed_message
from portal.common.jobs import FailedJob, forget_failure, jobs, list_failures
from portal.common.keys import rotate_all
from portal.common.storage import get_storage
from portal.extensions import db


@click.group("jobs")
def jobs_cli() -> None:
    """Background jobs: the worker, and jobs that failed."""


@jobs_cli.command("work")
@click.option("--workers", default=2, show_default=True, help="How many jobs to run at once.")
@click.option(
    "--periodic/--no-periodic",
    default=True,
    show_default=True,
    help="Also run the timetabled jobs (the nightly draft tidy, the outbox sweep). Safe on several workers.",
)
@with_appcontext
def work_command(workers: int, periodic: bool) -> None:
    """Run a worker: take jobs from the queue (Redis when REDIS_URL is set) until stopped with Ctrl-C or SIGTERM."""

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    queue = jobs()
    if queue.huey.immediate:
        raise click.UsageError("JOBS_BACKEND is 'immediate': jobs run inside the web process, so no worker is needed.")
    click.echo(f"Worker started on the {type(queue.huey.storage).__name__} queue '{queue.huey.name}'.")
    # Work a stopped worker left half-done (a file, a photo, an email being sent) is looked for now, not at the next
    # timetabled sweep.
    queue.queue_start_jobs()
    queue.worker(workers=workers, periodic=periodic).run()


@jobs_cli.command("failures")
@with_appcontext
def failures_command() -> None:
    """List jobs that failed on their last try, newest first, with the reason."""

    failures = list_failures()
    if not failures:
        click.echo("No jobs have failed.")
        return
    for failure in failures:
        when = failure.failed_at.strftime("%Y-%m-%d %H:%M UTC")
        click.echo(f"{failure.id}  {when}  {failure.job}{failure.arguments}  after {failure.attempts} tries")
        click.echo(f"    {failure.error}")
    click.echo(f"{len(failures)} failed job(s). Run `flask jobs retry ID` to try one again.")


@jobs_cli.command("retry")
@click.argument("failure_id", type=int)
@with_appcontext
def retry_command(failure_id: int) -> None:
    """Queue a failed job again, and take it off the list of failures."""

    failure = db.session.get(FailedJob, failure_id)
    if failure is None:
        raise click.UsageError(f"There is no failed job {failure_id}.")
    if failure.job == "portal.common.email.deliver_email":
        requeue_failed_message(*json.loads(failure.arguments))
    jobs().enqueue(failure.job, *json.loads(failure.arguments))
    forget_failure(failure_id)
    click.echo(f"Queued {failure.job} again.")


@click.group("audit")
def audit_cli() -> None:
    """The audit log."""


@audit_cli.command("verify")
@click.option("--checkpoint", "checkpoint_text", help='A checkpoint line, "audit-checkpoint count=N hash=H".')
@click.option(
    "--checkpoint-file",
    type=click.Path(exists=True, dir_okay=False),
    help="A file of checkpoints (such as AUDIT_CHECKPOINT_FILE): the newest line is checked.",
)
@with_appcontext
def verify_audit(checkpoint_text: str | None, checkpoint_file: str | None) -> None:
    """Check the audit log's chain; exit 1 and list every problem if any event was edited, inserted or deleted.

    With a checkpoint kept outside the database, it also finds events deleted from the end of the log.
    """
    against = None
    try:
        if checkpoint_file:
            with open(checkpoint_file, encoding="utf-8") as handle:
                lines = [line for line in handle if "audit-checkpoint" in line]
            if not lines:
                raise click.UsageError(f"{checkpoint_file} holds no audit checkpoint.")
            checkpoint_text = lines[-1]
        if checkpoint_text:
            against = audit.Checkpoint.parse(checkpoint_text)
    except (ValueError, KeyError) as error:
        raise click.UsageError("That is not an audit checkpoint line.") from error
    problems = audit.verify(against)
    count = db.session.execute(sa.select(sa.func.count(audit.AuditEvent.id))).scalar()
    if problems:
        for problem in problems:
            click.echo(f"PROBLEM {problem.kind}: {problem.message}")
        click.echo(f"The audit log has been tampered with: {len(problems)} problem(s) in {count} events.")
        sys.exit(1)
    reached = f", and it reaches the checkpoint of {against.count} events" if against else ""
    click.echo(f"The audit log is intact: {count} events checked{reached}.")
    if unkeyed := audit.unkeyed_events():
        click.echo(f"{unkeyed} event(s) were written before the chain had a key: they are checked with SHA-256 only.")


@audit_cli.command("checkpoint")
@with_appcontext
def write_audit_checkpoint() -> None:
    """Print where the log reaches now (and append it to AUDIT_CHECKPOINT_FILE if set); keep it outside the database
    and give it to `flask audit verify --checkpoint` later. The worker also writes one every night."""
    click.echo(str(audit.write_checkpoint()))


@click.group("keys")
def keys_cli() -> None:
    """The keys that encrypt secrets at rest."""


@keys_cli.command("rotate")
@with_appcontext
def rotate_keys_command() -> None:
    """Encrypt every stored secret again with the first ENCRYPTION_KEY. Run it after putting a new key at the front;
    when it has finished, the old keys can be removed. Safe to run again if it stops part-way."""

    try:
        counts = rotate_all()
    except InvalidToken as error:
        raise click.ClickException(
            "A stored secret was made with a key that is not in ENCRYPTION_KEY. Put the old key back (after the new "
            "one) and run this again."
        ) from error
    for column, count in counts.items():
        click.echo(f"{column}: {count} encrypted again")
    click.echo(f"Done: {sum(counts.values())} secrets now use the first key; the others can be removed.")


@click.group("backup")
def backup_cli() -> None:
    """Backups: the database and every stored file, with a manifest of checksums (README: Backup and restore)."""


def _say_summary(verb: str, summary: backup.Summary) -> None:
    click.echo(
        f"{verb} the {summary.database} database ({summary.rows} rows in {summary.tables} tables) and "
        f"{summary.files} stored file(s). The audit log reached: {summary.checkpoint}"
    )


@backup_cli.command("create")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def create_backup_command(folder: Path) -> None:
    """Write a consistent copy of the database and every stored file into FOLDER (new or empty)."""
    try:
        summary = backup.create_backup(folder, get_storage())
    except backup.BackupRefused as error:
        raise click.ClickException(str(error)) from error
    _say_summary(f"Backed up into {folder}:", summary)
    click.echo("Keep the keys (SECRET_KEY, ENCRYPTION_KEY, AUDIT_HMAC_KEY) somewhere else: the backup needs them.")


@backup_cli.command("verify")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def verify_backup_command(folder: Path) -> None:
    """Check a backup: every file present with the checksum its manifest gives, and the database copy opens."""
    try:
        problems = backup.verify_backup(folder)
    except backup.BackupRefused as error:
        raise click.ClickException(str(error)) from error
    if problems:
        for problem in problems:
            click.echo(f"PROBLEM: {problem}")
        click.echo(f"The backup in {folder} is damaged: {len(problems)} problem(s).")
        sys.exit(1)
    manifest = backup.read_manifest(folder)
    click.echo(
        f"The backup in {folder} is whole: made {manifest['created_at']}, "
        f"{len(manifest['files'])} stored file(s), {manifest['audit_checkpoint']}"
    )


@backup_cli.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def restore_backup_command(folder: Path) -> None:
    """Restore a backup into an empty database and an empty file store (anything else is refused), then check the
    audit log against the checkpoint the backup recorded."""
    try:
        summary = backup.restore_backup(folder, get_storage())
    except backup.BackupRefused as error:
        raise click.ClickException(str(error)) from error
    _say_summary(f"Restored from {folder}:", summary)
    recorded = audit.Checkpoint.parse(backup.read_manifest(folder)["audit_checkpoint"])
    if problems := audit.verify(recorded):
        for problem in problems:
            click.echo(f"PROBLEM {problem.kind}: {problem.message}")
        click.echo("The restored audit log does not match the backup's checkpoint.")
        sys.exit(1)
    click.echo(f"The restored audit log is intact and reaches the backup's checkpoint of {recorded.count} events.")
