"""Both stores keep the same promises, checked against a real folder and a real S3 server (SeaweedFS)."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from portal.common.storage import (
    LocalFolderStorage,
    S3Storage,
    Storage,
    StoredFileMissing,
    get_storage,
    storage_from_config,
)
from tests.support.seaweedfs import S3Server, seaweedfs_s3

EVERY_BYTE = bytes(range(256)) * 4
BAD_KEYS = [
    "",
    "../photo.jpg",
    "photos/../../photo.jpg",
    "photos/..",
    "photos/a..b.jpg",
    "/photos/ab12.jpg",
    "/etc/passwd",
    "photos\\ab12.jpg",
    "..\\..\\photo.jpg",
    "photos/ab 12.jpg",
    "photos/ab12.jpg\n",
    "photos/ab\x0012.jpg",
    "photos/ab;12.jpg",
    "photos/%2e%2e/ab12.jpg",
    "photos/café.jpg",
    "~/ab12.jpg",
    "photos//ab12.jpg",
    "photos/./ab12.jpg",
    "photos/",
    "photos/" + "a" * 1020,
]


def s3_storage(server: S3Server) -> S3Storage:
    return S3Storage(server.bucket, server.endpoint_url, server.access_key_id, server.secret_access_key, server.region)


@pytest.fixture(scope="session")
def shared_s3_storage(seaweedfs: S3Server) -> Iterator[S3Storage]:
    """One client for the session, as the app keeps one: making a boto3 client takes a quarter of a second."""
    store = s3_storage(seaweedfs)
    yield store
    store.client.close()  # its pooled connections would otherwise be closed by the garbage collector, with a warning


@pytest.fixture(params=["folder", pytest.param("s3", marks=pytest.mark.s3)])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "s3":
        return request.getfixturevalue("shared_s3_storage")
    return LocalFolderStorage(tmp_path / "uploads")


@pytest.fixture
def folder() -> str:
    """A folder of the test's own: the S3 bucket is shared by the whole session."""
    return f"photos/{uuid.uuid4().hex}"


def test_stored_bytes_come_back_exactly(storage: Storage, folder: str) -> None:
    storage.put(f"{folder}/ab12.jpg", EVERY_BYTE, "image/jpeg")
    assert storage.get(f"{folder}/ab12.jpg") == EVERY_BYTE


def test_storing_again_replaces_what_was_there(storage: Storage, folder: str) -> None:
    storage.put(f"{folder}/ab12.jpg", b"first", "image/jpeg")
    storage.put(f"{folder}/ab12.jpg", b"second, and longer", "image/jpeg")
    assert storage.get(f"{folder}/ab12.jpg") == b"second, and longer"


def test_a_file_exists_only_while_it_is_stored(storage: Storage, folder: str) -> None:
    assert not storage.exists(f"{folder}/ab12.jpg")
    storage.put(f"{folder}/ab12.jpg", b"photo", "image/jpeg")
    assert storage.exists(f"{folder}/ab12.jpg")
    storage.delete(f"{folder}/ab12.jpg")
    assert not storage.exists(f"{folder}/ab12.jpg")


def test_a_deleted_file_is_missing(storage: Storage, folder: str) -> None:
    storage.put(f"{folder}/ab12.jpg", b"photo", "image/jpeg")
    storage.delete(f"{folder}/ab12.jpg")
    with pytest.raises(StoredFileMissing):
        storage.get(f"{folder}/ab12.jpg")


def test_a_file_never_stored_is_missing(storage: Storage, folder: str) -> None:
    with pytest.raises(StoredFileMissing):
        storage.get(f"{folder}/never.jpg")


def test_deleting_a_file_that_is_not_there_is_fine(storage: Storage, folder: str) -> None:
    storage.delete(f"{folder}/never.jpg")
    assert not storage.exists(f"{folder}/never.jpg")


def test_the_store_lists_every_key_it_holds_and_no_other(storage: Storage, folder: str) -> None:
    """Backups copy what keys() lists: every stored file, and nothing deleted or half-written."""
    for name in ("a.jpg", "deeper/b.jpg", "c.jpg"):
        storage.put(f"{folder}/{name}", b"photo", "image/jpeg")
    storage.delete(f"{folder}/c.jpg")
    if isinstance(storage, LocalFolderStorage):  # a file still being written, under its temporary name
        (storage.root / folder / ".upload-x1y2").write_bytes(b"half")
    assert sorted(key for key in storage.every_key() if key.startswith(folder)) == [
        f"{folder}/a.jpg",
        f"{folder}/deeper/b.jpg",
    ]


