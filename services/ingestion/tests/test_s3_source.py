"""S3 sources against the real S3 test server (SeaweedFS), through the platform's S3 settings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from skyulf_errors import InvalidArgument, PermissionDenied
from skyulf_ingestion.models import DatasetStatus
from skyulf_ingestion.service import IngestionService
from skyulf_ingestion.settings import IngestionSettings
from skyulf_ingestion.sources.models import S3Source
from skyulf_ingestion.wiring import build_service


@pytest.fixture
def s3_service(
    settings: IngestionSettings, queued: list[str], s3_server: Any
) -> Iterator[IngestionService]:
    s = settings.model_copy(
        update={
            "s3_endpoint_url": s3_server.endpoint_url,
            "s3_access_key": s3_server.access_key,
            "s3_secret_key": s3_server.secret_key,
            "s3_region": s3_server.region,
        }
    )
    s = IngestionSettings.model_validate(s.model_dump())
    svc = build_service(s, enqueue=queued.append)
    yield svc
    svc.uow.engine.dispose()


def test_a_csv_object_becomes_a_dataset(
    s3_service: IngestionService, s3_server: Any, churn_csv: bytes, tmp_path: Path
) -> None:
    key = f"incoming/{tmp_path.name}/churn.csv"
    s3_server.client().put_object(Bucket=s3_server.bucket, Key=key, Body=churn_csv)
    dataset = s3_service.create_from_source(S3Source(uri=f"s3://{s3_server.bucket}/{key}"))
    assert dataset.source_filename == "churn.csv"
    done = s3_service.ingest(dataset.id)
    assert done.status is DatasetStatus.READY, done.error
    assert done.n_rows == 300


def test_an_xlsx_object_is_read_with_its_sheet(
    s3_service: IngestionService,
    s3_server: Any,
    xlsx: Callable[..., Path],
    tmp_path: Path,
) -> None:
    book = xlsx(tmp_path / "b.xlsx", {"a": [["x"], [1]], "b": [["y", "z"], [1, 2], [3, 4]]})
    key = f"incoming/{tmp_path.name}/book.xlsx"
    s3_server.client().put_object(Bucket=s3_server.bucket, Key=key, Body=book.read_bytes())
    source = S3Source(uri=f"s3://{s3_server.bucket}/{key}", sheet="b")
    done = s3_service.ingest(s3_service.create_from_source(source).id)
    assert done.status is DatasetStatus.READY, done.error
    assert [c.name for c in done.columns] == ["y", "z"] and done.n_rows == 2


def test_a_missing_object_fails_naming_it(s3_service: IngestionService, s3_server: Any) -> None:
    uri = f"s3://{s3_server.bucket}/nowhere/none.csv"
    done = s3_service.ingest(s3_service.create_from_source(S3Source(uri=uri)).id)
    assert done.status is DatasetStatus.FAILED
    assert done.error and "none.csv" in done.error and "does not exist" in done.error


@pytest.mark.parametrize(
    ("uri", "message"),
    [("https://x/y.csv", "is not an s3://bucket/key URI"), ("s3://b/m.pkl", "unsupported")],
)
def test_bad_uris_are_refused(s3_service: IngestionService, uri: str, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        s3_service.create_from_source(S3Source(uri=uri))


@pytest.mark.parametrize("prefix", ["skyulf", ""])
def test_the_platforms_own_artifact_store_is_not_a_source(
    settings: IngestionSettings, queued: list[str], s3_server: Any, prefix: str
) -> None:
    # Every project's datasets and bundles live there, readable with the platform's credentials.
    location = f"s3://{s3_server.bucket}/{prefix}".rstrip("/")
    s = settings.model_copy(
        update={"artifact_url": location, "s3_endpoint_url": s3_server.endpoint_url}
    )
    svc = build_service(IngestionSettings.model_validate(s.model_dump()), enqueue=queued.append)
    inside = f"s3://{s3_server.bucket}/{prefix + '/' if prefix else ''}datasets/x/data.parquet"
    with pytest.raises(PermissionDenied, match="own artifact store") as refused:
        svc.create_from_source(S3Source(uri=inside))
    assert refused.value.details == {"field": "uri"}
    assert queued == []
    if prefix:  # beside the prefix, the bucket is the operator's to use
        svc.sources.check(S3Source(uri=f"s3://{s3_server.bucket}/{prefix}-other/data.csv"))
    svc.uow.engine.dispose()
