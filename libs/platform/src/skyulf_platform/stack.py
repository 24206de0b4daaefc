"""Run the whole platform as local processes: ``python -m skyulf_platform.stack``.

Every service, Celery workers (one by default, ``--workers N``), prediction servers (one by default,
``--predictors M``, behind one round-robin gRPC target) and the gateway, each in its own process
on 127.0.0.1, on the embedded defaults (SQLite files, an artifact folder and a SQLite-backed
broker under one data dir) unless ``SKYULF_DATABASE_URL`` / ``SKYULF_BROKER_URL`` /
``SKYULF_ARTIFACT_URL`` point elsewhere. ``make run`` and the end-to-end tests both use this.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from pydantic import SecretStr

from skyulf_platform.grpc.auth import ServiceCredentials
from skyulf_platform.settings import DEFAULT_PORTS, PlatformSettings

MIGRATED = ("ingestion", "pipeline", "registry", "deployment", "gateway")
GRPC_SERVICES = ("registry", "ingestion", "pipeline", "deployment", "advisor")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Ports:
    grpc: dict[str, int]
    gateway: int
    predictor_http: int
    predictor_grpc: int

    @classmethod
    def defaults(cls) -> Ports:
        return cls(
            grpc={s: DEFAULT_PORTS[s] for s in GRPC_SERVICES},
            gateway=DEFAULT_PORTS["gateway"],
            predictor_http=DEFAULT_PORTS["predictor"],
            predictor_grpc=DEFAULT_PORTS["predictor_grpc"],
        )

    @classmethod
    def free(cls) -> Ports:
        return cls(
            grpc={s: free_port() for s in GRPC_SERVICES},
            gateway=free_port(),
            predictor_http=free_port(),
            predictor_grpc=free_port(),
        )


@dataclass
class Stack:
    data_dir: Path
    ports: Ports = field(default_factory=Ports.defaults)
    env: Mapping[str, str] = field(default_factory=dict)
    log_dir: Path | None = None
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    # How each process was started, so that a crashed one can be started again.
    specs: dict[str, tuple[list[str], dict[str, str]]] = field(default_factory=dict)
    restarts: dict[str, int] = field(default_factory=dict)
    # Scale-out: worker processes, and prediction servers (the first on ports.predictor_*).
    workers: int = 1
    predictors: int = 1
    # (REST, gRPC, metrics) ports of every prediction server, first one included.
    predictor_ports: list[tuple[int, int, int]] = field(default_factory=list)
    # An admin API key the gateway creates at start (SKYULF_BOOTSTRAP_API_KEY), for clients
    # such as tests and benchmarks that drive the platform.
    api_key: str | None = field(default_factory=lambda: "sky_" + secrets.token_urlsafe(24))

    def __post_init__(self) -> None:
        if not self.predictor_ports:
            first = (self.ports.predictor_http, self.ports.predictor_grpc, free_port())
            extra = [(free_port(), free_port(), free_port()) for _ in range(self.predictors - 1)]
            self.predictor_ports = [first, *extra]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ports.gateway}"

    @property
    def predictor_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.predictor_http}"

    @property
    def auth_headers(self) -> dict[str, str]:
        """Headers that authenticate a REST call with :attr:`api_key`."""
        return {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}

    def service_credentials(self, caller: str = "client") -> ServiceCredentials:
        """Credentials the stack's gRPC services accept, for a process calling them directly
        (install them with ``skyulf_platform.grpc.auth.install``)."""
        env = {**os.environ, **self.env}
        key = env.get("SKYULF_BUNDLE_SIGNING_KEY")
        settings = PlatformSettings(
            data_dir=self.data_dir,
            bundle_signing_key=SecretStr(key) if key else None,
            service_name=caller,
        )
        return ServiceCredentials.from_settings(settings)

    def base_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(self.env)
        env["SKYULF_DATA_DIR"] = str(self.data_dir)
        if self.api_key:
            env["SKYULF_BOOTSTRAP_API_KEY"] = self.api_key
        # Prediction servers ask the gateway whether an API key is valid.
        env["SKYULF_GATEWAY_URL"] = self.url
        env.setdefault("SKYULF_HOST", "127.0.0.1")
        # The gateway answers to loopback names only: a web page on another site cannot reach
        # it by pointing a DNS name at 127.0.0.1.
        env.setdefault("SKYULF_ALLOWED_HOSTS", '["127.0.0.1", "localhost", "[::1]"]')
        for svc, port in self.ports.grpc.items():
            env[f"SKYULF_{svc.upper()}_ADDR"] = f"127.0.0.1:{port}"
        # One target naming every prediction server: the channel balances round-robin.
        grpc_ports = [g for _, g, _ in self.predictor_ports]
        env["SKYULF_PREDICTOR_ADDR"] = (
            f"127.0.0.1:{grpc_ports[0]}"
            if len(grpc_ports) == 1
            else "ipv4:" + ",".join(f"127.0.0.1:{p}" for p in grpc_ports)
        )
        env.setdefault("PYTHONUNBUFFERED", "1")
        return env

    def _logs(self) -> Path:
        d = self.log_dir or (self.data_dir / "logs")
        d.mkdir(parents=True, exist_ok=True)
        return d

    def _spawn(self, name: str, args: list[str], extra: Mapping[str, str]) -> None:
        self.specs[name] = (list(args), dict(extra))
        env = self.base_env()
        env.update(extra)
        log = open(self._logs() / f"{name}.log", "ab")  # noqa: SIM115 - owned by the child
        self.procs[name] = subprocess.Popen(
            [sys.executable, *args],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def migrate(self) -> None:
        env = self.base_env()
        running = {
            svc: subprocess.Popen(
                [sys.executable, "-m", f"skyulf_{svc}", "migrate"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
            for svc in MIGRATED
        }
        for svc, proc in running.items():
            out, _ = proc.communicate(timeout=300)
            if proc.returncode != 0:
                raise RuntimeError(f"migrating {svc} failed:\n{out.decode(errors='replace')}")

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.migrate()
        for svc, port in self.ports.grpc.items():
            self._spawn(svc, ["-m", f"skyulf_{svc}", "serve"], {"SKYULF_GRPC_PORT": str(port)})
        for i in range(self.workers):
            name = "worker" if i == 0 else f"worker-{i + 1}"
            self._spawn(name, ["-m", "skyulf_platform.tasks.worker"], {})
        for i, (http, grpc, metrics) in enumerate(self.predictor_ports):
            self._spawn(
                "predictor" if i == 0 else f"predictor-{i + 1}",
                ["-m", "skyulf_deployment", "predictor"],
                {
                    "SKYULF_HTTP_PORT": str(http),
                    "SKYULF_GRPC_PORT": str(grpc),
                    "SKYULF_METRICS_PORT": str(metrics),
                },
            )
        self._spawn(
            "gateway",
            ["-m", "skyulf_gateway", "serve"],
            {"SKYULF_HTTP_PORT": str(self.ports.gateway)},
        )

    def wait_ready(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        last = "no answer yet"
        with httpx.Client(timeout=3.0) as client:
            while time.monotonic() < deadline:
                self._check_alive()
                try:
                    health = client.get(f"{self.url}/healthz").json()
                    ready = [
                        client.get(f"http://127.0.0.1:{http}/v2/health/ready").status_code
                        for http, _, _ in self.predictor_ports
                    ]
                    if health.get("status") == "ok" and set(ready) == {200}:
                        return
                    last = f"gateway: {health}, predictors ready: {ready}"
                except (httpx.HTTPError, ValueError) as e:
                    last = str(e)
                time.sleep(0.5)
        raise TimeoutError(f"the platform did not become ready in {timeout:.0f}s: {last}")

    def _check_alive(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                tail = self.log_tail(name)
                raise RuntimeError(f"{name} exited with code {proc.returncode}:\n{tail}")

    def restart_exited(self, max_restarts: int = 5) -> list[tuple[str, int | None]]:
        """Starts again every process that exited, as a supervisor would. Returns what it
        restarted; raises RuntimeError once a process has crashed more than ``max_restarts``
        times."""
        restarted: list[tuple[str, int | None]] = []
        for name, proc in list(self.procs.items()):
            code = proc.poll()
            if code is None:
                continue
            count = self.restarts.get(name, 0) + 1
            if count > max_restarts:
                raise RuntimeError(
                    f"{name} exited with code {code} {count} times:\n{self.log_tail(name)}"
                )
            self.restarts[name] = count
            args, extra = self.specs[name]
            self._spawn(name, args, extra)
            restarted.append((name, code))
        return restarted

    def log_tail(self, name: str, lines: int = 40) -> str:
        path = self._logs() / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, timeout: float = 15.0) -> dict[str, int | None]:
        """SIGTERM everything, wait, then SIGKILL what is left. Returns exit codes."""
        for proc in self.procs.values():
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for proc in self.procs.values():
            remaining = max(0.1, deadline - time.monotonic())
            try:
                proc.wait(remaining)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
        return {name: proc.returncode for name, proc in self.procs.items()}

    def unclean_exits(self) -> dict[str, int | None]:
        """Processes that did not stop gracefully (uvicorn re-raises SIGTERM once it is done)."""
        return {
            name: proc.returncode
            for name, proc in self.procs.items()
            if proc.returncode not in (0, -signal.SIGTERM)
        }

    @contextlib.contextmanager
    def running(self, timeout: float = 90.0) -> Iterator[Stack]:
        try:
            self.start()
            self.wait_ready(timeout)
            yield self
        finally:
            self.stop()


def _print_first_admin(data_dir: Path) -> None:
    """Shows the first admin's generated password once, then removes the file holding it."""
    path = data_dir / "initial-admin-password"
    if not path.exists():
        return
    username, _, password = path.read_text().strip().partition("\n")
    print(
        f"\nFirst start: sign in as '{username}' with the password {password}\n"
        "(shown this once; create your own users under Settings, or reset it with"
        f" `python -m skyulf_gateway create-user {username}`)\n",
        flush=True,
    )
    path.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m skyulf_platform.stack", description=__doc__)
    parser.add_argument(
        "--data-dir", type=Path, default=Path(os.environ.get("SKYULF_DATA_DIR", ".skyulf"))
    )
    parser.add_argument("--workers", type=int, default=1, help="Celery worker processes")
    parser.add_argument("--predictors", type=int, default=1, help="prediction servers")
    ns = parser.parse_args(argv)
    # No generated key here: a person signs in (SKYULF_BOOTSTRAP_API_KEY still passes through).
    stack = Stack(
        data_dir=ns.data_dir.resolve(),
        workers=ns.workers,
        predictors=ns.predictors,
        api_key=None,
    )
    stop_requested = False

    def _stop(*_: object) -> None:
        nonlocal stop_requested
        stop_requested = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    print(f"Starting Skyulf (data in {stack.data_dir}, logs in {stack._logs()}) ...", flush=True)
    try:
        stack.start()
        stack.wait_ready(timeout=120)
    except (RuntimeError, TimeoutError) as e:
        print(f"Skyulf failed to start: {e}", file=sys.stderr, flush=True)
        stack.stop()
        return 1
    print(f"\nSkyulf is running at {stack.url}  (API docs: {stack.url}/docs)", flush=True)
    _print_first_admin(stack.data_dir)
    for http, grpc, _ in stack.predictor_ports:
        print(f"Prediction server: http://127.0.0.1:{http}/v2  (gRPC 127.0.0.1:{grpc})")
    if stack.workers > 1:
        print(f"Workers: {stack.workers} processes", flush=True)
    print("Press Ctrl-C to stop.", flush=True)
    try:
        while not stop_requested:
            try:
                for name, code in stack.restart_exited():
                    print(f"{name} exited ({code}); started it again.", flush=True)
            except RuntimeError as e:
                print(f"{e}\nStopping.", flush=True)
                break
            time.sleep(0.5)
    finally:
        print("Stopping Skyulf ...", flush=True)
        stack.stop()
        unclean = stack.unclean_exits()
        if unclean:
            print(
                "Stopped; exited abnormally: " + ", ".join(f"{n}={c}" for n, c in unclean.items())
            )
        else:
            print("Stopped.", flush=True)
    return 1 if unclean else 0


if __name__ == "__main__":
    sys.exit(main())
