from __future__ import annotations

import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from grpc import aio

import skyulf_registry.__main__ as registry_main
from skyulf.deployment.v1 import deployment_pb2_grpc
from skyulf.registry.v1 import registry_pb2, registry_pb2_grpc
from skyulf_core.bundle import FittedPipeline
from skyulf_core.graph.executor import train_pipeline
from skyulf_deployment.__main__ import MIGRATIONS_DIR, SERVICE_NAME, build_service
from skyulf_deployment.grpc.servicer import DeploymentServicer
from skyulf_deployment.models import ResolvedVersion
from skyulf_deployment.peers import RegistryClient
from skyulf_deployment.predictor.server import RunningPredictor, start_predictor
from skyulf_deployment.service import DeploymentService
from skyulf_deployment.settings import DeploymentSettings, PredictorSettings
from skyulf_errors import NotFound
from skyulf_platform.artifacts.local import LocalArtifactStore
from skyulf_platform.bundles import StoredBundle, write_bundle
from skyulf_platform.checks import database_check
from skyulf_platform.db.engine import make_engine
from skyulf_platform.db.migrations import upgrade
from skyulf_platform.db.uow import UnitOfWork
from skyulf_platform.grpc.client import aio_channel
from skyulf_platform.grpc.server import RunningServer, ServiceBinding, start_server
from skyulf_registry.grpc.servicer import RegistryServicer
from skyulf_registry.settings import RegistrySettings

FEATURES = ["age", "income", "city"]
PREDICT_BODY_LIMIT = 64 * 1024


def customers(n: int = 120, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 80, n).astype(float)
    income = rng.normal(50_000, 15_000, n).round()
    city = rng.choice(["Oslo", "Bergen", "Tromso"], n)
    churned = ((age < 40) ^ (city == "Oslo")).astype(int)
    return pd.DataFrame({"age": age, "income": income, "city": city, "churned": churned})


GRAPH = {
    "nodes": [
        {"id": "split", "type": "TrainTestSplitter", "params": {"target_column": "churned"}},
        {"id": "impute", "type": "SimpleImputer", "params": {"columns": ["age", "income"]}},
        {"id": "scale", "type": "StandardScaler", "params": {"columns": ["age", "income"]}},
        {"id": "onehot", "type": "OneHotEncoder", "params": {"columns": ["city"]}},
        {"id": "model", "type": "logistic_regression", "params": {}},
    ],
    "edges": [
        {"source": "split", "target": "impute"},
        {"source": "impute", "target": "scale"},
        {"source": "scale", "target": "onehot"},
        {"source": "onehot", "target": "model"},
    ],
}


@pytest.fixture
def rows() -> list[dict[str, object]]:
    return customers(6, seed=11).drop(columns=["churned"]).to_dict("records")


@pytest.fixture(scope="session")
def fitted() -> FittedPipeline:
    return train_pipeline(GRAPH, customers()).fitted


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def deployment_settings(tmp_path: Path) -> DeploymentSettings:
    s = DeploymentSettings(data_dir=tmp_path)
    upgrade(MIGRATIONS_DIR, s.resolved_database_url(), s.service_name)
    return s


class FakeRegistry:
    """Every model exists at versions 1..3."""

    def resolve(self, model_name: str, version: int, alias: str = "") -> ResolvedVersion:
        if alias:
            raise NotFound(f"model {model_name!r} has no alias {alias!r}")
        if version > 3:
            raise NotFound(f"model {model_name!r} has no version {version}")
        return ResolvedVersion(model_name=model_name, version=version or 3)


@pytest.fixture
def service(deployment_settings: DeploymentSettings) -> Iterator[DeploymentService]:
    svc = DeploymentService(
        UnitOfWork(make_engine(deployment_settings.resolved_database_url())), FakeRegistry()
    )
    yield svc
    svc.uow.engine.dispose()


