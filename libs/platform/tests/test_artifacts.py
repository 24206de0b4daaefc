"""Every artifact backend keeps the same contract: local folder and a real S3 server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skyulf_core.errors import DataLoss, InvalidArgument, NotFound
from skyulf_platform.artifacts import ArtifactStore, open_store
from skyulf_platform.artifacts.base import sha256_hex
from skyulf_platform.bundles import read_bundle, write_bundle
from skyulf_platform.settings import PlatformSettings


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ArtifactStore]:
    if request.param == "local":
        settings = PlatformSettings(data_dir=tmp_path)
    else:
        s3: Any = request.getfixturevalue("s3_server")
        settings = PlatformSettings(
            data_dir=tmp_path,
            artifact_url=f"s3://{s3.bucket}/t-{tmp_path.name}",
            s3_endpoint_url=s3.endpoint_url,
            s3_access_key=s3.access_key,
            s3_secret_key=s3.secret_key,
            s3_region=s3.region,
        )
    yield open_store(settings)


def test_put_get_round_trip_with_checksum(store: ArtifactStore) -> None:
    ref = store.put_bytes("datasets/a/raw.csv", b"a,b\n1,2\n")
    assert ref.sha256 == sha256_hex(b"a,b\n1,2\n")
    assert ref.size == 8
    assert ref.uri == store.uri_for("datasets/a/raw.csv")
    assert store.key_for(ref.uri) == "datasets/a/raw.csv"
    assert store.get_bytes("datasets/a/raw.csv", sha256=ref.sha256) == b"a,b\n1,2\n"
    assert store.exists("datasets/a/raw.csv")
    assert store.list("datasets/a") == ["datasets/a/raw.csv"]


def test_checksum_mismatch_is_data_loss(store: ArtifactStore) -> None:
    store.put_bytes("x/y.bin", b"one")
    with pytest.raises(DataLoss, match="checksum"):
        store.get_bytes("x/y.bin", sha256=sha256_hex(b"two"))


def test_missing_key_is_not_found_and_delete_is_idempotent(store: ArtifactStore) -> None:
    with pytest.raises(NotFound, match="not found"):
        store.get_bytes("nope/missing.bin")
    store.put_bytes("d/e.bin", b"1")
    store.delete("d/e.bin")
    store.delete("d/e.bin")
    assert not store.exists("d/e.bin")


@pytest.mark.parametrize("key", ["", "/abs", "a/../b", "a//b"])
def test_unsafe_keys_are_refused(store: ArtifactStore, key: str) -> None:
    with pytest.raises(InvalidArgument):
        store.put_bytes(key, b"x")


def test_store_answers_ping(store: ArtifactStore) -> None:
    store.ping()


def test_signed_bundle_round_trip_and_tamper_refusal(store: ArtifactStore) -> None:
    key = b"k" * 32
    files = {"pipeline.json": b'{"steps": []}', "model.joblib": b"\x80\x04binary"}
    stored = write_bundle(store, "models/m/1", files, key)
    assert read_bundle(store, stored.uri, key, manifest_sha256=stored.manifest_sha256) == files

    with pytest.raises(DataLoss, match="not signed"):
        read_bundle(store, stored.uri, b"another key" * 3)

    store.put_bytes("models/m/1/model.joblib", b"\x80\x04evil")
    with pytest.raises(DataLoss, match="checksum"):
        read_bundle(store, stored.uri, key, manifest_sha256=stored.manifest_sha256)
