"""Where uploaded files live: a folder on this machine, or an S3-compatible object store shared by several servers."""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from flask import current_app

from portal.common.transactions import refuse_inside_transaction

DEFAULT_S3_REGION = "eu-west-2"
_KEY = re.compile(r"[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*")
_MAX_KEY_LENGTH = 1024  # S3's own limit, so a key that works in a folder also works in a bucket
# What S3 servers answer for an absent object: NoSuchKey from GET, a bare 404 from HEAD (which has no body).
# NoSuchBucket is deliberately not here: a missing bucket is a misconfiguration, not a missing file.
_MISSING_CODES = frozenset({"NoSuchKey", "404", "NotFound"})


class StoredFileMissing(LookupError):
    """No file is stored under that key (it was deleted, or never stored)."""


class StoreUnavailable(Exception):
    """The store could not be reached or did not answer (an S3 server down or failing, a folder that cannot be
    written): nothing was stored or read, and trying again later may work."""


@contextmanager
def _reaching_the_store(doing: str) -> Iterator[None]:
    """Turn the store's own failures (not a missing file, not a bad key) into StoreUnavailable."""
    try:
        yield
    except Exception as error:
        # botocore is loaded only by a portal that stores in S3; one that keeps files in a folder never pays for it.
        boto = sys.modules.get("botocore.exceptions")
        if boto is not None and isinstance(error, boto.ClientError):
            if error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) >= 500:
                raise StoreUnavailable(f"{doing}: the store answered {error}") from error
            raise
        if isinstance(error, OSError) or (boto is not None and isinstance(error, boto.BotoCoreError)):
            raise StoreUnavailable(f"{doing}: {type(error).__name__}") from error
        raise


def check_key(key: str) -> str:
    """A key is a relative path of [A-Za-z0-9._-] segments joined by "/", e.g. "photos/ab12.jpg". Keys are made by
    the portal (never by a resident), and anything that could leave the folder or bucket is refused with ValueError:
    absolute paths, "..", backslashes, empty or "." segments, other characters, over 1024 characters."""
    if (
        not isinstance(key, str)
        or len(key) > _MAX_KEY_LENGTH
        or not _KEY.fullmatch(key)  # fullmatch: "$" would let a trailing newline through
        or ".." in key
        or any(part == "." for part in key.split("/"))
    ):
        raise ValueError(f"not a storage key: {key!r}")
    return key


class Storage(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store data under key, replacing what was there; raises ValueError for a bad key."""

    def get(self, key: str) -> bytes:
        """The data stored under key; raises StoredFileMissing if there is none."""

    def delete(self, key: str) -> None:
        """Remove what is stored under key; nothing happens if there is nothing."""

    def exists(self, key: str) -> bool:
        """Whether anything is stored under key."""

    def every_key(self) -> Iterator[str]:
        """Every key something is stored under, in no particular order (for backups)."""


class LocalFolderStorage:
    """Files in a folder: the default, so `make run` needs nothing else."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        # content_type is not kept: the key's extension says what the file is, as it does for the bucket's reader.
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside its final name and moved into place, so a reader never sees half a file and a crash leaves
        # the old one. mkstemp makes it readable by this user only, which suits residents' photos.
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())  # the data is on disk before the new name points at it
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as error:
            # A folder, or a path through a file, is no more a stored file than a missing one is.
            raise StoredFileMissing(key) from error

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def every_key(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for path in self.root.rglob("*"):
            # A file still being written is under a temporary name beside its final one: not stored yet.
            if path.is_file() and not path.name.startswith(".upload-"):
                yield path.relative_to(self.root).as_posix()


class S3Storage:
    """Objects in an S3-compatible store (AWS S3, MinIO, SeaweedFS…), for several app servers sharing one store.

    Empty endpoint or credentials fall back to boto3's defaults (AWS itself; an instance role or the environment).
    """

    def __init__(
        self,
        bucket: str,
        endpoint_url: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        region: str = DEFAULT_S3_REGION,
    ) -> None:
        # Imported here so a portal that keeps files in a folder never pays for loading boto3.
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        # A session of its own: boto3's shared default session is not safe to make clients from in several threads.
        self.client: Any = boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint_url or None,
            aws_access_key_id=access_key_id or None,
            aws_secret_access_key=secret_access_key or None,
            region_name=region or DEFAULT_S3_REGION,
            config=Config(
                # Path style works with every S3-compatible server and with bucket names that are not DNS names.
                s3={"addressing_style": "path"},
                # A request waiting on a store that is down gives up in seconds rather than holding a worker.
                connect_timeout=5,
                read_timeout=30,
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        )

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=check_key(key), Body=data, ContentType=content_type)

    def get(self, key: str) -> bytes:
        from botocore.exceptions import ClientError

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=check_key(key))
        except ClientError as error:
            if _is_missing(error):
                raise StoredFileMissing(key) from error
            raise
        body = answer["Body"]
        try:
            return bytes(body.read())
        finally:
            body.close()

    def delete(self, key: str) -> None:
        # S3 answers 204 whether or not the object was there, so an absent key needs no special case.
        self.client.delete_object(Bucket=self.bucket, Key=check_key(key))

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=check_key(key))
        except ClientError as error:
            if _is_missing(error):
                return False
            raise
        return True

    def every_key(self) -> Iterator[str]:
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            for item in page.get("Contents", []):
                yield str(item["Key"])


