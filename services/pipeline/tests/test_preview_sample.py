"""A preview reads its sample rows only: the Parquet is fetched once per content into a local
copy, and each preview decodes just the row groups holding its first rows."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq
import pytest

from skyulf_pipeline.datasets import load_frame
from skyulf_pipeline.models import DatasetInfo, DatasetStatus
from skyulf_platform.artifacts.cache import LocalCopies
from skyulf_platform.artifacts.local import LocalArtifactStore


@pytest.fixture
def dataset(store: LocalArtifactStore) -> DatasetInfo:
    frame = pl.DataFrame({"x": list(range(1000)), "y": [f"v{i}" for i in range(1000)]})
    buf = io.BytesIO()
    frame.write_parquet(buf, row_group_size=100)
    ref = store.put_bytes("datasets/d/data.parquet", buf.getvalue())
    return DatasetInfo(
        id="d", name="d", status=DatasetStatus.READY, data_uri=ref.uri, data_sha256=ref.sha256
    )


@pytest.fixture
def groups_read(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    calls: list[list[int]] = []
    original = pq.ParquetFile.read_row_groups

    def spy(self: pq.ParquetFile, row_groups: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(list(row_groups))
        return original(self, row_groups, *args, **kwargs)

    monkeypatch.setattr(pq.ParquetFile, "read_row_groups", spy)
    return calls


def test_a_sample_decodes_only_its_row_groups_from_one_local_copy(
    store: LocalArtifactStore,
    dataset: DatasetInfo,
    groups_read: list[list[int]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    downloads: list[str] = []
    original = store.download_to

    def counting(key: str, path: Path, *, sha256: str | None = None) -> None:
        downloads.append(key)
        original(key, path, sha256=sha256)

    monkeypatch.setattr(store, "download_to", counting)
    copies = LocalCopies(tmp_path / "copies")
    for _ in range(3):
        frame = load_frame(store, dataset, limit=150, copies=copies)
        assert frame["x"].tolist() == list(range(150))
    assert groups_read == [[0, 1]] * 3
    assert downloads == ["datasets/d/data.parquet"]


def test_without_a_limit_the_whole_dataset_is_read(
    store: LocalArtifactStore, dataset: DatasetInfo, tmp_path: Path
) -> None:
    frame = load_frame(store, dataset, copies=LocalCopies(tmp_path / "copies"))
    assert len(frame) == 1000


def test_a_limit_past_the_end_is_every_row(
    store: LocalArtifactStore, dataset: DatasetInfo, groups_read: list[list[int]]
) -> None:
    assert len(load_frame(store, dataset, limit=5000)) == 1000
    assert groups_read == [list(range(10))]
