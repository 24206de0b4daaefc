"""Access on the running platform: every method of every gRPC service refuses a call without a
service credential, the prediction server takes API keys with the predict scope only, and
projects keep every kind of resource of one team out of another's sight."""

from __future__ import annotations

import importlib
import pkgutil
import secrets
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import boto3
import grpc
import httpx
import pytest
from sqlalchemy.engine import make_url

import inference
import skyulf
from inference import grpc_predict_v2_pb2, grpc_predict_v2_pb2_grpc
from skyulf_platform.stack import Stack, free_port

from .helpers import upload, wait_for

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


def _s3(env: dict[str, str]) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=env["SKYULF_S3_ENDPOINT_URL"],
        aws_access_key_id=env["SKYULF_S3_ACCESS_KEY"],
        aws_secret_access_key=env["SKYULF_S3_SECRET_KEY"],
        region_name=env["SKYULF_S3_REGION"],
    )


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


def test_no_secret_reaches_a_log_or_a_response(
    stack: Stack, api: httpx.Client, churn_csv: bytes, trained_pair: dict[str, Any]
) -> None:
    """A full run (sources with credentials, upload, training, deployment, predictions, and
    failures on the way) with canary secrets: none of them is in any process's log or in any
    response body, save the one that shows a new API key once."""
    env = dict(stack.env)
    # The module runs on the real-parts stack, which holds every kind of secret.
    assert "SKYULF_S3_SECRET_KEY" in env, "the canary run needs the real-parts stack"
    sql_password = "canary-sql-" + secrets.token_hex(8)
    http_token = "canary-http-" + secrets.token_hex(8)
    key_id, key = _key(api, ["read", "write", "predict"])
    canaries = {
        "signing key": env.get("SKYULF_BUNDLE_SIGNING_KEY")
        or (stack.data_dir / "signing.key").read_text().strip(),
        "bootstrap API key": str(stack.api_key),
        "API key": key,
        "SQL password": sql_password,
        "HTTP source token": http_token,
    }
    canaries["S3 secret key"] = env["SKYULF_S3_SECRET_KEY"]
    bodies: list[str] = []

    def keep(response: httpx.Response) -> None:
        response.read()
        bodies.append(f"{response.request.method} {response.request.url}: {response.text}")

    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(
        base_url=f"{stack.url}/api/v1",
        headers=headers,
        timeout=60,
        event_hooks={"response": [keep]},
    ) as client:
        # Sources whose credentials fail, and one that reads (PostgreSQL, S3 with real parts).
        unreachable = f"postgresql://reader:{sql_password}@127.0.0.1:{free_port()}/shop"
        sources: list[dict[str, Any]] = [
            {"kind": "sql", "url": unreachable, "table": "orders"},
            {
                "kind": "http",
                "url": "http://127.0.0.1:9/items",
                "auth_header_name": "Authorization",
                "auth_header_value": http_token,
            },
        ]
        url = make_url(env["SKYULF_DATABASE_URL"]).set(password=sql_password)
        query = "SELECT nspname, oid::int AS id FROM pg_catalog.pg_namespace"
        sources.append({"kind": "sql", "url": url.render_as_string(False), "query": query})
        bucket = urlsplit(env["SKYULF_ARTIFACT_URL"]).netloc
        _s3(env).put_object(Bucket=bucket, Key="canary/churn.csv", Body=churn_csv)
        sources.append({"kind": "s3", "uri": f"s3://{bucket}/canary/churn.csv"})
        outcomes = []
        for source in sources:
            resp = client.post("/datasets/sources", json={"name": "canary", "source": source})
            if resp.status_code == 201:
                done = wait_for(client, f"/datasets/{resp.json()['id']}", {"READY", "FAILED"})
                outcomes.append(done["status"])
            else:
                outcomes.append(str(resp.status_code))
        # The database and the S3 object were read with the secrets: they were used, not idle.
        assert outcomes == ["FAILED", "400", "READY", "READY"], outcomes
        # The shared pair of models was trained on this stack (the signing key and the S3
        # secret in use); here an upload, a deployment of one of them and predictions.
        uploaded = upload(client, "churn.csv", churn_csv).json()
        dataset = wait_for(client, f"/datasets/{uploaded['id']}", {"READY", "FAILED"})
        assert dataset["status"] == "READY", dataset
        model = trained_pair["spare"]["name"]
        job = {"id": trained_pair["spare"]["lineage"]["job_id"]}
        deployment = client.post("/deployments", json={"model_name": model}).json()
        rows = [
            {"age": 30, "income": 5e4, "tenure_months": 3, "monthly_spend": 20.5}
            | {"city": "Phoenix", "plan_type": "basic"}
        ]
        resp = client.post(f"/deployments/{deployment['id']}/predict", json={"rows": rows})
        assert resp.status_code == 200, resp.text
        client.get(f"/jobs/{job['id']}/export.py")
        client.get(f"/datasets/{dataset['id']}/export", params={"format": "csv"})
        client.get("/api-keys")
        # Refused calls, on the gateway and the prediction server.
        client.get("/datasets", headers={"Authorization": f"Bearer {key}x"})
        predictor = f"{stack.predictor_url}/v2/models/{model}"
        client.get(predictor, headers={"Authorization": "Bearer x"})
        client.get(predictor)
        client.post(f"{predictor}/infer", json={"inputs": []})
    assert api.delete(f"/api-keys/{key_id}").status_code == 200
    time.sleep(1.0)  # the last log lines are written
    logs = sorted(p for p in (stack.log_dir or stack.data_dir / "logs").rglob("*") if p.is_file())
    assert logs, "no log files"
    assert len(bodies) > 15, len(bodies)
    for what, canary in canaries.items():
        assert len(canary) >= 16, what
        for path in logs:
            assert canary not in path.read_text(errors="replace"), f"the {what} is in {path}"
        for text in bodies:
            assert canary not in text, f"the {what} is in the answer to {text[:200]}"


