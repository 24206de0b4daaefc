"""SeaweedFS S3 server: real round trips, real authentication, loopback only."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from skyulf_platform.testing import seaweed as seaweed_module
from skyulf_platform.testing.containers import MinioS3
from skyulf_platform.testing.seaweed import SeaweedS3, SeaweedS3Error, find_weed


@pytest.fixture(scope="module")
def seaweed(s3_server: SeaweedS3 | MinioS3) -> Iterator[SeaweedS3]:
    """The session's SeaweedFS server, or a dedicated one when the session uses MinIO."""
    if isinstance(s3_server, SeaweedS3):
        yield s3_server
        return
    with SeaweedS3() as server:
        yield server


def _error_code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response.get("Error", {}).get("Code"))


def test_bucket_exists(s3_server: SeaweedS3 | MinioS3) -> None:
    client = s3_server.client()
    client.head_bucket(Bucket=s3_server.bucket)
    names = [b["Name"] for b in client.list_buckets()["Buckets"]]
    assert s3_server.bucket in names


def test_put_get_list_delete(s3_server: SeaweedS3 | MinioS3) -> None:
    client = s3_server.client()
    bucket = s3_server.bucket
    payload = os.urandom(256 * 1024)
    client.put_object(Bucket=bucket, Key="roundtrip/a.bin", Body=payload)
    client.put_object(Bucket=bucket, Key="roundtrip/b.txt", Body=b"hello")
    client.put_object(Bucket=bucket, Key="elsewhere/c.txt", Body=b"other")

    assert client.get_object(Bucket=bucket, Key="roundtrip/a.bin")["Body"].read() == payload
    assert client.get_object(Bucket=bucket, Key="roundtrip/b.txt")["Body"].read() == b"hello"
    listed = client.list_objects_v2(Bucket=bucket, Prefix="roundtrip/")
    assert sorted(o["Key"] for o in listed["Contents"]) == ["roundtrip/a.bin", "roundtrip/b.txt"]
    assert {o["Key"]: o["Size"] for o in listed["Contents"]}["roundtrip/a.bin"] == len(payload)

    client.delete_object(Bucket=bucket, Key="roundtrip/a.bin")
    with pytest.raises(ClientError) as missing:
        client.get_object(Bucket=bucket, Key="roundtrip/a.bin")
    assert _error_code(missing) in ("NoSuchKey", "404")
    client.delete_objects(
        Bucket=bucket,
        Delete={"Objects": [{"Key": "roundtrip/b.txt"}, {"Key": "elsewhere/c.txt"}]},
    )
    assert client.list_objects_v2(Bucket=bucket, Prefix="roundtrip/").get("KeyCount") == 0


def test_wrong_secret_key_is_refused(s3_server: SeaweedS3 | MinioS3) -> None:
    bad = s3_server.client(aws_secret_access_key=s3_server.secret_key + "x")
    with pytest.raises(ClientError) as put:
        bad.put_object(Bucket=s3_server.bucket, Key="intruder.txt", Body=b"no")
    assert _error_code(put) in ("SignatureDoesNotMatch", "AccessDenied")
    with pytest.raises(ClientError) as listing:
        bad.list_objects_v2(Bucket=s3_server.bucket)
    assert _error_code(listing) in ("SignatureDoesNotMatch", "AccessDenied")
    good = s3_server.client()
    with pytest.raises(ClientError):
        good.head_object(Bucket=s3_server.bucket, Key="intruder.txt")


def test_unknown_access_key_is_refused(s3_server: SeaweedS3 | MinioS3) -> None:
    bad = s3_server.client(aws_access_key_id="AKIANOTAUSER000000", aws_secret_access_key="x" * 40)
    with pytest.raises(ClientError) as exc:
        bad.list_buckets()
    assert _error_code(exc) in ("InvalidAccessKeyId", "AccessDenied")


