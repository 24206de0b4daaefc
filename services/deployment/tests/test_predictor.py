"""Registry + deployment + prediction server in-process: deploy a signed bundle and predict."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import grpc
import httpx
import pandas as pd
import pytest
from prometheus_client import REGISTRY

from inference import grpc_predict_v2_pb2 as ipb
from inference import grpc_predict_v2_pb2_grpc
from skyulf.deployment.v1 import deployment_pb2 as dpb
from skyulf_core.bundle import MODEL_FILE, FittedPipeline
from skyulf_platform.bundles import MANIFEST
from skyulf_platform.grpc.auth import outgoing_metadata
from skyulf_platform.grpc.client import aio_channel
from skyulf_platform.inference.codec import (
    infer_request_to_json,
    infer_response_from_json,
    infer_response_to_prediction,
    rows_to_infer_request,
)

from .conftest import PREDICT_BODY_LIMIT

Rows = list[dict[str, Any]]


async def _deploy(stack: Any, fitted: FittedPipeline, name: str = "churn") -> dpb.Deployment:
    version = await stack.register(name, stack.write(fitted.to_files()))
    reply = await stack.deployments.CreateDeployment(
        dpb.CreateDeploymentRequest(model_name=name, model_version=version)
    )
    return reply.deployment


async def _rest_infer(stack: Any, name: str, rows: Rows, path: str = "") -> httpx.Response:
    body = infer_request_to_json(rows_to_infer_request(rows))
    async with httpx.AsyncClient(
        base_url=stack.rest_url, headers=dict(outgoing_metadata())
    ) as client:
        return await client.post(f"/v2/models/{name}{path}/infer", json=body)


def _expected(fitted: FittedPipeline, rows: Rows) -> Any:
    return fitted.predict(pd.DataFrame(rows))


async def test_predict_over_rest(stack: Any, fitted: FittedPipeline, rows: Rows) -> None:
    await _deploy(stack, fitted)
    reply = await _rest_infer(stack, "churn", rows)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert (body["model_name"], body["model_version"]) == ("churn", "1")
    assert [o["name"] for o in body["outputs"]] == ["predict", "predict_proba"]
    decoded = infer_response_to_prediction(infer_response_from_json(body))
    expected = _expected(fitted, rows)
    assert decoded.predictions == expected.predictions
    assert decoded.probabilities == expected.probabilities
    versioned = await _rest_infer(stack, "churn", rows, "/versions/1")
    assert versioned.status_code == 200
    wrong = await _rest_infer(stack, "churn", rows, "/versions/7")
    assert wrong.status_code == 404
    assert "not version 7" in wrong.json()["error"]["message"]


async def test_the_rest_infer_route_checks_keys_names_errors_and_is_counted(
    stack: Any, fitted: FittedPipeline, rows: Rows
) -> None:
    await _deploy(stack, fitted)
    route = "/v2/models/{name}/infer"
    labels = {"app": "predictor", "method": "POST", "route": route, "status": "200"}
    before = REGISTRY.get_sample_value("skyulf_http_requests_total", labels) or 0.0
    assert (await _rest_infer(stack, "churn", rows)).status_code == 200
    assert REGISTRY.get_sample_value("skyulf_http_requests_total", labels) == before + 1
    body = infer_request_to_json(rows_to_infer_request(rows))
    async with httpx.AsyncClient(base_url=stack.rest_url) as client:
        anonymous = await client.post("/v2/models/churn/infer", json=body)
        assert anonymous.status_code == 401, anonymous.text
        assert anonymous.json()["error"]["details"] == {"field": "authorization"}
        assert anonymous.headers["x-request-id"]
        signed = dict(outgoing_metadata()) | {"x-request-id": "rid-7"}
        broken = await client.post("/v2/models/churn/infer", content=b"{", headers=signed)
        assert broken.status_code == 400 and "not valid JSON" in broken.text
        assert broken.headers["x-request-id"] == "rid-7"
        unknown = await client.post("/v2/models/nobody/infer", json=body, headers=signed)
        assert unknown.status_code == 404, unknown.text
        assert "nobody" in unknown.json()["error"]["message"]


async def test_predict_over_grpc_and_through_the_deployment_service(
    stack: Any, fitted: FittedPipeline, rows: Rows
) -> None:
    deployment = await _deploy(stack, fitted)
    expected = _expected(fitted, rows)
    channel = aio_channel(stack.grpc_addr)
    stub = grpc_predict_v2_pb2_grpc.GRPCInferenceServiceStub(channel)
    request = rows_to_infer_request(rows, model_name="churn")
    response = await stub.ModelInfer(request)
    assert infer_response_to_prediction(response).predictions == expected.predictions
    meta = await stub.ModelMetadata(ipb.ModelMetadataRequest(name="churn"))
    assert [i.name for i in meta.inputs] == ["age", "income", "city"]
    assert (await stub.ModelReady(ipb.ModelReadyRequest(name="churn"))).ready
    await channel.close()

    routed = await stack.deployments.Predict(
        dpb.PredictRequest(deployment_id=deployment.id, request=rows_to_infer_request(rows))
    )
    assert routed.deployment.id == deployment.id
    assert routed.response.model_version == "1"
    assert infer_response_to_prediction(routed.response).predictions == expected.predictions


async def test_missing_column_is_a_400_naming_it(
    stack: Any, fitted: FittedPipeline, rows: Rows
) -> None:
    await _deploy(stack, fitted)
    partial = [{k: v for k, v in r.items() if k != "income"} for r in rows]
    reply = await _rest_infer(stack, "churn", partial)
    assert reply.status_code == 400
    error = reply.json()["error"]
    assert error["code"] == "INVALID_ARGUMENT"
    assert "income" in error["message"] and error["details"]["column"] == "income"

    channel = aio_channel(stack.grpc_addr)
    stub = grpc_predict_v2_pb2_grpc.GRPCInferenceServiceStub(channel)
    with pytest.raises(grpc.aio.AioRpcError) as exc:
        await stub.ModelInfer(rows_to_infer_request(partial, model_name="churn"))
    assert exc.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "income" in (exc.value.details() or "")
    await channel.close()


async def test_uncastable_value_and_bad_body_are_400(
    stack: Any, fitted: FittedPipeline, rows: Rows
) -> None:
    await _deploy(stack, fitted)
    bad = [dict(rows[0], age="old")]
    reply = await _rest_infer(stack, "churn", bad)
    assert reply.status_code == 400
    assert reply.json()["error"]["details"]["column"] == "age"
    async with httpx.AsyncClient(
        base_url=stack.rest_url, headers=dict(outgoing_metadata())
    ) as client:
        reply = await client.post("/v2/models/churn/infer", content=b"{nope")
    assert reply.status_code == 400
    assert reply.json()["error"]["code"] == "INVALID_ARGUMENT"


async def test_unknown_model_is_not_found(stack: Any, rows: Rows) -> None:
    reply = await _rest_infer(stack, "ghost", rows)
    assert reply.status_code == 404
    assert "'ghost'" in reply.json()["error"]["message"]
    channel = aio_channel(stack.grpc_addr)
    stub = grpc_predict_v2_pb2_grpc.GRPCInferenceServiceStub(channel)
    with pytest.raises(grpc.aio.AioRpcError) as exc:
        await stub.ModelInfer(rows_to_infer_request(rows, model_name="ghost"))
    assert exc.value.code() == grpc.StatusCode.NOT_FOUND
    await channel.close()
    with pytest.raises(grpc.aio.AioRpcError) as exc:
        await stack.deployments.Predict(
            dpb.PredictRequest(deployment_id="ghost", request=rows_to_infer_request(rows))
        )
    assert exc.value.code() == grpc.StatusCode.NOT_FOUND


async def test_deploying_an_unknown_version_names_model_and_version(stack: Any) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as exc:
        await stack.deployments.CreateDeployment(
            dpb.CreateDeploymentRequest(model_name="ghost", model_version=4)
        )
    assert exc.value.code() == grpc.StatusCode.NOT_FOUND
    assert "'ghost'" in (exc.value.details() or "") and "4" in (exc.value.details() or "")


@pytest.mark.parametrize("target", [MODEL_FILE, MANIFEST, "signature"])
async def test_tampered_or_unsigned_bundle_is_refused(
    stack: Any, fitted: FittedPipeline, rows: Rows, target: str
) -> None:
    if target == "signature":
        bundle = stack.write(fitted.to_files(), key=b"someone else's key")
    else:
        bundle = stack.write(fitted.to_files())
        path = stack.store.root / bundle.prefix / target
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))
    version = await stack.register("tampered", bundle)
    # The prediction server loads the bundle before the deployment exists: it is refused.
    with pytest.raises(grpc.aio.AioRpcError) as exc:
        await stack.deployments.CreateDeployment(
            dpb.CreateDeploymentRequest(model_name="tampered", model_version=version)
        )
    assert exc.value.code() == grpc.StatusCode.DATA_LOSS
    reply = await _rest_infer(stack, "tampered", rows)
    assert reply.status_code == 404


async def test_concurrent_first_requests_load_once(
    stack: Any, fitted: FittedPipeline, rows: Rows
) -> None:
    await _deploy(stack, fitted)
    replies = await asyncio.gather(*(_rest_infer(stack, "churn", rows) for _ in range(6)))
    assert [r.status_code for r in replies] == [200] * 6
    assert stack.predictor.models.loads == 1
    assert stack.predictor.models.loaded() == 1
    assert REGISTRY.get_sample_value("skyulf_predictor_loaded_models") == 1


async def test_redeploy_is_picked_up_and_delete_stops_serving(
    stack: Any, fitted: FittedPipeline, rows: Rows
) -> None:
    first = await _deploy(stack, fitted)
    assert (await _rest_infer(stack, "churn", rows)).json()["model_version"] == "1"
    await stack.deployments.DeleteDeployment(dpb.DeleteDeploymentRequest(deployment_id=first.id))
    await _deploy(stack, fitted)
    await asyncio.sleep(0.4)
    assert (await _rest_infer(stack, "churn", rows)).json()["model_version"] == "2"
    await stack.deployments.DeleteDeployment(dpb.DeleteDeploymentRequest(deployment_id="churn"))
    await asyncio.sleep(0.4)
    assert (await _rest_infer(stack, "churn", rows)).status_code == 404


async def test_health_and_metadata_endpoints(stack: Any, fitted: FittedPipeline) -> None:
    await _deploy(stack, fitted)
    async with httpx.AsyncClient(
        base_url=stack.rest_url, headers=dict(outgoing_metadata())
    ) as client:
        assert (await client.get("/v2/health/live")).json() == {"live": True}
        for _ in range(50):
            ready = await client.get("/v2/health/ready")
            if ready.status_code == 200:
                break
            await asyncio.sleep(0.1)
        assert ready.json() == {"ready": True}
        assert (await client.get("/v2")).json()["name"] == "skyulf"
        meta = (await client.get("/v2/models/churn")).json()
        assert meta["versions"] == ["1"]
        assert {i["name"]: i["datatype"] for i in meta["inputs"]} == {
            "age": "FP64",
            "income": "FP64",
            "city": "BYTES",
        }
        assert meta["outputs"][1]["shape"] == [-1, 2]
        ready_model = await client.get("/v2/models/churn/versions/1/ready")
        assert ready_model.json() == {"name": "churn", "ready": True}
        assert (await client.get("/v2/models/ghost/ready")).status_code == 404


async def test_an_oversized_body_is_413_before_it_is_read(stack: Any) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"inputs": [{"name": "age", "datatype": "BYTES", "shape": [1], "data": ["'
        for _ in range(64):
            yield b"a" * 4_096
        yield b'"]}]}'

    async with httpx.AsyncClient(
        base_url=stack.rest_url, headers=dict(outgoing_metadata())
    ) as client:
        replies = [
            # Chunked, without Content-Length: counted as it arrives.
            await client.post("/v2/models/churn/infer", content=chunks()),
            await client.post("/v2/models/churn/infer", content=b"x" * (PREDICT_BODY_LIMIT + 1)),
        ]
    for reply in replies:
        assert reply.status_code == 413, reply.text
        error = reply.json()["error"]
        assert error["code"] == "PAYLOAD_TOO_LARGE"
        assert error["details"] == {"field": "body", "limit_bytes": PREDICT_BODY_LIMIT}
