"""Property-based tests of the gateway's OpenAPI document against the running platform.

Schemathesis generates requests for every operation from ``/openapi.json`` (valid ones and ones
that break the schema) and checks each answer: never a 5xx, the status and body the document
declares, and every 4xx in the one error envelope. Real ids (a READY dataset, a finished job, a
registered model, two deployments) are swapped into half of the generated requests so that the
cases reach the services' code, not only the gateway's 404s. Afterwards the platform must still be
healthy, with nothing stuck half-done.
"""

from __future__ import annotations

import time
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from skyulf_errors import ErrorCode
from skyulf_gateway.app import create_app
from skyulf_gateway.settings import GatewaySettings
from skyulf_platform.stack import Ports, Stack

from .helpers import wait_for

pytestmark = pytest.mark.e2e

DATA = Path(__file__).resolve().parents[1] / "data"
MAX_EXAMPLES = 15
# Generated requests sent, by the schemathesis test (all operations together).
CASES_SENT: list[str] = []

FUZZ_GRAPH: dict[str, Any] = {
    "nodes": [
        {
            "id": "drop",
            "type": "DropMissingColumns",
            "params": {"columns": ["customer_id", "signup_date", "lat", "lon"]},
        },
        {"id": "split", "type": "TrainTestSplitter", "params": {"target_column": "churned"}},
        {
            "id": "impute",
            "type": "SimpleImputer",
            "params": {"strategy": "median", "columns": ["age", "income"]},
        },
        {"id": "onehot", "type": "OneHotEncoder", "params": {"columns": ["city", "plan_type"]}},
        {"id": "model", "type": "logistic_regression", "params": {}},
    ],
    "edges": [
        {"source": "drop", "target": "split"},
        {"source": "split", "target": "impute"},
        {"source": "impute", "target": "onehot"},
        {"source": "onehot", "target": "model"},
    ],
}


