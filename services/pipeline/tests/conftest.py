"""Fixtures: the pipeline service over real gRPC, with small fake ingestion and registry peers.

The fakes serve a real dataset (churn_300.csv written as Parquet into a local artifact store)
and record CreateModelVersion calls; the real peers are tested by their own suites and the
cross-service chain by the end-to-end tests.
"""

from __future__ import annotations

import asyncio
import copy
import io
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from grpc import aio

from skyulf.common.v1 import common_pb2
from skyulf.ingestion.v1 import ingestion_pb2, ingestion_pb2_grpc
from skyulf.pipeline.v1 import pipeline_pb2, pipeline_pb2_grpc
from skyulf.registry.v1 import registry_pb2, registry_pb2_grpc
from skyulf_errors import NotFound
from skyulf_pipeline.__main__ import MIGRATIONS, SERVICE_NAME
from skyulf_pipeline.grpc.servicer import PipelineServicer
from skyulf_pipeline.models import Job
from skyulf_pipeline.peers import AsyncIngestionClient, IngestionClient, RegistryClient
from skyulf_pipeline.repository import JobRepository
from skyulf_pipeline.runner import TrainingRunner
from skyulf_pipeline.saved import SavedPipelineService
from skyulf_pipeline.saved_repository import SavedPipelineRepository
from skyulf_pipeline.service import PipelineService
from skyulf_platform.artifacts.local import LocalArtifactStore
from skyulf_platform.db.engine import make_engine
from skyulf_platform.db.migrations import upgrade
from skyulf_platform.db.uow import UnitOfWork
from skyulf_platform.grpc.client import aio_channel, sync_channel
from skyulf_platform.grpc.server import RunningServer, ServiceBinding, start_server

DATA = Path(__file__).parent / "data"
SIGNING_KEY = b"test-signing-key"

SLICE_GRAPH: dict[str, Any] = {
    "nodes": [
        {
            "id": "split",
            "type": "TrainTestSplitter",
            "params": {"target_column": "churned", "test_size": 0.25, "stratify": True},
        },
        {
            "id": "impute",
            "type": "SimpleImputer",
            "params": {"strategy": "median", "columns": ["age", "income"]},
        },
        {"id": "onehot", "type": "OneHotEncoder", "params": {"columns": ["city", "plan_type"]}},
        {
            "id": "scale",
            "type": "StandardScaler",
            "params": {"columns": ["age", "income", "tenure_months", "monthly_spend"]},
        },
        {"id": "model", "type": "logistic_regression", "params": {}},
    ],
    "edges": [
        {"source": "split", "target": "impute"},
        {"source": "impute", "target": "onehot"},
        {"source": "onehot", "target": "scale"},
        {"source": "scale", "target": "model"},
    ],
}


def graph_proto(graph: dict[str, Any]) -> common_pb2.PipelineGraph:
    return common_pb2.PipelineGraph(
        nodes=[
            common_pb2.GraphNode(id=n["id"], type=n["type"], params_json=json.dumps(n["params"]))
            for n in graph["nodes"]
        ],
        edges=[
            common_pb2.GraphEdge(source=e["source"], target=e["target"]) for e in graph["edges"]
        ],
    )


class FakeIngestion(ingestion_pb2_grpc.IngestionServiceServicer):
    def __init__(self, store: LocalArtifactStore) -> None:
        self.store = store
        self.datasets: dict[str, ingestion_pb2.Dataset] = {}

    def add(
        self,
        frame: pl.DataFrame,
        *,
        name: str = "churn_300.csv",
        status: int = ingestion_pb2.DATASET_STATUS_READY,
    ) -> str:
        dataset_id = str(uuid.uuid4())
        buf = io.BytesIO()
        frame.write_parquet(buf)
        ref = self.store.put_bytes(f"datasets/{dataset_id}/data.parquet", buf.getvalue())
        ready = status == ingestion_pb2.DATASET_STATUS_READY
        self.datasets[dataset_id] = ingestion_pb2.Dataset(
            id=dataset_id,
            name=name,
            status=status,
            n_rows=frame.height,
            n_columns=frame.width,
            columns=[common_pb2.Column(name=n, dtype=str(t)) for n, t in frame.schema.items()],
            data_uri=ref.uri if ready else "",
            data_checksum=ref.sha256 if ready else "",
        )
        return dataset_id

    async def GetDataset(
        self, request: ingestion_pb2.GetDatasetRequest, context: aio.ServicerContext
    ) -> ingestion_pb2.GetDatasetResponse:
        if request.dataset_id not in self.datasets:
            raise NotFound(
                f"dataset {request.dataset_id} not found",
                details={"dataset_id": request.dataset_id},
            )
        return ingestion_pb2.GetDatasetResponse(dataset=self.datasets[request.dataset_id])


class FakeRegistry(registry_pb2_grpc.RegistryServiceServicer):
    """Records registrations; idempotent on the job's model node, like the real registry."""

    def __init__(self) -> None:
        self.calls: list[registry_pb2.CreateModelVersionRequest] = []
        self.by_job: dict[tuple[str, str], registry_pb2.ModelVersion] = {}
        self.latest: dict[str, int] = {}
        self.deleted: list[str] = []

    async def CreateModelVersion(
        self, request: registry_pb2.CreateModelVersionRequest, context: aio.ServicerContext
    ) -> registry_pb2.CreateModelVersionResponse:
        self.calls.append(request)
        key = (request.lineage.job_id, request.lineage.node_id)
        existing = self.by_job.get(key)
        if existing is None:
            version = self.latest.get(request.name, 0) + 1
            self.latest[request.name] = version
            existing = registry_pb2.ModelVersion(
                name=request.name,
                version=version,
                bundle_uri=request.bundle_uri,
                bundle_checksum=request.bundle_checksum,
                metrics=request.metrics,
            )
            self.by_job[key] = existing
        return registry_pb2.CreateModelVersionResponse(model_version=existing)

    async def DeleteJobVersions(
        self, request: registry_pb2.DeleteJobVersionsRequest, context: aio.ServicerContext
    ) -> registry_pb2.DeleteJobVersionsResponse:
        gone = [key for key in self.by_job if key[0] == request.job_id]
        if gone:
            self.deleted.append(request.job_id)
        return registry_pb2.DeleteJobVersionsResponse(versions=[self.by_job.pop(k) for k in gone])


