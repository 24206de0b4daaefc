from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import polars as pl
import pytest
from grpc import aio

from skyulf.advisor.v1 import advisor_pb2_grpc
from skyulf.common.v1 import common_pb2
from skyulf.ingestion.v1 import ingestion_pb2, ingestion_pb2_grpc
from skyulf_advisor.__main__ import assemble
from skyulf_advisor.profiles import INGESTION_SERVICE
from skyulf_advisor.settings import AdvisorSettings
from skyulf_core.profiling import profile_frame
from skyulf_errors import FailedPrecondition, NotFound
from skyulf_platform.grpc.client import aio_channel
from skyulf_platform.grpc.server import RunningServer, ServiceBinding, start_server

DATA = Path(__file__).parent / "data"
CHURN_ID = "0f7d2c1e-3b8a-4c55-9e0d-6a1b2c3d4e5f"
PENDING_ID = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"


class FakeIngestion(ingestion_pb2_grpc.IngestionServiceServicer):
    """Answers GetDatasetProfile the way ingestion does: a real profile, or its errors."""

    def __init__(self, profiles: dict[str, str], frames: dict[str, pl.DataFrame]) -> None:
        self.profiles = profiles
        self.frames = frames
        self.row_requests: list[tuple[int, int]] = []

    async def GetDatasetRows(
        self, request: ingestion_pb2.GetDatasetRowsRequest, context: aio.ServicerContext
    ) -> ingestion_pb2.GetDatasetRowsResponse:
        """Rows as ingestion pages them: JSON objects, missing as null, dates as ISO text."""
        frame = self.frames[request.dataset_id]
        self.row_requests.append((request.offset, request.limit))
        page = frame.slice(request.offset, request.limit)
        texts = page.with_columns(pl.col(pl.Date, pl.Datetime).cast(pl.String))
        return ingestion_pb2.GetDatasetRowsResponse(
            dataset_id=request.dataset_id,
            offset=request.offset,
            limit=request.limit,
            total=frame.height,
            columns=[common_pb2.Column(name=n, dtype=str(t)) for n, t in frame.schema.items()],
            rows_json=json.dumps(texts.to_dicts()),
        )

    async def GetDatasetProfile(
        self, request: ingestion_pb2.GetDatasetProfileRequest, context: aio.ServicerContext
    ) -> ingestion_pb2.GetDatasetProfileResponse:
        if request.dataset_id == PENDING_ID:
            raise FailedPrecondition(
                f"dataset {PENDING_ID} is not ready (status PENDING)",
                details={"dataset_id": PENDING_ID},
            )
        if request.dataset_id not in self.profiles:
            raise NotFound(
                f"dataset {request.dataset_id!r} not found",
                details={"dataset_id": request.dataset_id},
            )
        return ingestion_pb2.GetDatasetProfileResponse(
            dataset_id=request.dataset_id, profile_json=self.profiles[request.dataset_id]
        )


@pytest.fixture
def churn_id() -> str:
    return CHURN_ID


@pytest.fixture
def pending_id() -> str:
    return PENDING_ID


@pytest.fixture(scope="session")
def churn_frame() -> pl.DataFrame:
    return pl.read_csv(DATA / "churn_300.csv", try_parse_dates=True)


@pytest.fixture(scope="session")
def churn_profile_json(churn_frame: pl.DataFrame) -> str:
    return profile_frame(churn_frame).model_dump_json()


@pytest.fixture
async def ingestion(
    churn_profile_json: str, churn_frame: pl.DataFrame
) -> AsyncIterator[RunningServer]:
    running = await start_server(
        [
            ServiceBinding(
                FakeIngestion({CHURN_ID: churn_profile_json}, {CHURN_ID: churn_frame}),
                ingestion_pb2_grpc.add_IngestionServiceServicer_to_server,
                INGESTION_SERVICE,
            )
        ],
        host="127.0.0.1",
        port=0,
    )
    yield running
    await running.stop(0)


async def _advisor(ingestion_addr: str) -> AsyncIterator[RunningServer]:
    assembly = await assemble(AdvisorSettings(ingestion_addr=ingestion_addr))
    running = await start_server(
        assembly.bindings, host="127.0.0.1", port=0, checks=assembly.checks, check_interval=0.2
    )
    yield running
    await running.stop(0)
    assert assembly.on_stop is not None
    await assembly.on_stop()


@pytest.fixture
async def advisor(ingestion: RunningServer) -> AsyncIterator[RunningServer]:
    async for running in _advisor(f"127.0.0.1:{ingestion.port}"):
        yield running


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def lonely_advisor() -> AsyncIterator[RunningServer]:
    """An advisor whose ingestion is not running."""
    async for running in _advisor(f"127.0.0.1:{_closed_port()}"):
        yield running


async def _stub(server: RunningServer) -> AsyncIterator[advisor_pb2_grpc.AdvisorServiceStub]:
    channel = aio_channel(f"127.0.0.1:{server.port}")
    yield advisor_pb2_grpc.AdvisorServiceStub(channel)
    await channel.close()


@pytest.fixture
async def stub(advisor: RunningServer) -> AsyncIterator[advisor_pb2_grpc.AdvisorServiceStub]:
    async for s in _stub(advisor):
        yield s


@pytest.fixture
async def lonely_stub(
    lonely_advisor: RunningServer,
) -> AsyncIterator[advisor_pb2_grpc.AdvisorServiceStub]:
    async for s in _stub(lonely_advisor):
        yield s
