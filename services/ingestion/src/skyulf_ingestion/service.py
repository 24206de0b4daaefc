"""Ingestion's business logic: synchronous, transport-free; used by the servicer and the task."""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from types import TracebackType
from typing import Final

import polars as pl

from skyulf_core.profiling import DatasetProfile, profile_parquet
from skyulf_core.profiling.target import analyse_target
from skyulf_errors import (
    ErrorCode,
    FailedPrecondition,
    InvalidArgument,
    SkyulfError,
    Unavailable,
)
from skyulf_ingestion import formats
from skyulf_ingestion.export import CONTENT_TYPES, ExportFormat, export_file
from skyulf_ingestion.models import (
    ColumnInfo,
    Dataset,
    DatasetPage,
    DatasetStatus,
    DatasetVersion,
    ExportedFile,
    IngestResult,
    NewDataset,
    NewVersion,
    TargetResult,
    VersionProfile,
)
from skyulf_ingestion.repository import DatasetRepository
from skyulf_ingestion.rows import RowsPage, read_page
from skyulf_ingestion.sources.crypto import SourceCipher
from skyulf_ingestion.sources.models import Source, UploadSource
from skyulf_ingestion.sources.reader import SourceReader
from skyulf_platform.artifacts.base import ArtifactStore
from skyulf_platform.artifacts.cache import LocalCopies
from skyulf_platform.db.base import new_id, utcnow
from skyulf_platform.db.uow import UnitOfWork

log = logging.getLogger(__name__)

Enqueue = Callable[[str], None]
"""Queues the ingestion of a dataset id; raises when the broker cannot take it."""

_FILENAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")

# LZ4: about twice as fast to write as zstd for a somewhat larger file; every Parquet reader
# (pyarrow, Polars, Spark, DuckDB) decodes it.
PARQUET_COMPRESSION: Final = "lz4"

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
MAX_ROWS_LIMIT = 1000


def _version_prefix(dataset_id: str, version: int) -> str:
    # Version 1 keeps the keys datasets had before versions existed.
    return f"datasets/{dataset_id}" + (f"/v{version}" if version > 1 else "")


def raw_key(dataset_id: str, filename: str, version: int = 1) -> str:
    return f"{_version_prefix(dataset_id, version)}/raw/{filename}"


def data_key(dataset_id: str, version: int = 1) -> str:
    return f"{_version_prefix(dataset_id, version)}/data.parquet"


class Spool:
    """An upload being received: its chunks go to a temporary file, never all into memory.

    A context manager: the file is deleted on exit, whatever happened.
    """

    def __init__(self, filename: str, check_size: Callable[[str, int], None], folder: Path):
        self.filename = filename
        self.size = 0
        self._check_size = check_size
        fd, name = tempfile.mkstemp(dir=folder, prefix="upload-", suffix=".part")
        self.path = Path(name)
        self._file = os.fdopen(fd, "wb")

    def write(self, chunk: bytes) -> None:
        """Append a chunk; PAYLOAD_TOO_LARGE as soon as the total passes the upload limit."""
        self.size += len(chunk)
        self._check_size(self.filename, self.size)
        self._file.write(chunk)

    def close(self) -> None:
        """Finish writing; the file stays until the context exits."""
        self._file.close()

    def __enter__(self) -> Spool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._file.close()
        self.path.unlink(missing_ok=True)


