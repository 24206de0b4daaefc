"""gRPC stubs of every service the gateway fronts, created once per app."""

from __future__ import annotations

from dataclasses import dataclass

from grpc import aio
from grpc_health.v1 import health_pb2_grpc

from inference import grpc_predict_v2_pb2_grpc
from skyulf.advisor.v1 import advisor_pb2_grpc
from skyulf.deployment.v1 import deployment_pb2_grpc
from skyulf.ingestion.v1 import ingestion_pb2_grpc
from skyulf.pipeline.v1 import pipeline_pb2_grpc
from skyulf.registry.v1 import registry_pb2_grpc
from skyulf_platform.grpc.client import aio_channel
from skyulf_platform.settings import PlatformSettings

SERVICES = ("ingestion", "pipeline", "registry", "deployment", "advisor")


@dataclass
class ServiceClients:
    channels: dict[str, aio.Channel]
    ingestion: ingestion_pb2_grpc.IngestionServiceStub
    pipeline: pipeline_pb2_grpc.PipelineServiceStub
    registry: registry_pb2_grpc.RegistryServiceStub
    deployment: deployment_pb2_grpc.DeploymentServiceStub
    advisor: advisor_pb2_grpc.AdvisorServiceStub
    # The prediction servers: /predict goes straight to them (one hop, not two).
    predictor: grpc_predict_v2_pb2_grpc.GRPCInferenceServiceStub

    @classmethod
    def connect(cls, settings: PlatformSettings) -> ServiceClients:
        addrs = {
            "ingestion": settings.ingestion_addr,
            "pipeline": settings.pipeline_addr,
            "registry": settings.registry_addr,
            "deployment": settings.deployment_addr,
            "advisor": settings.advisor_addr,
            "predictor": settings.predictor_addr,
        }
        ch = {name: aio_channel(addr, service=name) for name, addr in addrs.items()}
        return cls(
            channels=ch,
            ingestion=ingestion_pb2_grpc.IngestionServiceStub(ch["ingestion"]),
            pipeline=pipeline_pb2_grpc.PipelineServiceStub(ch["pipeline"]),
            registry=registry_pb2_grpc.RegistryServiceStub(ch["registry"]),
            deployment=deployment_pb2_grpc.DeploymentServiceStub(ch["deployment"]),
            advisor=advisor_pb2_grpc.AdvisorServiceStub(ch["advisor"]),
            predictor=grpc_predict_v2_pb2_grpc.GRPCInferenceServiceStub(ch["predictor"]),
        )

    def health(self, service: str) -> health_pb2_grpc.HealthStub:
        return health_pb2_grpc.HealthStub(self.channels[service])

    async def close(self) -> None:
        for ch in self.channels.values():
            await ch.close()
