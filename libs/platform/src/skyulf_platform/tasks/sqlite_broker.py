"""The embedded broker: Kombu's SQLAlchemy transport on a SQLite file, woken by each put.

Kombu's virtual transports poll: a worker with nothing to do sleeps ``polling_interval`` (1 s)
between looks at its queues, so a task sent meanwhile waits up to that long before it starts.
Polling faster is no answer on SQLite, where every look takes the database's write lock
(``BEGIN IMMEDIATE``); and the SQLAlchemy transport hands its transport options to
``create_engine``, so the interval cannot be set as on other transports anyway.

So a consuming process binds a UDP socket on the loopback and registers its port as a file in a
folder next to the broker file (``<broker>.wake/<pid>-<port>``); a put sends one datagram to every
registered port, and a waiting consumer looks at its queues as soon as one arrives. The poll
stays as the fallback (a datagram lost, a consumer started before the folder existed). A SQLite
broker is a file on one host, so every producer and consumer shares that host's loopback.
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import time
from pathlib import Path
from queue import Empty
from typing import Any

from kombu.transport import sqlalchemy as kombu_sqla

from skyulf_platform.db.engine import sqlite_settings

SQLITE_PREFIX = "sqlite:///"
_LOOPBACK = "127.0.0.1"


def wake_folder(broker_url: str) -> Path | None:
    """The folder consumers register in, for a ``sqlite:///<file>`` URL; None otherwise."""
    if not broker_url.startswith(SQLITE_PREFIX):
        return None
    return Path(broker_url.removeprefix(SQLITE_PREFIX) + ".wake")


def _alive(pid: int) -> bool:
    if os.name != "posix":  # signal 0 probes a process on POSIX only
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Wakeups:
    """One process's end of the wake-up folder: it listens (a consumer) and notifies (a
    producer)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._sock: socket.socket | None = None
        self._entry: Path | None = None
        self._pid = 0

    def listen(self) -> socket.socket:
        """Bind and register this process's socket (once per process: a forked child binds
        its own)."""
        if self._sock is not None and self._pid == os.getpid():
            return self._sock
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((_LOOPBACK, 0))
        sock.setblocking(False)
        self.folder.mkdir(parents=True, exist_ok=True)
        entry = self.folder / f"{os.getpid()}-{sock.getsockname()[1]}"
        entry.touch()
        self._sock, self._entry, self._pid = sock, entry, os.getpid()
        return sock

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for a put; True if one was announced."""
        sock = self.listen()
        ready, _, _ = select.select([sock], [], [], timeout)
        if not ready:
            return False
        with contextlib.suppress(BlockingIOError):
            while True:  # one look at the queues answers every put announced so far
                sock.recv(16)
        return True

    def notify(self) -> None:
        """Announce a put to every registered consumer; entries of dead processes go."""
        try:
            entries = list(self.folder.iterdir())
        except FileNotFoundError:
            return
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
            for entry in entries:
                pid, _, port = entry.name.partition("-")
                if not (pid.isdigit() and port.isdigit()):
                    continue
                if not _alive(int(pid)):
                    entry.unlink(missing_ok=True)
                    continue
                with contextlib.suppress(OSError):
                    sender.sendto(b"\x01", (_LOOPBACK, int(port)))

    def close(self) -> None:
        if self._sock is not None and self._pid == os.getpid():
            self._sock.close()
            if self._entry is not None:
                self._entry.unlink(missing_ok=True)
        self._sock = self._entry = None


class Channel(kombu_sqla.Channel):
    def _engine_from_config(self) -> Any:
        # The platform's SQLite pragmas: in WAL with synchronous=NORMAL a put or an ack commits
        # without waiting on the disk twice (Kombu's own engine keeps SQLite's defaults).
        engine = super()._engine_from_config()
        return sqlite_settings(engine) if engine.dialect.name == "sqlite" else engine

    def _put(self, queue: Any, payload: Any, **kwargs: Any) -> None:  # type: ignore[override]
        super()._put(queue, payload, **kwargs)
        wakeups = getattr(self.connection, "wakeups", None)
        if wakeups is not None:
            wakeups.notify()


class Transport(kombu_sqla.Transport):
    """Kombu's SQLAlchemy transport whose idle consumers wake on a put instead of the next
    poll."""

    Channel = Channel

    def __init__(self, client: Any, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        folder = wake_folder(client.hostname or "")
        self.wakeups = Wakeups(folder) if folder is not None else None

    def drain_events(  # type: ignore[override]
        self, connection: Any, timeout: float | None = None
    ) -> None:
        if self.wakeups is None:
            return super().drain_events(connection, timeout)
        self.wakeups.listen()  # before the first look, so no put after it goes unheard
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                self.cycle.get(self._deliver, timeout=timeout)  # type: ignore[attr-defined]
                return None
            except Empty:
                left = self.polling_interval
                if deadline is not None:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise TimeoutError from None
                    left = min(left, remaining)
                self.wakeups.wait(left)

    def close_connection(self, connection: Any) -> None:
        try:
            super().close_connection(connection)
        finally:
            if self.wakeups is not None:
                self.wakeups.close()