@pytest.fixture(scope="module")
def fuzz_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A platform of its own (embedded defaults): the fuzzer deletes deployments and uploads
    junk, which must not leak into the other end-to-end tests."""
    tmp = tmp_path_factory.mktemp("stack-fuzz")
    s = Stack(data_dir=tmp / "data", ports=Ports.free(), env={"SKYULF_LOG_FORMAT": "json"})
    try:
        with s.running(timeout=150):
            yield s
    except Exception:
        for name in s.procs:
            print(f"--- {name} log ---\n{s.log_tail(name, 60)}")
        raise
    unclean = s.unclean_exits()
    assert not unclean, {name: s.log_tail(name, 20) for name in unclean}


@pytest.fixture(scope="module")
def fuzz_api(fuzz_stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=f"{fuzz_stack.url}/api/v1", timeout=60.0, headers=fuzz_stack.auth_headers
    ) as client:
        yield client


@pytest.fixture(scope="module")
def seeded(fuzz_api: httpx.Client) -> dict[str, str]:
    """Real ids for the fuzzer: a READY dataset, a finished job, a model, two deployments (one
    to predict with, one to delete)."""
    csv = (DATA / "customers_15.csv").read_bytes()
    resp = fuzz_api.post("/datasets", files={"file": ("customers_15.csv", csv, "text/csv")})
    assert resp.status_code == 201, resp.text
    dataset = wait_for(fuzz_api, f"/datasets/{resp.json()['id']}", {"READY", "FAILED"})
    assert dataset["status"] == "READY", dataset
    resp = fuzz_api.post(
        "/jobs", json={"dataset_id": dataset["id"], "graph": FUZZ_GRAPH, "model_name": "fuzz"}
    )
    assert resp.status_code == 201, resp.text
    job = wait_for(fuzz_api, f"/jobs/{resp.json()['id']}", {"SUCCEEDED", "FAILED", "CANCELLED"})
    assert job["status"] == "SUCCEEDED", job
    ids = {"dataset_id": dataset["id"], "job_id": job["id"], "name": "fuzz", "version": "1"}
    for key, name in (("deployment_id", "fuzz-a"), ("doomed_deployment_id", "fuzz-b")):
        resp = fuzz_api.post("/deployments", json={"model_name": "fuzz", "name": name})
        assert resp.status_code == 201, resp.text
        ids[key] = resp.json()["id"]
    return ids


MODEL_INPUTS = ("age", "income", "city", "plan_type")


def _model_row(row: Any) -> Any:
    if not isinstance(row, dict) or not row:
        return row
    values = list(row.values())
    return {col: values[i % len(values)] for i, col in enumerate(MODEL_INPUTS)}


def _with_real_ids(case: schemathesis.Case, ids: dict[str, str]) -> schemathesis.Case:
    """The case with the seeded ids in place of generated ones. Bodies are only touched in
    positive cases, so that a negative case stays invalid."""
    case = case.derive()
    for key in case.path_parameters:
        if key == "deployment_id" and case.method.upper() == "DELETE":
            case.path_parameters[key] = ids["doomed_deployment_id"]
        elif key in ids:
            case.path_parameters[key] = ids[key]
    positive = case.meta is not None and case.meta.generation.mode.is_positive
    if positive and isinstance(case.body, dict):
        if "dataset_id" in case.body:
            case.body["dataset_id"] = ids["dataset_id"]
        if "model_name" in case.body and case.path.endswith("/deployments"):
            case.body["model_name"] = ids["name"]
        rows = case.body.get("rows")
        if case.path.endswith("/predict") and isinstance(rows, list):
            # The model's own columns, carrying the generated values: reaches the codec and model.
            case.body["rows"] = [_model_row(row) for row in rows]
    return case


@schemathesis.check
def error_envelope(ctx: Any, response: schemathesis.Response, case: schemathesis.Case) -> None:
    """Every 4xx/5xx body is ``{"error": {"code", "message", "details"}}`` with a known code."""
    if response.status_code < 400:
        return
    body = response.json()
    assert isinstance(body, dict) and set(body) == {"error"}, f"not the error envelope: {body!r}"
    err = body["error"]
    assert isinstance(err, dict) and set(err) == {"code", "message", "details"}, err
    assert err["code"] in {c.value for c in ErrorCode}, f"unknown error code {err['code']!r}"
    assert isinstance(err["message"], str) and err["message"], "the message is empty"
    assert isinstance(err["details"], dict), "details is not an object"


def _load_schema() -> schemathesis.BaseSchema:
    """The gateway's OpenAPI document, built by the same code that serves ``/openapi.json`` (the
    fuzz test checks that the served one is identical). Loaded at collection time so that every
    operation is a test of its own; schemathesis' fixture-based loader does not run on pytest 9."""
    config = schemathesis.Config.from_dict(
        {
            "seed": 20240601,
            "generation": {"deterministic": True, "max-examples": MAX_EXAMPLES},
            "request-timeout": 30,
        }
    )
    return schemathesis.openapi.from_dict(create_app(GatewaySettings()).openapi(), config=config)


schema = _load_schema()


@pytest.fixture(scope="module")
def served_schema(fuzz_stack: Stack) -> None:
    served = httpx.get(f"{fuzz_stack.url}/openapi.json", timeout=10).json()
    assert served == schema.raw_schema


@schema.parametrize()
@hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_and_never_fails(
    case: schemathesis.Case,
    fuzz_stack: Stack,
    seeded: dict[str, str],
    served_schema: None,
) -> None:
    # Half of the cases get the real ids, chosen by the case itself so that runs repeat.
    real_ids = zlib.crc32(repr((case.path_parameters, case.query, case.body)).encode()) % 2 == 0
    if real_ids:
        case = _with_real_ids(case, seeded)
    CASES_SENT.append(case.operation.label)
    case.call_and_validate(
        base_url=fuzz_stack.url,
        headers=fuzz_stack.auth_headers,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
            negative_data_rejection,
            error_envelope,
        ],
    )


