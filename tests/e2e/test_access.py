"""Access on the running platform: every method of every gRPC service refuses a call without a
service credential, and the prediction server takes API keys with the predict scope only."""

from __future__ import annotations

import importlib
import pkgutil
import time
from collections.abc import Iterator
from typing import Any

import grpc
import httpx
import pytest

import inference
import skyulf
from inference import grpc_predict_v2_pb2, grpc_predict_v2_pb2_grpc
from skyulf_platform.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.stacks("real-parts")]


def _grpc_services() -> Iterator[tuple[str, Any]]:
    """(module package, service descriptor) of every service in the generated stubs."""
    for pkg in (skyulf, inference):
        for mod in pkgutil.walk_packages(pkg.__path__, f"{pkg.__name__}."):
            if not mod.name.endswith("_pb2") or mod.name.endswith("_grpc"):
                continue
            module = importlib.import_module(mod.name)
            for service in module.DESCRIPTOR.services_by_name.values():
                yield module.DESCRIPTOR.package, service


def _port(stack: Stack, package: str, service: str) -> int:
    """Where a service runs. A service this cannot place fails the test: a new one must be
    added here, and so gets checked."""
    if service in ("inference.GRPCInferenceService", "skyulf.deployment.v1.PredictorService"):
        return stack.ports.predictor_grpc
    name = package.split(".")[1] if package.startswith("skyulf.") else ""
    assert name in stack.ports.grpc, f"no process serves {service}: map it in this test"
    return stack.ports.grpc[name]


def _call(channel: grpc.Channel, path: str, method: Any, metadata: Any = None) -> grpc.StatusCode:
    identity = bytes  # an empty message is a valid encoding of every request type
    kw: dict[str, Any] = {"request_serializer": identity, "response_deserializer": identity}
    try:
        if method.client_streaming and method.server_streaming:
            list(channel.stream_stream(path, **kw)(iter([b""]), timeout=10, metadata=metadata))
        elif method.client_streaming:
            channel.stream_unary(path, **kw)(iter([b""]), timeout=10, metadata=metadata)
        elif method.server_streaming:
            list(channel.unary_stream(path, **kw)(b"", timeout=10, metadata=metadata))
        else:
            channel.unary_unary(path, **kw)(b"", timeout=10, metadata=metadata)
    except grpc.RpcError as e:
        return e.code()  # type: ignore[no-any-return,attr-defined]
    return grpc.StatusCode.OK


def test_every_grpc_method_refuses_a_call_without_credentials(stack: Stack) -> None:
    checked: list[str] = []
    forged = (("authorization", "Bearer skyulf-svc.v1.gateway.9999999999.00ff"),)
    for package, service in _grpc_services():
        port = _port(stack, package, service.full_name)
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            for method in service.methods:
                path = f"/{service.full_name}/{method.name}"
                for metadata in (None, forged):
                    code = _call(channel, path, method, metadata)
                    assert code == grpc.StatusCode.UNAUTHENTICATED, (path, code)
                checked.append(path)
    assert len(checked) > 40, checked
    # Health stays public (probes speak no Skyulf).
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    with grpc.insecure_channel(f"127.0.0.1:{stack.ports.grpc['registry']}") as channel:
        reply = health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service=""), timeout=10
        )
        assert reply.status == health_pb2.HealthCheckResponse.SERVING


def test_a_service_credential_opens_the_services(stack: Stack) -> None:
    credentials = stack.service_credentials()
    metadata = (("authorization", f"Bearer {credentials.mint()}"),)
    with grpc.insecure_channel(f"127.0.0.1:{stack.ports.predictor_grpc}") as channel:
        stub = grpc_predict_v2_pb2_grpc.GRPCInferenceServiceStub(channel)
        live = stub.ServerLive(grpc_predict_v2_pb2.ServerLiveRequest(), metadata=metadata)
        assert live.live
        # Expired tokens are refused.
        old = (("authorization", f"Bearer {credentials.mint(now=time.time() - 3600)}"),)
        with pytest.raises(grpc.RpcError) as err:
            stub.ServerLive(grpc_predict_v2_pb2.ServerLiveRequest(), metadata=old)
        assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED


def _key(api: httpx.Client, scopes: list[str]) -> tuple[str, str]:
    resp = api.post("/api-keys", json={"name": f"e2e {'+'.join(scopes)}", "scopes": scopes})
    assert resp.status_code == 201, resp.text
    return resp.json()["id"], resp.json()["key"]


def test_the_prediction_server_takes_api_keys_with_the_predict_scope(
    stack: Stack, api: httpx.Client
) -> None:
    predict_id, predict_key = _key(api, ["predict"])
    _, read_key = _key(api, ["read"])
    rest = f"{stack.predictor_url}/v2"

    def get(key: str | None) -> int:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.get(rest, headers=headers, timeout=10).status_code

    assert httpx.get(f"{rest}/health/ready", timeout=10).status_code == 200
    assert get(None) == 401
    assert get("sky_not-a-key") == 401
    assert get(read_key) == 403
    assert get(predict_key) == 200
    with grpc.insecure_channel(f"127.0.0.1:{stack.ports.predictor_grpc}") as channel:
        stub = grpc_predict_v2_pb2_grpc.GRPCInferenceServiceStub(channel)
        request = grpc_predict_v2_pb2.ServerLiveRequest()
        assert stub.ServerLive(request, metadata=(("authorization", f"Bearer {predict_key}"),)).live
        with pytest.raises(grpc.RpcError) as err:
            stub.ServerLive(request, metadata=(("authorization", f"Bearer {read_key}"),))
        assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
        assert "predict" in (err.value.details() or "")
        with pytest.raises(grpc.RpcError) as err:
            stub.ServerLive(request, metadata=(("authorization", "Bearer sky_not-a-key"),))
        assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED
        # A predict key reaches inference only, never the prediction server's control methods.
        from skyulf.deployment.v1 import deployment_pb2

        control = deployment_pb2.DESCRIPTOR.services_by_name["PredictorService"]
        auth = (("authorization", f"Bearer {predict_key}"),)
        for method in control.methods:
            path = f"/{control.full_name}/{method.name}"
            assert _call(channel, path, method, auth) == grpc.StatusCode.UNAUTHENTICATED, path
    # Revoked: refused once the predictor's short cache of the answer runs out.
    assert api.delete(f"/api-keys/{predict_id}").status_code == 200
    deadline = time.monotonic() + 20
    while get(predict_key) != 401:
        assert time.monotonic() < deadline, "a revoked key still predicts after 20 s"
        time.sleep(0.5)
