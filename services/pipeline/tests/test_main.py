"""The composition root: assembled from settings alone, healthy once its peers answer."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from skyulf.pipeline.v1 import pipeline_pb2, pipeline_pb2_grpc
from skyulf_pipeline.__main__ import MIGRATIONS, SERVICE_NAME, assemble
from skyulf_pipeline.settings import PipelineSettings
from skyulf_platform.grpc.client import aio_channel
from skyulf_platform.grpc.server import start_server
from skyulf_platform.runtime import migrate


async def _health(settings: PipelineSettings) -> int:
    migrate(settings, MIGRATIONS)
    assembly = await assemble(settings)
    server = await start_server(
        assembly.bindings, host="127.0.0.1", port=0, checks=assembly.checks, check_interval=0.1
    )
    channel = aio_channel(f"127.0.0.1:{server.port}")
    try:
        health = health_pb2_grpc.HealthStub(channel)
        status = health_pb2.HealthCheckResponse.NOT_SERVING
        for _ in range(50):
            resp = await health.Check(health_pb2.HealthCheckRequest(service=SERVICE_NAME))
            status = resp.status
            if status == health_pb2.HealthCheckResponse.SERVING:
                break
            await asyncio.sleep(0.05)
        return status
    finally:
        await channel.close()
        await server.stop(0)
        if assembly.on_stop is not None:
            await assembly.on_stop()


async def test_serving_once_database_store_and_ingestion_answer(
    tmp_path: Path, harness: Any
) -> None:
    settings = PipelineSettings(data_dir=tmp_path / "data", ingestion_addr=harness.ingestion_addr)
    status = await _health(settings)
    assert status == health_pb2.HealthCheckResponse.SERVING


async def test_not_serving_while_ingestion_is_down(tmp_path: Path) -> None:
    settings = PipelineSettings(data_dir=tmp_path / "data", ingestion_addr="127.0.0.1:1")
    status = await _health(settings)
    assert status == health_pb2.HealthCheckResponse.NOT_SERVING


async def test_unreachable_broker_fails_the_new_job(tmp_path: Path, harness: Any) -> None:
    settings = PipelineSettings(
        data_dir=tmp_path / "data",
        ingestion_addr=harness.ingestion_addr,
        artifact_url=harness.store.root_uri,
        broker_url="redis://127.0.0.1:1/0",
    )
    migrate(settings, MIGRATIONS)
    assembly = await assemble(settings)
    server = await start_server(assembly.bindings, host="127.0.0.1", port=0)
    channel = aio_channel(f"127.0.0.1:{server.port}")
    try:
        stub = pipeline_pb2_grpc.PipelineServiceStub(channel)
        with pytest.raises(grpc.RpcError) as info:
            await stub.CreateJob(
                pipeline_pb2.CreateJobRequest(
                    dataset_id=harness.trainable_id,
                    graph=harness.graph_proto(harness.slice_graph),
                ),
                timeout=20,
            )
        assert info.value.code() == grpc.StatusCode.UNAVAILABLE
        [job] = (await stub.ListJobs(pipeline_pb2.ListJobsRequest())).jobs
        assert job.status == pipeline_pb2.JOB_STATUS_FAILED
    finally:
        await channel.close()
        await server.stop(0)
        if assembly.on_stop is not None:
            await assembly.on_stop()
