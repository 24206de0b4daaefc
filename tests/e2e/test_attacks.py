"""Attacks on the running platform, each refused: a pickle uploaded as a dataset, a tampered
bundle in the artifact store, path traversal in every name and key a user controls, SSRF through
the HTTP source, SQL injection in names, filters and the SQL source, a catastrophic regular
expression. Each test fails if the protection it names is taken away."""

from __future__ import annotations

import os
import pickle
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import boto3
import httpx
import pytest

from skyulf_platform.stack import Stack

from .helpers import SLICE_GRAPH, upload, wait_for

pytestmark = pytest.mark.e2e

# Spellings of "up and out" (and of absolute paths) that filters have been known to miss.
TRAVERSALS = [
    "../../../../../../{escape}",
    "..%2f..%2f..%2fetc%2fpasswd",
    "%2e%2e/%2e%2e/etc/passwd",
    "..\\..\\..\\windows\\win.ini",
    "/etc/passwd",
    "C:\\Windows\\win.ini",
    "evil\x00.csv",
    "\uff0e\uff0e/\uff0e\uff0e/etc/passwd",
    "%252e%252e%252fetc%252fpasswd",
    "....//....//etc/passwd",
    "..;/..;/etc/passwd",
    "%c0%ae%c0%ae/etc/passwd",
    "..%5c..%5cetc%5cpasswd",
    "\u2025/etc/passwd",
    "~/../../etc/passwd",
    "file:///etc/passwd",
]
SQL_INJECTIONS = [
    "' OR '1'='1",
    "'; DROP TABLE datasets; --",
    '" OR ""="',
    "1) OR (1=1",
    "%",
    "' UNION SELECT password_hash FROM users --",
    "1; SELECT pg_sleep(5)--",
]


