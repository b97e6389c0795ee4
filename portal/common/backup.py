"""Backup and restore: a consistent copy of the database and of every stored file, in one folder with a manifest.

The database is copied with its own tools (SQLite's online backup; `pg_dump` in custom format on PostgreSQL). On
PostgreSQL the dump, the row counts and the audit checkpoint are all read from one exported snapshot, so they agree
with each other exactly, however busy the portal is. Stored files (story photos, reports) are copied after the
database, with a SHA-256 of each in the manifest. What is not in the folder, on purpose: the keys that decrypt bank
details and sign the audit chain (SECRET_KEY, ENCRYPTION_KEY, AUDIT_HMAC_KEY). A backup without its keys cannot be
read; keep them, and copies of the audit checkpoints, somewhere else (README: Backup and restore).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess  # pg_dump and pg_restore, with argument lists and no shell # nosec B404
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from portal.common.audit import GENESIS_HASH, Checkpoint
from portal.common.storage import Storage
from portal.common.time import utcnow
from portal.extensions import db

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_COPY = "database.sqlite3"
POSTGRES_DUMP = "database.pgdump"
FILES = "files"
_CHUNK = 1024 * 1024


class BackupRefused(Exception):
    """What was asked cannot be done safely; the message says why, in plain words, for the person at the command."""


@dataclass(frozen=True)
class Summary:
    database: str
    tables: int
    rows: int
    files: int
    checkpoint: Checkpoint


def _sha256_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _dialect() -> str:
    return str(db.engine.dialect.name)


# Reading one consistent picture: the tables' row counts and the audit checkpoint ------------------------------------


def _tables() -> list[str]:
    """The portal's tables (alembic's own version table included), in a stable order."""
    return sorted(db.metadata.tables) + ["alembic_version"]


def _counts_and_checkpoint(connection: sa.Connection) -> tuple[dict[str, int], Checkpoint]:
    """Row counts and the audit log's reach, read on one connection (and so, on PostgreSQL, one snapshot)."""
    counts = {
        name: int(connection.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar_one())
        for name in _tables()
    }
    events = sa.table("audit_events", sa.column("id"), sa.column("hash"))
    last = connection.execute(sa.select(events.c.hash).order_by(events.c.id.desc()).limit(1)).scalar()
    return counts, Checkpoint(counts["audit_events"], last or GENESIS_HASH)


# Create -------------------------------------------------------------------------------------------------------------