def test_the_store_lists_more_than_a_thousand_keys(storage: Storage, folder: str) -> None:
    """S3 answers a listing a thousand keys at a time: the store reads every page."""
    for i in range(1_001):
        storage.put(f"{folder}/{i:04d}.jpg", b"p", "image/jpeg")
    assert sum(1 for key in storage.every_key() if key.startswith(folder)) == 1_001


@pytest.mark.parametrize("key", BAD_KEYS)
def test_a_key_that_could_leave_the_store_is_refused(storage: Storage, key: str) -> None:
    with pytest.raises(ValueError, match="not a storage key"):
        storage.put(key, b"photo", "image/jpeg")
    for use in (storage.get, storage.delete, storage.exists):
        with pytest.raises(ValueError, match="not a storage key"):
            use(key)


def test_a_2_mb_photo_comes_back_intact(storage: Storage, folder: str) -> None:
    photo = os.urandom(2 * 1024 * 1024)
    storage.put(f"{folder}/large.jpg", photo, "image/jpeg")
    assert hashlib.sha256(storage.get(f"{folder}/large.jpg")).hexdigest() == hashlib.sha256(photo).hexdigest()


def test_the_local_folder_writes_nothing_outside_its_root(tmp_path: Path) -> None:
    root = tmp_path / "uploads"
    storage = LocalFolderStorage(root)
    storage.put("photos/ab12.jpg", b"photo", "image/jpeg")
    storage.put("photos/2026/11/cd34.png", b"photo", "image/png")
    storage.put("photos/ab12.jpg", b"replaced", "image/jpeg")
    for key in BAD_KEYS:
        with pytest.raises(ValueError):
            storage.put(key, b"escaped", "image/jpeg")
    with pytest.raises(TypeError):
        storage.put("photos/broken.jpg", "not bytes", "image/jpeg")  # type: ignore[arg-type]
    written = sorted(path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*") if path.is_file())
    # Nor any temporary file left behind by a replaced or a failed write.
    assert written == ["uploads/photos/2026/11/cd34.png", "uploads/photos/ab12.jpg"]
    assert storage.get("photos/ab12.jpg") == b"replaced"


def s3_config(server: S3Server, tmp_path: Path) -> dict[str, str]:
    return {
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "S3_BUCKET": server.bucket,
        "S3_ENDPOINT_URL": server.endpoint_url,
        "S3_ACCESS_KEY_ID": server.access_key_id,
        "S3_SECRET_ACCESS_KEY": server.secret_access_key,
        "S3_REGION": "",
    }


@pytest.mark.s3
def test_config_with_a_bucket_stores_in_s3(seaweedfs: S3Server, tmp_path: Path) -> None:
    storage = storage_from_config(s3_config(seaweedfs, tmp_path))
    assert isinstance(storage, S3Storage)
    try:
        assert storage.bucket == seaweedfs.bucket
        assert storage.client.meta.endpoint_url == seaweedfs.endpoint_url
        assert storage.client.meta.region_name == "eu-west-2"  # the default when S3_REGION is empty
        storage.put("photos/from-config.jpg", b"photo", "image/jpeg")
        assert storage.get("photos/from-config.jpg") == b"photo"
        storage.delete("photos/from-config.jpg")
    finally:
        storage.client.close()
    assert not (tmp_path / "uploads").exists()


def test_config_without_a_bucket_stores_in_the_upload_folder(tmp_path: Path) -> None:
    storage = storage_from_config({"UPLOAD_FOLDER": str(tmp_path / "uploads"), "S3_BUCKET": ""})
    assert isinstance(storage, LocalFolderStorage)
    storage.put("photos/ab12.jpg", b"photo", "image/jpeg")
    assert (tmp_path / "uploads" / "photos" / "ab12.jpg").read_bytes() == b"photo"


def test_each_app_builds_its_store_once(tmp_path: Path) -> None:
    first, second = Flask("first"), Flask("second")
    first.config["UPLOAD_FOLDER"] = str(tmp_path / "first")
    second.config["UPLOAD_FOLDER"] = str(tmp_path / "second")
    with first.app_context():
        store = get_storage().store  # type: ignore[attr-defined]
        assert get_storage().store is store and first.extensions["storage"] is store  # type: ignore[attr-defined]
    with second.app_context():
        assert get_storage().store is not store  # type: ignore[attr-defined]


def test_without_the_weed_binary_the_s3_tests_fail_rather_than_skip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(pytest.fail.Exception, match="run `make test`"), seaweedfs_s3():
        pass
