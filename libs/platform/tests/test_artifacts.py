"""Every artifact backend keeps the same contract: local folder and a real S3 server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skyulf_errors import DataLoss, InvalidArgument, NotFound
from skyulf_platform.artifacts import ArtifactStore, open_store
from skyulf_platform.artifacts.base import file_sha256, sha256_hex
from skyulf_platform.artifacts.s3 import MIB, S3ArtifactStore
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
    store = open_store(settings)
    if isinstance(store, S3ArtifactStore):
        # The smallest part S3 allows, so a test file of a few MiB is uploaded in parts.
        store.transfer_config.multipart_threshold = 5 * MIB
        store.transfer_config.multipart_chunksize = 5 * MIB
    yield store


@pytest.fixture
def big_file(tmp_path: Path) -> Path:
    """11 MiB of random bytes: three parts for the S3 backend above."""
    path = tmp_path / "big.bin"
    path.write_bytes(os.urandom(11 * MIB))
    return path


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


def test_put_file_and_download_to_round_trip(
    store: ArtifactStore, big_file: Path, tmp_path: Path
) -> None:
    ref = store.put_file("datasets/b/raw.bin", big_file)

    assert (ref.sha256, ref.size) == file_sha256(big_file)
    assert ref.size == 11 * MIB
    assert ref.uri == store.uri_for("datasets/b/raw.bin")
    assert store.list("datasets/") == ["datasets/b/raw.bin"]
    if isinstance(store, S3ArtifactStore):
        head = store.client.head_object(Bucket=store.bucket, Key=store._obj(ref.key))
        assert head["ETag"].strip('"').endswith("-3"), "expected a three-part upload"

    target = tmp_path / "back.bin"
    store.download_to(ref.key, target, sha256=ref.sha256)
    assert file_sha256(target) == (ref.sha256, ref.size)
    assert target.read_bytes() == big_file.read_bytes()


def test_put_file_replaces_an_existing_object(store: ArtifactStore, tmp_path: Path) -> None:
    store.put_bytes("r/obj.csv", b"old\n")
    source = tmp_path / "new.csv"
    source.write_bytes(b"new\n")

    ref = store.put_file("r/obj.csv", source)

    assert store.get_bytes("r/obj.csv", sha256=ref.sha256) == b"new\n"
    assert store.list("r/") == ["r/obj.csv"]


def test_download_checksum_mismatch_is_data_loss_and_leaves_no_file(
    store: ArtifactStore, big_file: Path, tmp_path: Path
) -> None:
    ref = store.put_file("x/big.bin", big_file)
    target = tmp_path / "out.bin"

    with pytest.raises(DataLoss, match="does not match its recorded checksum") as info:
        store.download_to(ref.key, target, sha256=sha256_hex(b"something else"))

    assert info.value.details == {"uri": ref.uri}
    assert not target.exists()


def test_download_of_a_missing_key_is_not_found_and_leaves_no_file(
    store: ArtifactStore, tmp_path: Path
) -> None:
    target = tmp_path / "out.bin"
    with pytest.raises(NotFound, match="not found"):
        store.download_to("nope/missing.bin", target)
    assert not target.exists()


def test_put_file_refuses_unsafe_keys(store: ArtifactStore, tmp_path: Path) -> None:
    source = tmp_path / "f.bin"
    source.write_bytes(b"x")
    with pytest.raises(InvalidArgument):
        store.put_file("a/../b", source)
    with pytest.raises(InvalidArgument):
        store.download_to("/abs", tmp_path / "out.bin")
