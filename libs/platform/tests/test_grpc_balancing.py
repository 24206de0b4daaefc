"""Calls through one channel spread over every replica its target resolves to.

Two real server processes, one target naming both (as a headless Service's DNS name resolves to
every Ready pod): each process answers with its pid, and both answer.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from skyulf.advisor.v1 import advisor_pb2, advisor_pb2_grpc
from skyulf_platform.grpc.auth import installed
from skyulf_platform.grpc.client import aio_channel, sync_channel

SERVER = textwrap.dedent(
    """
    import asyncio, os, sys

    from skyulf.advisor.v1 import advisor_pb2, advisor_pb2_grpc
    from skyulf_platform.grpc.auth import ServiceCredentials, install
    from skyulf_platform.grpc.server import ServiceBinding, start_server

    install(ServiceCredentials(bytes.fromhex(os.environ["TEST_SERVICE_KEY"]), "server"))


    class Advisor(advisor_pb2_grpc.AdvisorServiceServicer):
        async def GetRecommendations(self, request, context):
            return advisor_pb2.GetRecommendationsResponse(dataset_id=str(os.getpid()))


    async def main():
        binding = ServiceBinding(
            Advisor(),
            advisor_pb2_grpc.add_AdvisorServiceServicer_to_server,
            "skyulf.advisor.v1.AdvisorService",
        )
        running = await start_server([binding], host="127.0.0.1", port=0)
        print(running.port, flush=True)
        await asyncio.Event().wait()


    asyncio.run(main())
    """
)


def _test_key() -> str:
    creds = installed()
    assert creds is not None
    return creds.key.hex()


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[tuple[int, int]]]:
    """(pid, port) of two server processes."""
    script = tmp_path_factory.mktemp("balancing") / "server.py"
    script.write_text(SERVER)
    procs = [
        subprocess.Popen(
            [sys.executable, str(script)],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "TEST_SERVICE_KEY": _test_key()},
        )
        for _ in range(2)
    ]
    try:
        servers = []
        for proc in procs:
            assert proc.stdout is not None
            servers.append((proc.pid, int(proc.stdout.readline())))
        yield servers
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)


def _target(servers: list[tuple[int, int]]) -> str:
    return "ipv4:" + ",".join(f"127.0.0.1:{port}" for _, port in servers)


async def test_aio_channel_calls_reach_every_replica(two_servers: list[tuple[int, int]]) -> None:
    async with aio_channel(_target(two_servers), service="advisor") as channel:
        stub = advisor_pb2_grpc.AdvisorServiceStub(channel)
        answers = Counter(
            [
                (await stub.GetRecommendations(advisor_pb2.GetRecommendationsRequest())).dataset_id
                for _ in range(20)
            ]
        )
    pids = {str(pid) for pid, _ in two_servers}
    assert set(answers) == pids, answers
    # Round robin: an even split, not merely both touched.
    assert min(answers.values()) >= 8, answers


def test_blocking_channel_calls_reach_every_replica(two_servers: list[tuple[int, int]]) -> None:
    with sync_channel(_target(two_servers)) as channel:
        stub = advisor_pb2_grpc.AdvisorServiceStub(channel)
        answers = Counter(
            stub.GetRecommendations(advisor_pb2.GetRecommendationsRequest()).dataset_id
            for _ in range(20)
        )
    assert set(answers) == {str(pid) for pid, _ in two_servers}, answers


def test_a_single_address_still_works(two_servers: list[tuple[int, int]], tmp_path: Path) -> None:
    pid, port = two_servers[0]
    with sync_channel(f"127.0.0.1:{port}") as channel:
        stub = advisor_pb2_grpc.AdvisorServiceStub(channel)
        answer = stub.GetRecommendations(advisor_pb2.GetRecommendationsRequest())
    assert answer.dataset_id == str(pid)