# --------------------------------------------------------------------------- generated graphs
# and prediction bodies: shapes schemathesis does not reach (node parameters are free-form JSON
# to the gateway's schema), checked the same way: never a 5xx, every 4xx in the envelope.

FUZZ_COLUMNS = [
    "customer_id",
    "age",
    "income",
    "tenure_months",
    "city",
    "signup_date",
    "lat",
    "lon",
    "plan_type",
    "monthly_spend",
    "churned",
    "ghost",
]
GRAPH_EXAMPLES = 120
PREDICT_EXAMPLES = 150

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(FUZZ_COLUMNS),
)
_json = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _value_for(prop: dict[str, Any]) -> st.SearchStrategy[Any]:
    """A value for one parameter: mostly one its schema allows (so cases get past the schema
    check into the nodes), sometimes anything."""
    options = prop.get("anyOf", [prop])
    fitting: list[st.SearchStrategy[Any]] = []
    for option in options:
        if "enum" in option:
            fitting.append(st.sampled_from(option["enum"]))
        elif option.get("type") == "array":
            fitting.append(st.lists(st.sampled_from(FUZZ_COLUMNS), max_size=4))
            fitting.append(st.lists(_scalars, max_size=4))
        elif option.get("type") == "integer":
            fitting.append(st.integers(option.get("minimum", -5), option.get("maximum", 1_000)))
        elif option.get("type") == "number":
            fitting.append(st.floats(allow_nan=False, allow_infinity=False, width=32))
        elif option.get("type") == "string":
            fitting.append(st.sampled_from(FUZZ_COLUMNS) | st.text(max_size=10))
        elif option.get("type") in ("boolean", "null"):
            fitting.append(st.booleans() if option["type"] == "boolean" else st.none())
    return st.one_of(*fitting, _json) if fitting else _json


@st.composite
def _graphs(draw: st.DrawFn, catalog: list[dict[str, Any]]) -> dict[str, Any]:
    picked = draw(st.lists(st.sampled_from(catalog), min_size=1, max_size=5))
    nodes = []
    for i, node in enumerate(picked):
        props: dict[str, Any] = node["params_schema"].get("properties", {})
        names = draw(st.lists(st.sampled_from(sorted(props)), unique=True)) if props else []
        params = {name: draw(_value_for(props[name])) for name in names}
        nodes.append({"id": f"n{i}", "type": node["id"], "params": params})
    if draw(st.booleans()):  # mostly a chain, sometimes any edges (cycles, self-loops)
        ids = [n["id"] for n in nodes]
        edges = draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=6))
    else:
        edges = list(zip([n["id"] for n in nodes], [n["id"] for n in nodes][1:], strict=False))
    return {"nodes": nodes, "edges": [{"source": a, "target": b} for a, b in edges]}


def _refused_cleanly(resp: httpx.Response, statuses: list[int]) -> None:
    statuses.append(resp.status_code)
    assert resp.status_code < 500, (resp.status_code, resp.text[:500])
    if resp.status_code >= 400:
        error = resp.json()["error"]
        assert set(error) == {"code", "message", "details"} and error["message"], error


FUZZ_SETTINGS = hypothesis.settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[hypothesis.Phase.generate],
)


def test_generated_graphs_never_fail_validation_or_preview(
    fuzz_api: httpx.Client, seeded: dict[str, str]
) -> None:
    catalog = fuzz_api.get("/nodes").json()["nodes"]
    tried = [0]
    statuses: list[int] = []
    previews: list[int] = []

    @hypothesis.settings(FUZZ_SETTINGS, max_examples=GRAPH_EXAMPLES)
    @hypothesis.given(graph=_graphs(catalog), partial=st.booleans())
    def check(graph: dict[str, Any], partial: bool) -> None:
        tried[0] += 1
        body = {"graph": graph, "dataset_id": seeded["dataset_id"], "partial": partial}
        _refused_cleanly(fuzz_api.post("/pipelines/validate", json=body), statuses)
        preview = {"graph": graph, "dataset_id": seeded["dataset_id"], "rows": 5}
        _refused_cleanly(fuzz_api.post("/pipelines/preview", json=preview), previews)

    check()
    assert tried[0] == GRAPH_EXAMPLES
    # Cases reached the nodes: some previews ran, not only refusals at the door.
    print(
        "validate", sorted(Counter(statuses).items()), "preview", sorted(Counter(previews).items())
    )
    assert previews.count(200) > GRAPH_EXAMPLES // 10, Counter(previews)