class Evil:
    """Unpickling this touches ``path``: the sentinel that shows whether anything unpickled it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Callable[..., Any], tuple[str]]:
        return (os.system, (f"touch {self.path}",))


def _envelope(resp: httpx.Response, *statuses: int) -> dict[str, Any]:
    assert resp.status_code in statuses, (resp.status_code, resp.text[:300])
    error: dict[str, Any] = resp.json()["error"]
    assert set(error) == {"code", "message", "details"}, error
    return error


@pytest.fixture(scope="module")
def victim(trained_pair: dict[str, Any]) -> dict[str, Any]:
    """A READY dataset and a registered model, ``attack-victim`` v1, never deployed: the last
    test spoils its bundle."""
    return {"dataset": trained_pair["dataset"], "version": trained_pair["victim"]}


def test_a_pickle_upload_is_refused_unread(api: httpx.Client, tmp_path: Path) -> None:
    sentinel = tmp_path / "unpickled"
    evil = pickle.dumps(Evil(sentinel))
    dataset = upload(api, "plain.csv", b"a,b\n1,2\n").json()["id"]
    for name in ("evil.pkl", "evil.pickle", "evil.joblib", "evil.npy", "evil.pt", "evil"):
        for path in ("/datasets", f"/datasets/{dataset}/versions"):
            resp = api.post(path, files={"file": (name, evil, "application/octet-stream")})
            error = _envelope(resp, 415)
            assert error["code"] == "UNSUPPORTED_MEDIA_TYPE"
            assert error["details"]["file"] == name
    # Named as a table, it is read as one (and is not one): nothing unpickles it either.
    for name in ("evil.csv", "evil.parquet", "evil.json", "evil.xlsx"):
        resp = api.post("/datasets", files={"file": (name, evil, "text/csv")})
        assert _envelope(resp, 400)["details"]["file"] == name
    time.sleep(1.0)  # anything queued has had its time to run
    assert not sentinel.exists()


def test_path_traversal_in_every_name_and_key(
    stack: Stack, api: httpx.Client, victim: dict[str, Any], tmp_path: Path
) -> None:
    dataset = victim["dataset"]["id"]
    escape = tmp_path / "escaped"
    refused = 0
    for spelling in TRAVERSALS:
        value = spelling.format(escape=str(escape).lstrip("/"))
        segment = quote(value, safe="")
        # An uploaded file's name: reduced to a plain base name, or refused.
        resp = upload(api, value + ".csv", b"a,b\n1,2\n")
        if resp.status_code == 201:
            name = resp.json()["source_filename"]
            assert "/" not in name and "\\" not in name and name not in (".", ".."), name
        else:
            _envelope(resp, 400)
        # Names that become keys in the artifact store or the registry: refused outright.
        for resp in (
            api.post(
                "/jobs", json={"dataset_id": dataset, "graph": SLICE_GRAPH, "model_name": value}
            ),
            api.post("/deployments", json={"model_name": value}),
            api.post("/deployments", json={"model_name": "attack-victim", "name": value}),
            api.get(f"/datasets/{dataset}/export", params={"format": value}),
            api.post(
                "/datasets/sources",
                json={"source": {"kind": "sql", "url": f"sqlite:///{value}", "table": "t"}},
            ),
        ):
            assert _envelope(resp, 400)["details"].get("field"), resp.text
            refused += 1
        # Names in the path: not found (or not a name), never a file.
        for resp in (
            api.get(f"/models/{segment}/versions"),
            api.put(f"/models/attack-victim/aliases/{segment}", json={"version": 1}),
            api.get(f"/datasets/{segment}/export", params={"format": "csv"}),
            api.get(f"/jobs/{segment}/export.py"),
            api.get(f"/datasets/{segment}/rows"),
        ):
            _envelope(resp, 400, 404)
            assert "root:" not in resp.text
            refused += 1
        # An S3 key is taken as a literal key of the bucket (there is no "up" in S3), or refused.
        resp = api.post(
            "/datasets/sources", json={"source": {"kind": "s3", "uri": f"s3://bucket/{value}"}}
        )
        assert resp.status_code in (201, 400, 415), resp.text
    assert refused == 10 * len(TRAVERSALS)
    assert not escape.exists() and not escape.with_suffix(".csv").exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://2852039166/latest/meta-data/",
        "http://0xa9fea9fe/",
        "http://0251.0376.0251.0376/",
        "http://[::ffff:a9fe:a9fe]/",
        "http://127.1/",
        "http://0x7f000001/",
        "http://017700000001/",
        "http://[::1]/",
        "http://[64:ff9b::7f00:1]/",
        "http://localhost/",
        "http://0/",
    ],
)
def test_ssrf_through_the_http_source_is_refused(api: httpx.Client, url: str) -> None:
    resp = api.post("/datasets/sources", json={"source": {"kind": "http", "url": url}})
    error = _envelope(resp, 400)
    assert "internal address" in error["message"] and error["details"]["field"] == "url"


def test_sql_injection_in_names_filters_and_the_sql_source(
    stack: Stack, api: httpx.Client, victim: dict[str, Any]
) -> None:
    datasets = api.get("/datasets", params={"limit": 1}).json()["total"]
    for attack in SQL_INJECTIONS:
        # Filters are bound parameters (and LIKE wildcards escaped): they match nothing.
        resp = api.get("/models/versions", params={"name_contains": attack})
        assert resp.status_code == 200 and resp.json()["versions"] == [], resp.text
        assert api.get("/batch-jobs", params={"model_name": attack}).json()["jobs"] == []
        for resp in (
            api.get("/models/versions", params={"tag": attack}),
            api.get("/models/versions", params={"metric": attack, "min_metric": 0}),
            api.get(f"/datasets/{victim['dataset']['id']}/target", params={"target": attack}),
            api.get(f"/models/{quote(attack, safe='')}/versions"),
            api.get(f"/deployments/{quote(attack, safe='')}"),
        ):
            assert resp.status_code < 500, resp.text
            if resp.status_code >= 400:
                _envelope(resp, 400, 404)
        # Names are checked, never spliced into SQL.
        _envelope(api.post("/deployments", json={"model_name": attack}), 400)
        # The SQL source: a table is a plain name, a query a single statement that only reads.
        for source in (
            {"kind": "sql", "url": "sqlite:////nonexistent.db", "table": attack},
            {"kind": "sql", "url": "sqlite:////nonexistent.db", "query": f"SELECT 1; {attack}"},
            {"kind": "sql", "url": "sqlite:////x.db", "query": "DELETE FROM users"},
            {
                "kind": "sql",
                "url": "sqlite:////x.db",
                "query": "WITH d AS (DELETE FROM t) SELECT 1",
            },
        ):
            field = _envelope(api.post("/datasets/sources", json={"source": source}), 400)
            assert field["details"]["field"] in ("table", "query", "url"), field
    # Nothing was dropped or added, and the accounts still work.
    assert api.get("/datasets", params={"limit": 1}).json()["total"] == datasets
    assert api.get("/auth/me").status_code == 200
    assert api.get("/models/attack-victim/versions").status_code == 200


def test_a_catastrophic_regex_fails_the_preview_in_time(api: httpx.Client) -> None:
    notes = b"note,y\n" + b"".join(b"%s!,%d\n" % (b"a" * 40, i % 2) for i in range(30))
    resp = upload(api, "redos.csv", notes)
    assert resp.status_code == 201, resp.text
    dataset = wait_for(api, f"/datasets/{resp.json()['id']}", {"READY", "FAILED"})

    def graph(op: dict[str, str]) -> dict[str, Any]:
        params = {"columns": ["note"], "operations": [op]}
        return {"nodes": [{"id": "clean", "type": "TextCleaning", "params": params}]}

    redos = {"op": "regex", "mode": "custom", "pattern": "(a|aa)+$"}
    started = time.monotonic()
    resp = api.post("/pipelines/preview", json={"dataset_id": dataset["id"], "graph": graph(redos)})
    elapsed = time.monotonic() - started
    error = _envelope(resp, 400)
    assert error["details"]["node"] == "clean", error
    assert error["details"]["field"] == "operations.0.pattern", error
    assert "longer than" in error["message"]
    assert elapsed < 20, elapsed
    # A replacement that names a group the pattern lacks: refused by validation, before any row.
    bad = {"op": "regex", "mode": "custom", "pattern": "(a)", "replacement": "\\2"}
    body = {"dataset_id": dataset["id"], "graph": graph(bad), "partial": True}
    result = api.post("/pipelines/validate", json=body).json()
    assert not result["valid"]
    assert [(e["node_id"], e["field"]) for e in result["errors"]] == [
        ("clean", "operations.0.replacement")
    ]
    resp = api.post("/pipelines/preview", json={"dataset_id": dataset["id"], "graph": graph(bad)})
    assert "operations.0.replacement" in _envelope(resp, 400)["message"]


# Last: it spoils the victim's bundle.
def _artifacts(stack: Stack) -> tuple[Callable[[str], bytes], Callable[[str, bytes], None]]:
    """Read and write an object of the platform's artifact store by URI (a folder or S3)."""
    env = dict(stack.env)
    if not env.get("SKYULF_ARTIFACT_URL", "").startswith("s3://"):
        return (
            lambda uri: Path(urlsplit(uri).path).read_bytes(),
            lambda uri, data: Path(urlsplit(uri).path).write_bytes(data) and None,
        )
    s3 = boto3.client(
        "s3",
        endpoint_url=env["SKYULF_S3_ENDPOINT_URL"],
        aws_access_key_id=env["SKYULF_S3_ACCESS_KEY"],
        aws_secret_access_key=env["SKYULF_S3_SECRET_KEY"],
        region_name=env["SKYULF_S3_REGION"],
    )

    def split(uri: str) -> tuple[str, str]:
        parts = urlsplit(uri)
        return parts.netloc, parts.path.lstrip("/")

    def read(uri: str) -> bytes:
        bucket, key = split(uri)
        return bytes(s3.get_object(Bucket=bucket, Key=key)["Body"].read())

    def write(uri: str, data: bytes) -> None:
        bucket, key = split(uri)
        s3.put_object(Bucket=bucket, Key=key, Body=data)

    return read, write


