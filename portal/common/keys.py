"""Key rotation: after a new Fernet key is put at the front of ENCRYPTION_KEY, every secret at rest is encrypted
again with it, so the old key can then be removed. Secrets live in EncryptedText columns and in the older
`*_encrypted` text columns; both hold Fernet tokens, and this finds them from the models, so a new secret column
is rotated without anyone remembering to add it here."""

from __future__ import annotations

import sqlalchemy as sa

from portal.common import audit
from portal.common.crypto import rotate
from portal.common.sealed import EncryptedText
from portal.extensions import db

BATCH = 500


def secret_columns() -> list[sa.Column]:
    """Every column in the models that holds a Fernet token."""
    return [
        column
        for table in db.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, EncryptedText) or column.name.endswith("_encrypted")
    ]


def rotate_all(actor_id: int | None = None) -> dict[str, int]:
    """Encrypt every stored secret again with the first key, a batch of rows at a time (each its own commit, so a
    long rotation holds no lock for long and can be run again if it stops). Returns how many values per column.
    Raises InvalidToken, before changing that batch, if a value was made with none of the configured keys."""
    counts: dict[str, int] = {}
    for column in secret_columns():
        table = column.table
        (key,) = table.primary_key.columns
        raw = sa.type_coerce(column, sa.Text)
        done, after = 0, None
        while True:
            query = sa.select(key, raw).where(column.is_not(None)).order_by(key).limit(BATCH)
            if after is not None:
                query = query.where(key > after)
            rows = db.session.execute(query).all()
            if not rows:
                break
            fresh = [{"row_id": row_id, "token": rotate(token)} for row_id, token in rows]
            db.session.execute(
                sa.update(table)
                .where(key == sa.bindparam("row_id"))
                .values({column.name: sa.type_coerce(sa.bindparam("token"), sa.Text)}),
                fresh,
            )
            db.session.commit()
            done += len(rows)
            after = rows[-1][0]
        counts[f"{table.name}.{column.name}"] = done
    audit.record("keys.rotated", actor_id=actor_id, object_type="keys", values=sum(counts.values()))
    db.session.commit()
    return counts