class IngestionService:
    def __init__(
        self,
        uow: UnitOfWork,
        store: ArtifactStore,
        *,
        enqueue: Enqueue | None = None,
        max_upload_bytes: int,
        sniff_bytes: int = 1024 * 1024,
        tmp_dir: Path | None = None,
        row_group_rows: int = 65_536,
        cipher: SourceCipher | None = None,
        sources: SourceReader | None = None,
    ) -> None:
        self.cipher = cipher
        self.sources = sources or SourceReader()
        self.uow = uow
        self.store = store
        self.enqueue = enqueue
        self.max_upload_bytes = max_upload_bytes
        self.sniff_bytes = sniff_bytes
        # Where uploads and ingest inputs/outputs are spooled; the system's when None.
        self.tmp_dir = Path(tmp_dir) if tmp_dir is not None else Path(tempfile.gettempdir())
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        self.parquet_cache = LocalCopies(self.tmp_dir / "rows-cache")
        # Rows per Parquet row group: a page of rows decodes only the groups that hold it.
        self.row_group_rows = row_group_rows

    # Upload -----------------------------------------------------------------------------------

    def check_filename(self, filename: str) -> str:
        """The cleaned file name of an upload about to start; refuses unsupported types."""
        name = formats.clean_filename(filename)
        formats.detect_format(name)
        return name

    def check_size(self, filename: str, size: int) -> None:
        if size > self.max_upload_bytes:
            raise SkyulfError(
                f"{filename} is larger than the upload limit of {self.max_upload_bytes} bytes",
                code=ErrorCode.PAYLOAD_TOO_LARGE,
                details={"file": filename, "limit_bytes": self.max_upload_bytes},
            )

    def spool(self, filename: str) -> Spool:
        """A temporary file to receive the upload of filename in chunks."""
        return Spool(filename, self.check_size, self.tmp_dir)

    def upload(
        self,
        filename: str,
        data: bytes,
        *,
        name: str = "",
        options: UploadSource | None = None,
        dataset_id: str = "",
    ) -> Dataset:
        """upload_file for a caller that holds the (small) file in memory."""
        filename = self.check_filename(filename)
        with self.spool(filename) as spool:
            spool.write(data)
            spool.close()
            return self.upload_file(
                filename, spool.path, name=name, options=options, dataset_id=dataset_id
            )

    def upload_file(
        self,
        filename: str,
        path: Path,
        *,
        name: str = "",
        options: UploadSource | None = None,
        dataset_id: str = "",
    ) -> Dataset:
        """Accept a file: sniff its head, store the raw copy, record it PENDING, queue ingestion.

        Either all three happen or none: a failure after the raw copy is written removes it.
        The file is streamed to the store; the caller keeps it and deletes it afterwards.
        With dataset_id, the file becomes that dataset's next version.
        """
        filename = self.check_filename(filename)
        self.check_size(filename, path.stat().st_size)
        options = options or UploadSource()
        formats.sniff(
            filename,
            formats.detect_format(filename),
            path,
            self.sniff_bytes,
            sheet=options.sheet,
            header_row=options.header_row,
        )
        if self.enqueue is None:
            raise FailedPrecondition("this ingestion process cannot queue tasks")
        if dataset_id:
            return self._upload_version(dataset_id, filename, path, options)
        dataset_id = new_id()
        ref = self.store.put_file(raw_key(dataset_id, filename), path)
        new = NewDataset(
            id=dataset_id,
            name=name.strip() or filename,
            source_filename=filename,
            size_bytes=ref.size,
            raw_uri=ref.uri,
            raw_sha256=ref.sha256,
            source_config=self._encrypt(options) if options != UploadSource() else None,
        )
        try:
            with self.uow() as session:
                dataset = DatasetRepository(session).add(new)
        except Exception as e:
            self.store.delete(ref.key)
            raise _unavailable(f"could not record {filename}", e) from e
        try:
            self.enqueue(dataset_id)
        except Exception as e:
            log.error("could not queue ingestion of %s", dataset_id, exc_info=e)
            self._forget(dataset_id, ref.key)
            raise _unavailable(f"could not queue the ingestion of {filename}", e) from e
        log.info("accepted %s as %s", filename, dataset_id, extra={"dataset_id": dataset_id})
        return dataset

    def _upload_version(
        self, dataset_id: str, filename: str, path: Path, options: UploadSource
    ) -> Dataset:
        current = self.get_dataset(dataset_id)
        if current.source_kind != "upload":
            raise FailedPrecondition(
                f"dataset {dataset_id} is read from a {current.source_kind} source; "
                "make its next version from that source",
                details={"dataset_id": dataset_id, "field": "file"},
            )
        ref = self.store.put_file(raw_key(dataset_id, filename, current.version + 1), path)
        new = NewVersion(
            source_filename=filename,
            size_bytes=ref.size,
            raw_uri=ref.uri,
            raw_sha256=ref.sha256,
            source_config=self._encrypt(options),
        )
        try:
            return self._start_version(dataset_id, new)
        except Exception:
            self.store.delete(ref.key)
            raise

    def new_version(self, dataset_id: str) -> Dataset:
        """Read the dataset's source again as version n+1 (a database, API or S3 object)."""
        current = self.get_dataset(dataset_id)
        if current.source_kind == "upload":
            raise FailedPrecondition(
                f"dataset {dataset_id} was uploaded; upload a file to make its next version",
                details={"dataset_id": dataset_id, "field": "file"},
            )
        if self.enqueue is None:
            raise FailedPrecondition("this ingestion process cannot queue tasks")
        return self._start_version(dataset_id, NewVersion())

    def _start_version(self, dataset_id: str, new: NewVersion) -> Dataset:
        assert self.enqueue is not None
        with self.uow() as session:
            dataset = DatasetRepository(session).start_version(dataset_id, new)
        try:
            self.enqueue(dataset_id)
        except Exception as e:
            log.error("could not queue ingestion of %s", dataset_id, exc_info=e)
            with self.uow() as session:
                DatasetRepository(session).mark_failed(dataset_id, "its ingestion was not queued")
            raise _unavailable(
                f"could not queue version {dataset.version} of {dataset_id}", e
            ) from e
        log.info("version %d of %s queued", dataset.version, dataset_id)
        return dataset

    def list_versions(self, dataset_id: str) -> list[DatasetVersion]:
        with self.uow() as session:
            return DatasetRepository(session).versions(dataset_id)

    def _encrypt(self, source: Source) -> str:
        if self.cipher is None:
            raise FailedPrecondition("this ingestion process has no key to store sources")
        return self.cipher.encrypt(source)

    def create_from_source(self, source: Source, *, name: str = "") -> Dataset:
        """Record a dataset read from a database, an API or S3, and queue its ingestion.

        The source is checked first (driver, statement, address, URI) so a mistake is an
        immediate error naming the field; it is stored encrypted and the task gets the id only.
        """
        if isinstance(source, UploadSource):
            raise InvalidArgument("an upload is sent as a file", details={"field": "source"})
        self.sources.check(source)
        if self.enqueue is None:
            raise FailedPrecondition("this ingestion process cannot queue tasks")
        described = self.sources.describe(source)
        new = NewDataset(
            id=new_id(),
            name=name.strip() or described,
            source_filename=described,
            size_bytes=0,
            raw_uri="",
            raw_sha256="",
            source_kind=source.kind,
            source_config=self._encrypt(source),
        )
        try:
            with self.uow() as session:
                dataset = DatasetRepository(session).add(new)
        except Exception as e:
            raise _unavailable(f"could not record the {source.kind} source", e) from e
        try:
            self.enqueue(dataset.id)
        except Exception as e:
            log.error("could not queue ingestion of %s", dataset.id, exc_info=e)
            with self.uow() as session:
                DatasetRepository(session).delete(dataset.id)
            raise _unavailable(f"could not queue the ingestion of {described}", e) from e
        log.info("accepted a %s source as %s", source.kind, dataset.id)
        return dataset

    def _source(self, dataset_id: str) -> Source:
        with self.uow() as session:
            token = DatasetRepository(session).source_config(dataset_id)
        if token is None:
            return UploadSource()
        if self.cipher is None:
            raise FailedPrecondition("this ingestion process has no key to read sources")
        return self.cipher.decrypt(token)

    def _forget(self, dataset_id: str, key: str) -> None:
        try:
            with self.uow() as session:
                DatasetRepository(session).delete(dataset_id)
        finally:
            self.store.delete(key)

    # Reads ------------------------------------------------------------------------------------

    def get_dataset(self, dataset_id: str) -> Dataset:
        """The dataset as its latest version holds it (see dataset_at for an older one)."""
        with self.uow() as session:
            return DatasetRepository(session).get(dataset_id)

    def list_datasets(self, *, page_size: int = 0, offset: int = 0) -> DatasetPage:
        if page_size < 0 or offset < 0:
            field = "page_size" if page_size < 0 else "offset"
            raise InvalidArgument(f"{field} must not be negative", details={"field": field})
        limit = min(page_size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
        with self.uow() as session:
            return DatasetRepository(session).page(limit=limit, offset=offset)

    def get_profile(self, dataset_id: str, version: int = 0) -> VersionProfile:
        """The profile of a READY version (the latest when 0).

        A version from before profiles were kept per version gets its profile computed from its
        Parquet the first time it is asked for, and kept.
        """
        dataset = self.ready_version(dataset_id, version)
        with self.uow() as session:
            profile = DatasetRepository(session).profile(dataset_id, dataset.version)
        if profile is None:
            profile = profile_parquet(self._local_parquet(dataset)).model_dump_json()
            with self.uow() as session:
                DatasetRepository(session).set_profile(dataset_id, dataset.version, profile)
        return VersionProfile(version=dataset.version, profile_json=profile)

    def get_rows(self, dataset_id: str, *, offset: int, limit: int, version: int = 0) -> RowsPage:
        """Rows ``[offset, offset + limit)`` of a READY dataset, JSON-ready."""
        if offset < 0:
            raise InvalidArgument("offset must not be negative", details={"field": "offset"})
        if not 1 <= limit <= MAX_ROWS_LIMIT:
            raise InvalidArgument(
                f"limit must be between 1 and {MAX_ROWS_LIMIT}, not {limit}",
                details={"field": "limit"},
            )
        dataset = self.ready_version(dataset_id, version)
        path = self._local_parquet(dataset)
        return read_page(path, dataset, offset, limit)

    def dataset_at(self, dataset_id: str, version: int = 0) -> Dataset:
        """The dataset as ``version`` holds it (its Parquet, columns, rows); the latest when 0."""
        if version < 0:
            raise InvalidArgument("version must not be negative", details={"field": "version"})
        if not version:
            return self.get_dataset(dataset_id)
        with self.uow() as session:
            repo = DatasetRepository(session)
            v = repo.version(dataset_id, version)
            dataset = repo.get(dataset_id)
        return dataset.model_copy(
            update={
                "status": DatasetStatus.READY,
                "version": v.version,
                "source_filename": v.source_filename,
                "size_bytes": v.size_bytes,
                "n_rows": v.n_rows,
                "n_columns": v.n_columns,
                "data_uri": v.data_uri,
                "data_sha256": v.data_sha256,
                "columns": v.columns,
            }
        )

    def ready_version(self, dataset_id: str, version: int = 0) -> Dataset:
        """dataset_at, refused unless that version's Parquet is there to read."""
        dataset = self.dataset_at(dataset_id, version)
        if dataset.status is not DatasetStatus.READY or not dataset.data_uri:
            raise FailedPrecondition(
                f"dataset {dataset_id} is not ready (status {dataset.status.value})",
                details={"dataset_id": dataset_id, "status": dataset.status.value},
            )
        return dataset

    def _local_parquet(self, dataset: Dataset) -> Path:
        assert dataset.data_uri and dataset.data_sha256
        return self.parquet_cache.path(self.store, dataset.data_uri, dataset.data_sha256)

    def export(self, dataset_id: str, *, version: int = 0, fmt: ExportFormat) -> ExportedFile:
        """A READY version as a CSV (formulas neutralised) or Parquet file, in chunks.

        Everything that can be refused is refused here, before the first chunk is made.
        """
        dataset = self.ready_version(dataset_id, version)
        path = self._local_parquet(dataset)
        stem = _FILENAME_UNSAFE.sub("_", Path(dataset.name).stem).strip("._") or "dataset"
        return ExportedFile(
            filename=f"{stem}-v{dataset.version}.{fmt.value}",
            content_type=CONTENT_TYPES[fmt],
            chunks=export_file(path, fmt),
        )

    def target_analysis(self, dataset_id: str, target: str, version: int = 0) -> TargetResult:
        """The profile's target analysis for ``target`` over a READY version (the latest when 0)."""
        if not target:
            raise InvalidArgument("target is required", details={"field": "target"})
        found = self.get_profile(dataset_id, version)
        profile = DatasetProfile.model_validate_json(found.profile_json)
        if profile.column(target) is None:
            raise InvalidArgument(
                f"target column {target!r} is not in version {found.version} of dataset "
                f"{dataset_id}",
                details={
                    "field": "target",
                    "column": target,
                    "dataset_id": dataset_id,
                    "version": found.version,
                },
            )
        dataset = self.ready_version(dataset_id, found.version)
        frame = pl.read_parquet(self._local_parquet(dataset))
        analysis, alerts = analyse_target(frame, profile.columns, target)
        return TargetResult(version=dataset.version, analysis=analysis, alerts=alerts)

    # Ingestion (the Celery task's body) -------------------------------------------------------

    def ingest(self, dataset_id: str, *, retry_unavailable: bool = False) -> Dataset:
        """Turn a PENDING upload into canonical Parquet plus a profile; READY or FAILED after.

        Idempotent: a dataset that is no longer PENDING is returned as it is. With
        retry_unavailable, an outage (S3, a source database) is raised for the caller to retry
        rather than recorded as a failure.
        """
        dataset = self.get_dataset(dataset_id)
        if dataset.status is not DatasetStatus.PENDING:
            return dataset
        try:
            result = self._build(dataset)
        except Unavailable as e:
            if retry_unavailable:
                log.warning("ingestion of %s will be retried: %s", dataset_id, e.message)
                raise
            self._fail(dataset, e)
            return self.get_dataset(dataset_id)
        except Exception as e:
            self._fail(dataset, e)
            return self.get_dataset(dataset_id)
        with self.uow() as session:
            DatasetRepository(session).mark_ready(dataset_id, result)
        log.info("dataset %s is ready", dataset_id, extra={"dataset_id": dataset_id})
        return self.get_dataset(dataset_id)

    def _fail(self, dataset: Dataset, e: Exception) -> None:
        message = _failure_message(dataset.source_filename, e)
        log.warning("ingestion of %s failed: %s", dataset.id, message, exc_info=e)
        with self.uow() as session:
            DatasetRepository(session).mark_failed(dataset.id, message)

    def fail_stuck(self, max_pending_seconds: float) -> list[str]:
        """FAILED for every dataset PENDING longer than the deadline (its task was lost)."""
        cutoff = utcnow() - timedelta(seconds=max_pending_seconds)
        with self.uow() as session:
            failed = DatasetRepository(session).fail_pending_before(
                cutoff,
                f"ingestion did not finish within {int(max_pending_seconds)} s; upload it again",
            )
        for dataset_id in failed:
            log.warning("dataset %s was stuck PENDING and is now FAILED", dataset_id)
        return failed

    @contextmanager
    def _scratch(self) -> Iterator[Path]:
        """A temporary folder for one ingestion, removed afterwards whatever happened."""
        with tempfile.TemporaryDirectory(dir=self.tmp_dir, prefix="ingest-") as folder:
            yield Path(folder)

    def _build(self, dataset: Dataset) -> IngestResult:
        filename = dataset.source_filename
        with self._scratch() as folder:
            # Named by role, not by the upload's name, which could be "data.parquet" too.
            raw, parquet = folder / "raw", folder / "data.parquet"
            source = self._source(dataset.id)
            if isinstance(source, UploadSource):
                key = self.store.key_for(dataset.raw_uri)
                self.store.download_to(key, raw, sha256=dataset.raw_sha256)
                formats.write_parquet(
                    filename,
                    formats.detect_format(filename),
                    raw,
                    parquet,
                    row_group_rows=self.row_group_rows,
                    compression=PARQUET_COMPRESSION,
                    sheet=source.sheet,
                    header_row=source.header_row,
                )
                raw.unlink()
            else:
                frame = self.sources.read(source, folder)
                frame.write_parquet(
                    parquet, row_group_size=self.row_group_rows, compression=PARQUET_COMPRESSION
                )
                del frame
            # Profiled from the Parquet a column at a time: the table is never whole in memory.
            profile = profile_parquet(parquet)
            ref = self.store.put_file(data_key(dataset.id, dataset.version), parquet)
        return IngestResult(
            n_rows=profile.n_rows,
            columns=[ColumnInfo(name=c.name, dtype=c.dtype) for c in profile.columns],
            data_uri=ref.uri,
            data_sha256=ref.sha256,
            profile_json=profile.model_dump_json(),
        )


def _unavailable(message: str, e: Exception) -> SkyulfError:
    if isinstance(e, SkyulfError):
        return Unavailable(f"{message}: {e.message}", details=e.details)
    return Unavailable(message)


def _failure_message(filename: str, e: Exception) -> str:
    if isinstance(e, SkyulfError):
        text = e.message
        return text if filename in text else f"{filename}: {text}"
    return f"{filename}: ingestion failed ({type(e).__name__})"