@dataclass
class Enqueued:
    job_ids: list[str] = field(default_factory=list)
    fail: bool = False

    kinds: list[str] = field(default_factory=list)

    def __call__(self, job_id: str, kind: str = "train") -> None:
        if self.fail:
            raise ConnectionRefusedError("broker at redis://127.0.0.1:1 refused the connection")
        self.job_ids.append(job_id)
        self.kinds.append(kind)


@dataclass
class Harness:
    stub: pipeline_pb2_grpc.PipelineServiceStub
    ingestion: FakeIngestion
    registry: FakeRegistry
    enqueued: Enqueued
    service: PipelineService
    runner: TrainingRunner
    jobs: JobRepository
    store: LocalArtifactStore
    # churn_300.csv as is, and without the columns the slice graph leaves unhandled and the
    # model refuses: signup_date (a date) and lat/lon (with missing values).
    churn_id: str
    trainable_id: str
    ingestion_addr: str
    slice_graph: dict[str, Any] = field(default_factory=lambda: copy.deepcopy(SLICE_GRAPH))

    graph_proto = staticmethod(graph_proto)

    async def run(self, job_id: str) -> Job:
        # The runner blocks on gRPC calls to the fakes served by this event loop: run it aside.
        return await asyncio.to_thread(self.runner.run, job_id)

    async def create(self, graph: dict[str, Any] | None = None, **kw: Any) -> Job:
        resp = await self.stub.CreateJob(
            pipeline_pb2.CreateJobRequest(
                dataset_id=kw.pop("dataset_id", self.trainable_id),
                graph=graph_proto(graph or SLICE_GRAPH),
                **kw,
            )
        )
        return self.jobs.get(resp.job.id)


@pytest.fixture
def churn() -> pl.DataFrame:
    return pl.read_csv(DATA / "churn_300.csv")


@pytest.fixture
def store(tmp_path: Path) -> LocalArtifactStore:
    return LocalArtifactStore(tmp_path / "artifacts")


@pytest.fixture
def jobs(tmp_path: Path) -> Iterator[JobRepository]:
    url = f"sqlite:///{tmp_path / 'pipeline.db'}"
    upgrade(MIGRATIONS, url, "pipeline")
    engine = make_engine(url)
    yield JobRepository(UnitOfWork(engine))
    engine.dispose()


@pytest.fixture
async def harness(
    store: LocalArtifactStore, jobs: JobRepository, churn: pl.DataFrame
) -> AsyncIterator[Harness]:
    ingestion = FakeIngestion(store)
    registry = FakeRegistry()
    peers = await start_server(
        [
            ServiceBinding(
                ingestion,
                ingestion_pb2_grpc.add_IngestionServiceServicer_to_server,
                "skyulf.ingestion.v1.IngestionService",
            ),
            ServiceBinding(
                registry,
                registry_pb2_grpc.add_RegistryServiceServicer_to_server,
                "skyulf.registry.v1.RegistryService",
            ),
        ],
        host="127.0.0.1",
        port=0,
    )
    peer_addr = f"127.0.0.1:{peers.port}"
    ingestion_channel = aio_channel(peer_addr)
    enqueued = Enqueued()
    service = PipelineService(jobs, store, enqueued, preview_sample_rows=5000)
    servicer = PipelineServicer(
        service,
        AsyncIngestionClient(ingestion_channel),
        SavedPipelineService(SavedPipelineRepository(jobs.uow)),
        watch_poll_seconds=0.05,
    )
    server: RunningServer = await start_server(
        [
            ServiceBinding(
                servicer, pipeline_pb2_grpc.add_PipelineServiceServicer_to_server, SERVICE_NAME
            )
        ],
        host="127.0.0.1",
        port=0,
    )
    blocking = sync_channel(peer_addr)
    runner = TrainingRunner(
        jobs,
        store,
        IngestionClient(blocking),
        RegistryClient(blocking),
        SIGNING_KEY,
        cancel_poll_seconds=0.0,
    )
    channel = aio_channel(f"127.0.0.1:{server.port}")
    try:
        yield Harness(
            stub=pipeline_pb2_grpc.PipelineServiceStub(channel),
            ingestion=ingestion,
            registry=registry,
            enqueued=enqueued,
            service=service,
            runner=runner,
            jobs=jobs,
            store=store,
            churn_id=ingestion.add(churn),
            trainable_id=ingestion.add(churn.drop("signup_date", "lat", "lon")),
            ingestion_addr=peer_addr,
        )
    finally:
        await channel.close()
        await server.stop(0)
        await ingestion_channel.close()
        blocking.close()
        await peers.stop(0)


@pytest.fixture
def slice_graph() -> dict[str, Any]:
    """The graph the end-to-end test sends, as a fresh dict a test may change."""
    return copy.deepcopy(SLICE_GRAPH)