def _is_missing(error: Any) -> bool:
    return error.response.get("Error", {}).get("Code") in _MISSING_CODES


def storage_from_config(config: Mapping[str, Any]) -> Storage:
    """S3 when S3_BUCKET is set (with S3_ENDPOINT_URL, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_REGION); otherwise
    the folder UPLOAD_FOLDER."""
    if config.get("S3_BUCKET"):
        return S3Storage(
            config["S3_BUCKET"],
            config.get("S3_ENDPOINT_URL") or None,
            config.get("S3_ACCESS_KEY_ID") or None,
            config.get("S3_SECRET_ACCESS_KEY") or None,
            config.get("S3_REGION") or DEFAULT_S3_REGION,
        )
    return LocalFolderStorage(config["UPLOAD_FOLDER"])


class OutsideTransactions:
    """A store that refuses to be called while the database session holds a transaction open (an upload or a
    download can take seconds, and no lock, nor SQLite's write lock, may be held meanwhile), and that reports a store
    it cannot reach as StoreUnavailable."""

    def __init__(self, store: Storage) -> None:
        self.store = store

    def put(self, key: str, data: bytes, content_type: str) -> None:
        refuse_inside_transaction("storing a file")
        with _reaching_the_store("storing a file"):
            self.store.put(key, data, content_type)

    def get(self, key: str) -> bytes:
        refuse_inside_transaction("reading a stored file")
        with _reaching_the_store("reading a stored file"):
            return self.store.get(key)

    def delete(self, key: str) -> None:
        refuse_inside_transaction("deleting a stored file")
        with _reaching_the_store("deleting a stored file"):
            self.store.delete(key)

    def exists(self, key: str) -> bool:
        refuse_inside_transaction("looking for a stored file")
        with _reaching_the_store("looking for a stored file"):
            return self.store.exists(key)

    def every_key(self) -> Iterator[str]:
        refuse_inside_transaction("listing the stored files")
        with _reaching_the_store("listing the stored files"):
            yield from self.store.every_key()


def get_storage() -> Storage:
    """The app's one store, made on first use and kept in app.extensions["storage"]; every call refuses to run
    inside a database transaction."""
    extensions = current_app.extensions
    if "storage" not in extensions:
        # setdefault: if two threads get here at once, both go on with the same store.
        extensions.setdefault("storage", storage_from_config(current_app.config))
    return OutsideTransactions(extensions["storage"])
