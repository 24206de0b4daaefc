"""Fitting a model in a child process, so that a cancel stops a running fit within a poll.

A Python thread cannot be interrupted inside scikit-learn's compiled loops, and most estimators
offer no hook to stop between iterations. A forked child can be killed: it inherits the training
matrix without a copy, fits, and sends its answer back through a pipe, while the parent polls
``should_cancel``. ``os.fork`` rather than :mod:`multiprocessing`, which refuses to start
children from the daemonic processes Celery's prefork pool runs tasks in.

A :class:`Child` answers call after call, each one streaming messages back while it runs (a
search's trial: the score of each fold), so that a search pays for one fork, not one per fit: a
fork of a worker copies its page tables and the child's first writes copy pages, tens of
milliseconds that a short fit would otherwise pay each time. :func:`run_in_child` is one call in
a child of its own.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import struct
from collections.abc import Callable
from typing import Any

from skyulf_errors import Cancelled, SkyulfError

POLL_SECONDS = 0.1
_CHUNK = 1 << 20
_HEADER = struct.Struct("!Q")  # each frame: its length, then the pickled (kind, value)

# handle(request, send): the child's answer to one call; ``send(message)`` streams a message
# to the caller while the call runs.
Handler = Callable[[Any, Callable[[Any], None]], Any]


class FitCrashed(Exception):
    """The child process died without an answer (killed, e.g. by the kernel when out of memory)."""

    def __init__(self, status: int) -> None:
        self.signal = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        super().__init__(f"the fitting process ended with status {status}")


def _frame(kind: str, value: Any) -> bytes:
    payload = pickle.dumps((kind, value), protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(payload)) + payload


def _write(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


class _Frames:
    """The frames read from one pipe, as they complete."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = bytearray()

    def pop(self) -> tuple[str, Any] | None:
        if len(self.buffer) < _HEADER.size:
            return None
        (size,) = _HEADER.unpack_from(self.buffer)
        end = _HEADER.size + size
        if len(self.buffer) < end:
            return None
        kind, value = pickle.loads(self.buffer[_HEADER.size : end])
        del self.buffer[:end]
        return kind, value

    def read(self) -> bool:
        """Read what the pipe holds; False at its end."""
        chunk = os.read(self.fd, _CHUNK)
        self.buffer += chunk
        return bool(chunk)

    def next(self) -> tuple[str, Any] | None:
        """The next frame, waiting for it; None at the pipe's end."""
        while (frame := self.pop()) is None:
            if not self.read():
                return None
        return frame


def _answer(handle: Handler, request: Any, send: Callable[[Any], None]) -> bytes:
    try:
        return _frame("ok", handle(request, send))
    except MemoryError:
        return _frame("memory", None)
    except SkyulfError as exc:
        return _frame("raise", _portable(exc))
    except BaseException as exc:  # every failure goes back to the parent as its message
        return _frame("error", (type(exc).__name__, str(exc)))


def _portable(exc: SkyulfError) -> SkyulfError:
    """The error itself when it survives pickling (an error type with other constructor
    arguments would not), else the base type with its code, message and details."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return SkyulfError(exc.message, code=exc.code, details=exc.details)


def _serve(handle: Handler, requests: int, replies: int) -> None:
    try:
        frames = _Frames(requests)

        def send(message: Any) -> None:
            _write(replies, _frame("message", message))

        # The parent closing its end (it is done, or died) ends the child.
        while (request := frames.next()) is not None:
            _write(replies, _answer(handle, request[1], send))
    finally:
        os._exit(0)


def _result(kind: str, value: Any) -> Any:
    if kind == "ok":
        return value
    if kind == "memory":
        raise MemoryError
    if kind == "raise":
        raise value
    name, message = value
    raise ValueError(f"{message} ({name})" if name not in ("ValueError", "TypeError") else message)


class Child:
    """A forked child answering ``handle(request, send)`` for each :meth:`call`, one at a time.

    The child is a copy of this process at the fork: ``handle`` sees what the parent had then.
    A call left before its answer (cancelled, or ``on_message`` raised) kills the child, as does
    its death; :attr:`alive` is then False and a new child is needed."""

    def __init__(self, handle: Handler) -> None:
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            os.close(request_write)
            os.close(reply_read)
            _serve(handle, request_read, reply_write)
        os.close(request_read)
        os.close(reply_write)
        self.pid: int | None = pid
        self._requests = request_write
        self._replies = _Frames(reply_read)

    @property
    def alive(self) -> bool:
        return self.pid is not None

    def call(
        self,
        request: Any,
        should_cancel: Callable[[], bool],
        on_message: Callable[[Any], None] | None = None,
        poll: float = POLL_SECONDS,
    ) -> Any:
        """The child's answer to ``request``; ``should_cancel`` true kills the child and raises
        Cancelled. A MemoryError in the child is raised again here, a SkyulfError too; any
        other exception comes back as a ValueError with its type and message; a child that
        died is :class:`FitCrashed`."""
        if self.pid is None:
            raise RuntimeError("the child process has stopped")
        answered = False
        try:
            try:
                _write(self._requests, _frame("call", request))
            except BrokenPipeError:
                raise FitCrashed(self._reap()) from None
            while True:
                frame = self._replies.pop()
                if frame is None:
                    ready, _, _ = select.select([self._replies.fd], [], [], poll)
                    if ready:
                        if not self._replies.read():
                            raise FitCrashed(self._reap())
                    elif should_cancel():
                        raise Cancelled("training cancelled during the fit")
                    continue
                kind, value = frame
                if kind != "message":
                    answered = True
                    return _result(kind, value)
                if on_message is not None:
                    on_message(value)
        finally:
            if not answered:
                self.kill()

    def _reap(self) -> int:
        assert self.pid is not None
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        self._close()
        return status

    def _close(self) -> None:
        for fd in (self._requests, self._replies.fd):
            if fd >= 0:
                os.close(fd)
        self._requests = self._replies.fd = -1

    def kill(self) -> None:
        if self.pid is None:
            return
        os.kill(self.pid, signal.SIGKILL)  # an unreaped child (even dead) has its pid still
        self._reap()

    def stop(self) -> None:
        """End the child: it exits once it reads the end of its requests."""
        if self.pid is None:
            return
        os.close(self._requests)
        self._requests = -1
        self._reap()


def run_in_child(
    work: Callable[[], Any], should_cancel: Callable[[], bool], poll: float = POLL_SECONDS
) -> Any:
    """``work()`` in a child of its own (see :meth:`Child.call`)."""
    child = Child(lambda _request, _send: work())
    try:
        return child.call(None, should_cancel, poll=poll)
    finally:
        child.stop()