def test_a_tampered_bundle_is_refused_and_never_unpickled(
    stack: Stack, api: httpx.Client, victim: dict[str, Any], tmp_path: Path
) -> None:
    read, write = _artifacts(stack)
    bundle = victim["version"]["bundle_uri"].rstrip("/")
    sentinel = tmp_path / "unpickled"
    # The model file swapped for a pickle that runs a command when loaded.
    write(f"{bundle}/model.joblib", pickle.dumps(Evil(sentinel)))
    resp = api.post("/deployments", json={"model_name": "attack-victim", "name": "tampered"})
    error = _envelope(resp, 500)
    assert error["code"] == "DATA_LOSS"
    assert "model.joblib does not match its recorded checksum" in error["message"]
    # One flipped byte of the signed manifest: its signature no longer holds.
    manifest = bytearray(read(f"{bundle}/manifest.json"))
    manifest[len(manifest) // 2] ^= 0x01
    write(f"{bundle}/manifest.json", bytes(manifest))
    resp = api.post("/deployments", json={"model_name": "attack-victim", "name": "tampered"})
    assert _envelope(resp, 500)["code"] == "DATA_LOSS"
    assert all(d["name"] != "tampered" for d in api.get("/deployments").json()["deployments"])
    assert not sentinel.exists()
