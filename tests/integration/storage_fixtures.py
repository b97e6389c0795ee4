"""The SeaweedFS S3 server as a session fixture, for tests of S3 storage; a plugin registered in tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.seaweedfs import S3Server, seaweedfs_s3


def pytest_configure(config: pytest.Config) -> None:
    # Registered with the fixture it goes with, so --strict-markers accepts it wherever the plugin is loaded.
    config.addinivalue_line(
        "markers", "s3: against a real S3 server (SeaweedFS, started for the session; never skipped)"
    )


@pytest.fixture(scope="session")
def seaweedfs() -> Iterator[S3Server]:
    """Started by the first test that asks for it, so a run without S3 tests never pays for it."""
    with seaweedfs_s3() as server:
        yield server