def create_backup(target: Path, store: Storage) -> Summary:
    """Copy the database and every stored file into target (a new or empty folder), with a manifest; raises
    BackupRefused if target holds anything."""
    if target.exists() and any(target.iterdir()):
        raise BackupRefused(f"{target} is not empty: give a new folder for each backup, so none is overwritten.")
    target.mkdir(parents=True, exist_ok=True)
    db.session.remove()  # nothing of ours is open while the copy is made
    if _dialect() == "sqlite":
        database_file, counts, point = _copy_sqlite(target / SQLITE_COPY)
    else:
        database_file, counts, point = _dump_postgres(target / POSTGRES_DUMP)
    files = _copy_files(store, target / FILES)
    manifest = {
        "format": FORMAT,
        "created_at": utcnow().isoformat(timespec="seconds"),
        "database": {
            "kind": _dialect(),
            "file": database_file.name,
            "bytes": database_file.stat().st_size,
            "sha256": _sha256_of_file(database_file),
            "rows": counts,
        },
        "audit_checkpoint": str(point),
        "files": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return Summary(_dialect(), len(counts), sum(counts.values()), len(files), point)


def _sqlite_path() -> str:
    path = db.engine.url.database
    if not path or path == ":memory:":
        raise BackupRefused("This SQLite database lives in memory: there is no file to back up.")
    return str(path)


def _copy_sqlite(copy: Path) -> tuple[Path, dict[str, int], Checkpoint]:
    """SQLite's online backup: a consistent copy even while the portal writes; counts are read from the copy."""
    with _sqlite_connection(Path(_sqlite_path())) as source, _sqlite_connection(copy) as destination:
        source.backup(destination)
    return copy, *_counted(f"sqlite:///{copy}")


def _counted(url: str) -> tuple[dict[str, int], Checkpoint]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return _counts_and_checkpoint(connection)
    finally:
        engine.dispose()


def _libpq(url: sa.URL) -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump and pg_restore, with the password in the environment, never on the command
    line (where any user of the machine could read it)."""
    options = ["--host", url.host or "localhost", "--port", str(url.port or 5432), "--dbname", url.database or ""]
    if url.username:
        options += ["--username", url.username]
    environment = {**os.environ, "PGPASSWORD": url.password or ""} if url.password else dict(os.environ)
    return options, {key: str(value) for key, value in environment.items()}


def _dump_postgres(dump: Path) -> tuple[Path, dict[str, int], Checkpoint]:
    """pg_dump from a snapshot this transaction exports, so the dump, the counts and the checkpoint all agree."""
    options, environment = _libpq(db.engine.url)
    with db.engine.connect() as connection:
        connection.execute(sa.text("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"))
        snapshot = connection.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
        counts, point = _counts_and_checkpoint(connection)
        _run(
            ["pg_dump", *options, "--format=custom", f"--snapshot={snapshot}", "--no-owner", "--file", str(dump)],
            environment,
        )
        connection.rollback()
    return dump, counts, point


def _run(command: list[str], environment: dict[str, str]) -> None:
    try:
        # An argument list and no shell: nothing in it is read as a command. The password is in the environment.
        done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603 # nosec B603
    except FileNotFoundError as error:
        raise BackupRefused(f"{command[0]} is not installed: install PostgreSQL's client tools.") from error
    if done.returncode != 0:
        raise BackupRefused(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def _copy_files(store: Storage, folder: Path) -> list[dict[str, Any]]:
    listed = []
    for key in sorted(store.every_key()):
        data = store.get(key)
        path = folder / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        listed.append({"key": key, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    return listed


# Verify -------------------------------------------------------------------------------------------------------------


def read_manifest(source: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise BackupRefused(f"{source} has no {MANIFEST}: it is not a backup made by `flask backup create`.") from error
    except ValueError as error:
        raise BackupRefused(f"{source / MANIFEST} is not readable JSON: the backup is damaged.") from error
    if manifest.get("format") != FORMAT:
        raise BackupRefused(f"{source} is a backup of format {manifest.get('format')}; this portal reads {FORMAT}.")
    return dict(manifest)


def verify_backup(source: Path) -> list[str]:
    """Every problem found in the backup at source (none: it is whole). The database copy and every file must be
    there with the size and SHA-256 the manifest gives, nothing else may be there, and the copy must open."""
    manifest = read_manifest(source)
    problems = []
    database = manifest["database"]
    copy = source / database["file"]
    if not copy.is_file():
        problems.append(f"the database copy {database['file']} is missing")
    elif _sha256_of_file(copy) != database["sha256"]:
        problems.append(f"the database copy {database['file']} has changed since the backup was made")
    else:
        problems += _database_copy_opens(database["kind"], copy)
    listed = {entry["key"]: entry for entry in manifest["files"]}
    for key, entry in listed.items():
        path = source / FILES / key
        if not path.is_file():
            problems.append(f"the stored file {key} is missing")
        elif path.stat().st_size != entry["bytes"] or _sha256_of_file(path) != entry["sha256"]:
            problems.append(f"the stored file {key} has changed since the backup was made")
    files = source / FILES
    found = {str(p.relative_to(files)) for p in files.rglob("*") if p.is_file()} if files.is_dir() else set()
    problems += [f"{key} is in the backup but not in its manifest" for key in sorted(found - set(listed))]
    return problems


def _database_copy_opens(kind: str, copy: Path) -> list[str]:
    if kind == "sqlite":
        connection = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
        try:
            result = connection.execute("PRAGMA integrity_check").fetchone()
        except sqlite3.DatabaseError as error:
            return [f"the database copy does not open: {error}"]
        finally:
            connection.close()
        return [] if result and result[0] == "ok" else [f"the database copy fails SQLite's integrity check: {result}"]
    listing = ["pg_restore", "--list", str(copy)]  # PostgreSQL's client tool, found on PATH as pg_dump is
    done = subprocess.run(listing, capture_output=True, check=False)  # noqa: S603, S607 # nosec B603
    return [] if done.returncode == 0 else ["the database dump does not open with pg_restore"]


# Restore ------------------------------------------------------------------------------------------------------------


def restore_backup(source: Path, store: Storage) -> Summary:
    """Restore the backup at source into this portal's database and store, which must both be empty; raises
    BackupRefused if the backup has problems, is of another kind of database, or anything is already there."""
    manifest = read_manifest(source)
    if problems := verify_backup(source):
        raise BackupRefused("The backup has problems, so nothing was restored: " + "; ".join(problems))
    database = manifest["database"]
    if database["kind"] != _dialect():
        raise BackupRefused(f"This is a {database['kind']} backup; the portal's database is {_dialect()}.")
    if tables := sa.inspect(db.engine).get_table_names():
        raise BackupRefused(
            f"The database is not empty (it has {len(tables)} tables): restore only into a new, empty database."
        )
    if next(iter(store.every_key()), None) is not None:
        raise BackupRefused("The file store is not empty: restore only into a new, empty folder or bucket.")
    db.session.remove()
    db.engine.dispose()
    if database["kind"] == "sqlite":
        _restore_sqlite(source / database["file"])
    else:
        options, environment = _libpq(db.engine.url)
        _run(
            [
                "pg_restore",
                *options,
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                str(source / database["file"]),
            ],
            environment,
        )
    for entry in manifest["files"]:
        store.put(entry["key"], (source / FILES / entry["key"]).read_bytes(), "application/octet-stream")
    with db.engine.connect() as connection:
        counts, point = _counts_and_checkpoint(connection)
    if counts != database["rows"]:
        raise BackupRefused("The restored database does not hold the rows the backup recorded.")
    return Summary(database["kind"], len(counts), sum(counts.values()), len(manifest["files"]), point)


def _restore_sqlite(copy: Path) -> None:
    with _sqlite_connection(copy) as source, _sqlite_connection(Path(_sqlite_path())) as destination:
        source.backup(destination)


@contextmanager
def _sqlite_connection(path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(path)
    try:
        yield connection
    finally:
        connection.close()