_rows = st.lists(
    st.dictionaries(st.sampled_from([*MODEL_INPUTS, "ghost"]), _scalars, max_size=6)
    | st.fixed_dictionaries({c: _scalars for c in MODEL_INPUTS}),
    min_size=1,
    max_size=4,
)
_infer_inputs = st.lists(
    st.fixed_dictionaries(
        {
            "name": st.sampled_from([*MODEL_INPUTS, "ghost"]),
            "datatype": st.sampled_from(["BYTES", "FP64", "FP32", "INT64", "BOOL", "UINT8", "??"]),
            "shape": st.lists(st.integers(-2, 3), max_size=3),
            "data": st.lists(_scalars, max_size=4) | _json,
        }
    ),
    max_size=5,
)


def test_generated_prediction_bodies_never_fail(
    fuzz_stack: Stack, fuzz_api: httpx.Client, seeded: dict[str, str]
) -> None:
    tried = [0]
    statuses: list[int] = []
    infer = f"{fuzz_stack.predictor_url}/v2/models/{seeded['name']}/infer"

    @hypothesis.settings(FUZZ_SETTINGS, max_examples=PREDICT_EXAMPLES)
    @hypothesis.given(rows=_rows, inputs=_infer_inputs, parameters=_json)
    def check(rows: list[dict[str, Any]], inputs: list[dict[str, Any]], parameters: Any) -> None:
        tried[0] += 1
        predict = f"/deployments/{seeded['deployment_id']}/predict"
        _refused_cleanly(fuzz_api.post(predict, json={"rows": rows}), statuses)
        body = {"inputs": inputs, "parameters": parameters}
        _refused_cleanly(fuzz_api.post(infer, json=body), statuses)

    check()
    assert tried[0] == PREDICT_EXAMPLES
    print("prediction statuses", sorted(Counter(statuses).items()))
    assert statuses.count(200) > 0, Counter(statuses)


# Last: after everything above.
def test_platform_is_healthy_after_fuzzing(fuzz_stack: Stack, fuzz_api: httpx.Client) -> None:
    # Run on its own, the fuzzer sent nothing; after it, at least a thousand cases in all.
    operations = len(set(CASES_SENT))
    print(f"schemathesis: {len(CASES_SENT)} cases over {operations} operations")
    assert not CASES_SENT or len(CASES_SENT) >= 1_000, len(CASES_SENT)
    health = httpx.get(f"{fuzz_stack.url}/healthz", timeout=10).json()
    assert health == {"status": "ok", "services": dict.fromkeys(health["services"], "SERVING")}
    assert set(health["services"]) == {"ingestion", "pipeline", "registry", "deployment", "advisor"}
    # No process crashed (and was quietly replaced) along the way.
    assert all(p.poll() is None for p in fuzz_stack.procs.values())

    def unfinished() -> list[str]:
        stuck = []
        for path, key, busy in (
            ("/datasets", "datasets", {"PENDING"}),
            ("/jobs", "jobs", {"QUEUED", "RUNNING"}),
        ):
            offset = 0
            while True:
                page = fuzz_api.get(path, params={"limit": 500, "offset": offset}).json()
                stuck += [
                    f"{key[:-1]} {x['id']} {x['status']}" for x in page[key] if x["status"] in busy
                ]
                offset += len(page[key])
                if not page[key] or offset >= page["total"]:
                    break
        return stuck

    deadline = time.monotonic() + 60
    while (stuck := unfinished()) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not stuck, stuck
