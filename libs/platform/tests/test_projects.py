"""The project a call acts in crosses every hop: incoming metadata, outgoing calls, tasks."""

from __future__ import annotations

import grpc
from celery import Celery

from skyulf.advisor.v1 import advisor_pb2, advisor_pb2_grpc
from skyulf_platform.grpc.client import aio_channel, call_metadata
from skyulf_platform.grpc.server import ServiceBinding, start_server
from skyulf_platform.projects import (
    DEFAULT_PROJECT,
    PROJECT_KEY,
    acting_in,
    current_project,
    project_var,
)
from skyulf_platform.tasks.context import install_project_propagation

SERVICE = "skyulf.advisor.v1.AdvisorService"


def _celery() -> Celery:
    install_project_propagation()
    return Celery("projects-test", broker="memory://")


class _Relay(advisor_pb2_grpc.AdvisorServiceServicer):
    """``outer`` calls itself back as ``inner`` and enqueues a task; both record the project."""

    def __init__(self, app: Celery) -> None:
        self.app = app
        self.seen: dict[str, str] = {}
        self.port = 0

    async def GetRecommendations(self, request, context):  # type: ignore[no-untyped-def]
        self.seen[request.dataset_id] = current_project()
        if request.dataset_id == "outer":
            async with aio_channel(f"127.0.0.1:{self.port}") as ch:
                await advisor_pb2_grpc.AdvisorServiceStub(ch).GetRecommendations(
                    advisor_pb2.GetRecommendationsRequest(dataset_id="inner")
                )
            self.app.send_task("projects-test.run", queue="projects-test")
        return advisor_pb2.GetRecommendationsResponse(dataset_id=request.dataset_id)


async def test_the_project_travels_from_caller_to_server_to_peer_to_task() -> None:
    app = _celery()
    ran_in: list[str] = []

    @app.task(name="projects-test.run")
    def run() -> None:
        ran_in.append(current_project())

    relay = _Relay(app)
    binding = ServiceBinding(relay, advisor_pb2_grpc.add_AdvisorServiceServicer_to_server, SERVICE)
    running = await start_server([binding], host="127.0.0.1", port=0)
    relay.port = running.port
    try:
        with acting_in("team-a"):
            async with aio_channel(f"127.0.0.1:{running.port}") as ch:
                stub = advisor_pb2_grpc.AdvisorServiceStub(ch)
                await stub.GetRecommendations(
                    advisor_pb2.GetRecommendationsRequest(dataset_id="outer")
                )
        # Outside the block the caller acts in no project of its own: the server's default.
        async with aio_channel(f"127.0.0.1:{running.port}") as ch:
            stub = advisor_pb2_grpc.AdvisorServiceStub(ch)
            await stub.GetRecommendations(advisor_pb2.GetRecommendationsRequest(dataset_id="bare"))
    finally:
        await running.stop(0)
    assert relay.seen == {"outer": "team-a", "inner": "team-a", "bare": DEFAULT_PROJECT}
    assert project_var.get() == ""

    with app.connection() as conn:
        queue = conn.SimpleQueue("projects-test")
        message = queue.get(timeout=1)
        headers = dict(message.headers)
        message.ack()
        queue.close()
    assert headers[PROJECT_KEY] == "team-a"
    # The worker side: the task runs in the header's project, and leaves nothing behind.
    run.apply(headers=headers)
    run.apply(headers={})
    assert ran_in == ["team-a", DEFAULT_PROJECT]
    assert project_var.get() == ""


def test_blocking_calls_carry_the_project() -> None:
    assert (PROJECT_KEY, "team-b") not in call_metadata()
    with acting_in("team-b"):
        assert (PROJECT_KEY, "team-b") in call_metadata()


async def test_only_a_service_token_names_the_project() -> None:
    """A caller holding an API key (the prediction server takes them) cannot pick a project by
    sending the metadata: the call acts in the default project until the server sets the key's."""

    async def any_key(token: str, method: str) -> bool:
        return token == "sky_a-key"

    relay = _Relay(_celery())
    binding = ServiceBinding(relay, advisor_pb2_grpc.add_AdvisorServiceServicer_to_server, SERVICE)
    running = await start_server([binding], host="127.0.0.1", port=0, bearer_verifier=any_key)
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{running.port}") as ch:
            stub = advisor_pb2_grpc.AdvisorServiceStub(ch)
            await stub.GetRecommendations(
                advisor_pb2.GetRecommendationsRequest(dataset_id="by-key"),
                metadata=(("authorization", "Bearer sky_a-key"), (PROJECT_KEY, "team-a")),
            )
    finally:
        await running.stop(0)
    assert relay.seen == {"by-key": DEFAULT_PROJECT}