def test_anonymous_request_is_refused(s3_server: SeaweedS3 | MinioS3) -> None:
    from botocore import UNSIGNED
    from botocore.config import Config

    anonymous = s3_server.client(config=Config(signature_version=UNSIGNED))
    with pytest.raises(ClientError) as exc:
        anonymous.list_objects_v2(Bucket=s3_server.bucket)
    assert _error_code(exc) == "AccessDenied"


def test_attributes(seaweed: SeaweedS3) -> None:
    assert seaweed.endpoint_url == f"http://127.0.0.1:{seaweed.port}"
    assert seaweed.access_key and seaweed.secret_key and seaweed.region and seaweed.bucket
    assert seaweed.startup_seconds < 30
    assert seaweed.data_dir.is_dir()
    assert Path(seaweed.command[0]) == Path(find_weed())
    for flag in ("-master.telemetry=false", "-admin.ui=false", "-webdav=false"):
        assert flag in seaweed.command


def _listening_tcp(pid: int) -> set[tuple[str, int]]:
    """(address, port) of every listening TCP socket of ``pid`` (Linux /proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    found: set[tuple[str, int]] = set()
    for table, family in (("tcp", socket.AF_INET), ("tcp6", socket.AF_INET6)):
        for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] != "0A" or fields[9] not in inodes:  # 0A = LISTEN
                continue
            hex_addr, hex_port = fields[1].split(":")
            raw = bytes.fromhex(hex_addr)
            if family == socket.AF_INET:
                raw = raw[::-1]
            else:
                raw = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
            found.add((socket.inet_ntop(family, raw), int(hex_port, 16)))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_every_listener_is_loopback_on_a_chosen_port(seaweed: SeaweedS3) -> None:
    assert seaweed._proc is not None
    listeners = _listening_tcp(seaweed._proc.pid)
    assert ("127.0.0.1", seaweed.port) in listeners
    assert {addr for addr, _ in listeners} == {"127.0.0.1"}, listeners
    assert {port for _, port in listeners} <= set(seaweed.ports.values()), listeners


def test_stop_ends_process_and_removes_data() -> None:
    with SeaweedS3(bucket="lifecycle-check") as server:
        proc = server._proc
        assert proc is not None
        data_dir = server.data_dir
        port = server.port
        server.client().put_object(Bucket="lifecycle-check", Key="k", Body=b"v")
    assert proc.poll() is not None
    assert not data_dir.exists()
    with socket.socket() as sock:
        sock.settimeout(0.5)
        assert sock.connect_ex(("127.0.0.1", port)) != 0
    for flag, grpc_port in server.ports.items():
        if flag.endswith(".grpc"):
            assert not Path(f"/tmp/seaweedfs-{flag.split('.')[0]}-grpc-{grpc_port}.sock").exists()


def test_failed_start_reports_log_tail(tmp_path: Path) -> None:
    fake = tmp_path / "weed"
    fake.write_text("#!/bin/sh\necho 'fake weed refuses to start' >&2\nexit 3\n")
    fake.chmod(0o755)
    server = SeaweedS3(weed_binary=str(fake), startup_timeout=5)
    with pytest.raises(SeaweedS3Error, match=r"(?s)code 3.*fake weed refuses to start"):
        server.start()
    assert server._proc is None


def test_leftovers_of_dead_runs_are_swept(tmp_path: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = Path(tempfile.mkdtemp(prefix=seaweed_module._TMP_PREFIX))
    live = Path(tempfile.mkdtemp(prefix=seaweed_module._TMP_PREFIX))
    sock_path = tmp_path / "left.sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(sock_path))
    try:
        (stale / "owner.pid").write_text(f"{dead.pid}\n")
        (stale / "grpc-sockets").write_text(f"{sock_path}\n")
        (live / "owner.pid").write_text(f"{os.getpid()}\n")
        seaweed_module._sweep_stale_runs()
        assert not stale.exists()
        assert not sock_path.exists()
        assert live.exists()
    finally:
        shutil.rmtree(stale, ignore_errors=True)
        shutil.rmtree(live, ignore_errors=True)
