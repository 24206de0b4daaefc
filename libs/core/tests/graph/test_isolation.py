"""A forked child answering call after call: messages stream back during a call, an error comes
back as itself and leaves the child serving, and a caller that gives up, or a child that dies,
leaves no process behind."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from typing import Any

import pytest

from skyulf_core.graph.isolation import Child, FitCrashed, run_in_child
from skyulf_errors import Cancelled, NodeError


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _counting(request: int, send: Callable[[Any], None]) -> int:
    for i in range(request):
        send(i)
    return os.getpid()


def test_one_child_answers_call_after_call_streaming_messages() -> None:
    child = Child(_counting)
    heard: list[int] = []
    try:
        first = child.call(3, lambda: False, heard.append)
        second = child.call(2, lambda: False, heard.append)
    finally:
        child.stop()
    assert first == second != os.getpid()  # one child, not this process
    assert heard == [0, 1, 2, 0, 1]
    assert not child.alive and _gone(first)


def test_an_error_comes_back_as_itself_and_the_child_goes_on() -> None:
    def handle(request: str, send: Callable[[Any], None]) -> int:
        if request == "bad":
            raise NodeError("node 'm' is wrong", node_id="m", field="C")
        return os.getpid()

    child = Child(handle)
    try:
        with pytest.raises(NodeError, match="node 'm' is wrong") as err:
            child.call("bad", lambda: False)
        assert err.value.details == {"node": "m", "field": "C"}
        assert child.alive and child.call("good", lambda: False) == child.pid
    finally:
        child.stop()


def test_a_caller_that_gives_up_kills_the_child() -> None:
    def stop_after_first(message: int) -> None:
        raise RuntimeError("enough")

    child = Child(_counting)
    pid = child.pid
    assert pid is not None
    with pytest.raises(RuntimeError, match="enough"):
        child.call(3, lambda: False, stop_after_first)
    assert not child.alive and _gone(pid)


def test_a_cancel_kills_a_child_in_the_middle_of_a_call() -> None:
    def sleep(request: float, send: Callable[[Any], None]) -> None:
        send(os.getpid())
        signal.pause()

    child = Child(sleep)
    pids: list[int] = []
    with pytest.raises(Cancelled, match="during the fit"):
        child.call(None, lambda: bool(pids), pids.append, poll=0.01)
    assert not child.alive and _gone(pids[0])


def test_a_child_that_dies_is_fit_crashed() -> None:
    with pytest.raises(FitCrashed) as err:
        run_in_child(lambda: os.kill(os.getpid(), signal.SIGKILL), lambda: False)
    assert err.value.signal == signal.SIGKILL
