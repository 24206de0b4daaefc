"""Fitting a model in a child process, so that a cancel stops a running fit within a poll.

A Python thread cannot be interrupted inside scikit-learn's compiled loops, and most estimators
offer no hook to stop between iterations. A forked child can be killed: it inherits the training
matrix without a copy, fits, and sends the fitted estimator back through a pipe, while the
parent polls ``should_cancel``. ``os.fork`` rather than :mod:`multiprocessing`, which refuses to
start children from the daemonic processes Celery's prefork pool runs tasks in.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
from collections.abc import Callable
from typing import Any

from skyulf_errors import Cancelled

POLL_SECONDS = 0.1
_CHUNK = 1 << 20


class FitCrashed(Exception):
    """The child process died without an answer (killed, e.g. by the kernel when out of memory)."""

    def __init__(self, status: int) -> None:
        self.signal = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        super().__init__(f"the fitting process ended with status {status}")


def _child(work: Callable[[], Any], fd: int) -> None:
    try:
        try:
            payload = pickle.dumps(("ok", work()), protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            payload = pickle.dumps(("memory", None))
        except BaseException as exc:  # every failure goes back to the parent as its message
            payload = pickle.dumps(("error", (type(exc).__name__, str(exc))))
        view = memoryview(payload)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    finally:
        os._exit(0)


def run_in_child(
    work: Callable[[], Any], should_cancel: Callable[[], bool], poll: float = POLL_SECONDS
) -> Any:
    """``work()`` in a forked child; ``should_cancel`` true kills the child and raises Cancelled.

    A MemoryError in the child is raised again here; any other exception comes back as a
    ValueError with its type and message; a child that died is :class:`FitCrashed`.
    """
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child never returns
        os.close(read_fd)
        _child(work, write_fd)
    os.close(write_fd)
    chunks: list[bytes] = []
    done = False
    try:
        while True:
            ready, _, _ = select.select([read_fd], [], [], poll)
            if ready:
                chunk = os.read(read_fd, _CHUNK)
                if not chunk:
                    break
                chunks.append(chunk)
                continue
            if should_cancel():
                raise Cancelled("training cancelled during the fit")
        _, status = os.waitpid(pid, 0)
        done = True
    finally:
        os.close(read_fd)
        if not done:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    if not chunks:
        raise FitCrashed(status)
    kind, value = pickle.loads(b"".join(chunks))
    if kind == "ok":
        return value
    if kind == "memory":
        raise MemoryError
    name, message = value
    raise ValueError(f"{message} ({name})" if name not in ("ValueError", "TypeError") else message)