@dataclass
class Stack:
    data_dir: Path
    store: LocalArtifactStore
    signing_key: bytes
    registry: registry_pb2_grpc.RegistryServiceStub
    deployments: deployment_pb2_grpc.DeploymentServiceStub
    predictor: RunningPredictor
    deployment_service: DeploymentService
    channels: list[aio.Channel]
    predictor_settings: PredictorSettings

    @property
    def rest_url(self) -> str:
        return f"http://127.0.0.1:{self.predictor.http_port}"

    @property
    def grpc_addr(self) -> str:
        return f"127.0.0.1:{self.predictor.grpc_port}"

    def write(self, files: dict[str, bytes], key: bytes | None = None) -> StoredBundle:
        return write_bundle(self.store, f"bundles/{uuid.uuid4()}", files, key or self.signing_key)

    async def register(self, name: str, bundle: StoredBundle, job_id: str = "") -> int:
        reply = await self.registry.CreateModelVersion(
            registry_pb2.CreateModelVersionRequest(
                name=name,
                task="classification",
                model_type="logistic_regression",
                bundle_uri=bundle.uri,
                bundle_checksum=bundle.manifest_sha256,
                lineage=registry_pb2.Lineage(job_id=job_id),
            )
        )
        return reply.model_version.version


@pytest.fixture
async def stack(tmp_path: Path) -> AsyncIterator[Stack]:
    reg_settings = RegistrySettings(data_dir=tmp_path)
    upgrade(registry_main.MIGRATIONS_DIR, reg_settings.resolved_database_url(), "registry")
    registry_service = registry_main.build_service(reg_settings)
    registry = await start_server(
        [
            ServiceBinding(
                RegistryServicer(registry_service),
                registry_pb2_grpc.add_RegistryServiceServicer_to_server,
                registry_main.SERVICE_NAME,
            )
        ],
        host="127.0.0.1",
        port=0,
        checks=[database_check(registry_service.uow.engine)],
        check_interval=0.2,
    )
    registry_addr = f"127.0.0.1:{registry.port}"
    predictor_grpc = free_port()
    dep_settings = DeploymentSettings(
        data_dir=tmp_path,
        registry_addr=registry_addr,
        predictor_addr=f"127.0.0.1:{predictor_grpc}",
    )
    upgrade(MIGRATIONS_DIR, dep_settings.resolved_database_url(), "deployment")
    dep_service = build_service(dep_settings)
    predictor_channel = aio_channel(dep_settings.predictor_addr)
    deployment: RunningServer = await start_server(
        [
            ServiceBinding(
                DeploymentServicer(dep_service, predictor_channel),
                deployment_pb2_grpc.add_DeploymentServiceServicer_to_server,
                SERVICE_NAME,
            )
        ],
        host="127.0.0.1",
        port=0,
        checks=[database_check(dep_service.uow.engine)],
        check_interval=0.2,
    )
    pred_settings = PredictorSettings(
        data_dir=tmp_path,
        http_port=0,
        grpc_port=predictor_grpc,
        deployment_addr=f"127.0.0.1:{deployment.port}",
        registry_addr=registry_addr,
        deployment_ttl_seconds=0.3,
        max_body_bytes=PREDICT_BODY_LIMIT,
    )
    predictor = await start_predictor(pred_settings)
    channels = [aio_channel(registry_addr), aio_channel(f"127.0.0.1:{deployment.port}")]
    yield Stack(
        data_dir=tmp_path,
        store=LocalArtifactStore(tmp_path / "artifacts"),
        signing_key=pred_settings.signing_key(),
        registry=registry_pb2_grpc.RegistryServiceStub(channels[0]),
        deployments=deployment_pb2_grpc.DeploymentServiceStub(channels[1]),
        predictor=predictor,
        deployment_service=dep_service,
        channels=channels,
        predictor_settings=pred_settings,
    )
    for channel in channels:
        await channel.close()
    await predictor.stop(0)
    await deployment.stop(0)
    await predictor_channel.close()
    assert isinstance(dep_service.registry, RegistryClient)
    dep_service.registry.close()
    dep_service.uow.engine.dispose()
    await registry.stop(0)
    registry_service.uow.engine.dispose()