def _member(stack: Stack, api: httpx.Client, username: str, project: str) -> httpx.Client:
    """A signed-in editor who is a member of ``project`` only."""
    password = "correct horse battery"
    made = api.post("/users", json={"username": username, "password": password, "role": "editor"})
    assert made.status_code == 201, made.text
    uid = made.json()["id"]
    assert api.post(f"/projects/{project}/members", json={"user_id": uid}).status_code == 201
    assert api.delete(f"/projects/default/members/{uid}").status_code == 200
    client = httpx.Client(base_url=f"{stack.url}/api/v1", timeout=60.0)
    login = client.post("/auth/login", json={"username": username, "password": password})
    assert login.status_code == 200, login.text
    client.headers["X-CSRF-Token"] = login.json()["csrf_token"]
    return client


def test_projects_keep_every_kind_of_resource_apart(
    stack: Stack, api: httpx.Client, churn_csv: bytes
) -> None:
    from .helpers import SLICE_GRAPH, upload, wait_for

    suffix = uuid.uuid4().hex[:8]
    red_project, blue_project = f"red-{suffix}", f"blue-{suffix}"
    for name in (red_project, blue_project):
        assert api.post("/projects", json={"name": name}).status_code == 201
    red = _member(stack, api, f"red-{suffix}", red_project)
    blue = _member(stack, api, f"blue-{suffix}", blue_project)
    assert [p["name"] for p in red.get("/projects").json()["projects"]] == [red_project]

    # Red's team makes one of everything, in its own project (its default).
    made = upload(red, "churn.csv", churn_csv)
    assert made.status_code == 201, made.text
    dataset = wait_for(red, f"/datasets/{made.json()['id']}", {"READY", "FAILED"})
    assert dataset["status"] == "READY"
    pipeline = red.post("/pipelines", json={"name": "churn", "graph": SLICE_GRAPH}).json()
    model = f"churn-{suffix}"
    made = red.post(
        "/jobs", json={"dataset_id": dataset["id"], "graph": SLICE_GRAPH, "model_name": model}
    )
    assert made.status_code == 201, made.text
    job = wait_for(red, f"/jobs/{made.json()['id']}", {"SUCCEEDED", "FAILED"}, timeout=240)
    assert job["status"] == "SUCCEEDED", job["error"]
    made = red.post("/deployments", json={"model_name": model, "model_version": 1})
    assert made.status_code == 201, made.text
    endpoint = made.json()
    batch = red.post(
        "/batch-jobs", json={"deployment_id": endpoint["id"], "dataset_id": dataset["id"]}
    )
    assert batch.status_code == 201, batch.text
    drift = red.post(f"/deployments/{endpoint['id']}/drift", json={"dataset_id": dataset["id"]})
    assert drift.status_code == 201, drift.text
    row = {
        "customer_id": 9001,
        "age": 41.0,
        "income": 52000.0,
        "tenure_months": 3,
        "city": "Phoenix",
        "signup_date": "2023-02-01",
        "lat": 33.4,
        "lon": -112.0,
        "plan_type": "basic",
        "monthly_spend": 25.5,
    }
    predicted = red.post(f"/deployments/{endpoint['id']}/predict", json={"rows": [row]})
    assert predicted.status_code == 200, predicted.text
    # At once, while the gateway and the deployment service still hold red's endpoint.
    stolen = blue.post(f"/deployments/{endpoint['id']}/predict", json={"rows": [row]})
    assert stolen.status_code == 404 and endpoint["name"] not in stolen.text, stolen.text
    red_key = red.post("/api-keys", json={"name": "red scorer", "scopes": ["predict"]}).json()
    blue_key = blue.post("/api-keys", json={"name": "blue scorer", "scopes": ["predict"]}).json()
    assert red_key["project"] == red_project and blue_key["project"] == blue_project

    # Blue's team sees none of it: empty lists, and 404 for every id, as for a missing one.
    for path, field in (
        ("/datasets", "datasets"),
        ("/pipelines", "pipelines"),
        ("/jobs", "jobs"),
        ("/models", "models"),
        ("/deployments", "deployments"),
        ("/batch-jobs", "jobs"),
    ):
        listed = blue.get(path)
        assert listed.status_code == 200 and listed.json()[field] == [], (path, listed.text)
    assert blue.get("/models/versions", params={"name": model}).json()["versions"] == []
    ids = {
        "dataset": dataset["id"],
        "pipeline": pipeline["id"],
        "job": job["id"],
        "endpoint": endpoint["id"],
        "batch": batch.json()["id"],
        "drift": drift.json()["id"],
    }
    refused = [
        blue.get(f"/datasets/{ids['dataset']}"),
        blue.get(f"/datasets/{ids['dataset']}/rows"),
        blue.post(f"/datasets/{ids['dataset']}/versions", files={"file": ("c.csv", churn_csv)}),
        blue.get(f"/pipelines/{ids['pipeline']}"),
        blue.put(f"/pipelines/{ids['pipeline']}", json={"name": "mine", "graph": SLICE_GRAPH}),
        blue.delete(f"/pipelines/{ids['pipeline']}"),
        blue.get(f"/jobs/{ids['job']}"),
        blue.post(f"/jobs/{ids['job']}/cancel"),
        blue.post(f"/jobs/{ids['job']}/retry"),
        blue.get(f"/models/{model}/versions/1"),
        blue.patch(f"/models/{model}/versions/1", json={"description": "mine"}),
        blue.delete(f"/models/{model}/versions/1"),
        blue.get(f"/deployments/{ids['endpoint']}"),
        blue.patch(f"/deployments/{ids['endpoint']}", json={"model_version": 1}),
        blue.delete(f"/deployments/{ids['endpoint']}"),
        blue.post(f"/deployments/{ids['endpoint']}/predict", json={"rows": [row]}),
        blue.get(f"/deployments/{ids['endpoint']}/drift"),
        blue.get(f"/deployments/{ids['endpoint']}/drift/{ids['drift']}"),
        blue.get(f"/batch-jobs/{ids['batch']}"),
        blue.get("/datasets", headers={"X-Skyulf-Project": red_project}),
    ]
    for resp in refused:
        assert resp.status_code == 404, (resp.request.method, resp.request.url, resp.text)
    assert (
        blue.get("/datasets", headers={"X-Skyulf-Project": red_project}).json()["error"]["message"]
        == "project not found"
    )

    # The prediction server: a key of one project reaches that project's endpoints only.
    infer = f"{stack.predictor_url}/v2/models/{endpoint['name']}/infer"
    inputs = [
        {
            "name": k,
            "shape": [1],
            "datatype": "BYTES" if isinstance(v, str) else "FP64",
            "data": [v],
        }
        for k, v in row.items()
    ]
    body = {"inputs": inputs, "parameters": {"content_type": "pd"}}
    for key, status in ((red_key["key"], 200), (blue_key["key"], 404)):
        answer = httpx.post(
            infer, json=body, headers={"Authorization": f"Bearer {key}"}, timeout=30
        )
        assert answer.status_code == status, answer.text
    # Red still has all of it.
    assert red.get(f"/pipelines/{ids['pipeline']}").json()["name"] == "churn"
    assert red.get(f"/deployments/{ids['endpoint']}").json()["status"] == "ACTIVE"
    red.close()
    blue.close()
