"""The only code that touches ingestion's ORM rows; a dataset of another project is not found,
like a missing one (``skyulf_platform.db.projects``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import cast

from sqlalchemy import CursorResult, Update, func, select, update
from sqlalchemy.orm import Session

from skyulf_errors import FailedPrecondition, NotFound
from skyulf_ingestion.db.tables import DatasetRow, DatasetVersionRow
from skyulf_ingestion.models import (
    ColumnInfo,
    Dataset,
    DatasetPage,
    DatasetStatus,
    DatasetVersion,
    IngestResult,
    NewDataset,
    NewVersion,
)
from skyulf_platform.db.projects import in_project, visible


def _to_model(row: DatasetRow) -> Dataset:
    return Dataset(
        id=row.id,
        name=row.name,
        status=DatasetStatus(row.status),
        source_filename=row.source_filename,
        size_bytes=row.size_bytes,
        raw_uri=row.raw_uri,
        raw_sha256=row.raw_sha256,
        data_uri=row.data_uri,
        data_sha256=row.data_sha256,
        n_rows=row.n_rows,
        n_columns=row.n_columns,
        columns=[ColumnInfo.model_validate(c) for c in row.columns or []],
        source_kind=row.source_kind,
        version=row.version,
        error=row.error,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _version(row: DatasetVersionRow) -> DatasetVersion:
    return DatasetVersion(
        dataset_id=row.dataset_id,
        version=row.version,
        source_filename=row.source_filename,
        size_bytes=row.size_bytes,
        data_uri=row.data_uri,
        data_sha256=row.data_sha256,
        n_rows=row.n_rows,
        n_columns=row.n_columns,
        columns=[ColumnInfo.model_validate(c) for c in row.columns],
        created_at=row.created_at,
    )


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (ValueError, TypeError, AttributeError):
        return False
    return True


class DatasetRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _row(self, dataset_id: str) -> DatasetRow:
        row = visible(self.session.get(DatasetRow, dataset_id)) if _is_uuid(dataset_id) else None
        if row is None:
            raise NotFound(f"dataset {dataset_id!r} not found", details={"dataset_id": dataset_id})
        return row

    def add(self, new: NewDataset) -> Dataset:
        row = DatasetRow(
            id=new.id,
            name=new.name,
            status=DatasetStatus.PENDING.value,
            source_filename=new.source_filename,
            size_bytes=new.size_bytes,
            raw_uri=new.raw_uri,
            raw_sha256=new.raw_sha256,
            source_kind=new.source_kind,
            source_config=new.source_config,
        )
        self.session.add(row)
        self.session.flush()
        return _to_model(row)

    def get(self, dataset_id: str) -> Dataset:
        return _to_model(self._row(dataset_id))

    def delete(self, dataset_id: str) -> None:
        self.session.delete(self._row(dataset_id))

    def profile(self, dataset_id: str, version: int) -> str | None:
        """The version's stored profile; None when it has none yet."""
        return self._version_row(dataset_id, version).profile

    def set_profile(self, dataset_id: str, version: int, profile_json: str) -> None:
        self._version_row(dataset_id, version).profile = profile_json
        self.session.flush()

    def source_config(self, dataset_id: str) -> str | None:
        return self._row(dataset_id).source_config

    def page(self, *, limit: int, offset: int) -> DatasetPage:
        total = (
            self.session.scalar(
                select(func.count()).select_from(DatasetRow).where(in_project(DatasetRow))
            )
            or 0
        )
        rows = self.session.scalars(
            select(DatasetRow)
            .where(in_project(DatasetRow))
            .order_by(DatasetRow.created_at.desc(), DatasetRow.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return DatasetPage(datasets=[_to_model(r) for r in rows], total=total)

    def mark_ready(self, dataset_id: str, result: IngestResult) -> bool:
        """READY with everything at once, recorded as the dataset's latest version; only from
        PENDING. False if another run got there."""
        done = self._update_pending(
            update(DatasetRow).values(
                status=DatasetStatus.READY.value,
                n_rows=result.n_rows,
                n_columns=len(result.columns),
                columns=[c.model_dump() for c in result.columns],
                data_uri=result.data_uri,
                data_sha256=result.data_sha256,
                error=None,
            ),
            dataset_id,
        )
        if done:
            row = self._row(dataset_id)
            self.session.refresh(row)
            self.session.add(
                DatasetVersionRow(
                    dataset_id=dataset_id,
                    version=row.version,
                    source_filename=row.source_filename,
                    size_bytes=row.size_bytes,
                    data_uri=result.data_uri,
                    data_sha256=result.data_sha256,
                    n_rows=result.n_rows,
                    n_columns=len(result.columns),
                    columns=[c.model_dump() for c in result.columns],
                    profile=result.profile_json,
                )
            )
            self.session.flush()
        return done

    def start_version(self, dataset_id: str, new: NewVersion) -> Dataset:
        """The dataset PENDING again as version n+1; refused while a version is being made."""
        row = self._row(dataset_id)
        if row.status == DatasetStatus.PENDING.value:
            raise FailedPrecondition(
                f"dataset {dataset_id} is still being ingested; wait for it before a new version",
                details={"dataset_id": dataset_id, "status": row.status},
            )
        row.version += 1
        row.status = DatasetStatus.PENDING.value
        row.error = None
        for field, value in new.model_dump(exclude_none=True).items():
            setattr(row, field, value)
        self.session.flush()
        return _to_model(row)

    def versions(self, dataset_id: str) -> list[DatasetVersion]:
        self._row(dataset_id)
        rows = self.session.scalars(
            select(DatasetVersionRow)
            .where(DatasetVersionRow.dataset_id == dataset_id)
            .order_by(DatasetVersionRow.version.desc())
        )
        return [_version(r) for r in rows]

    def version(self, dataset_id: str, version: int) -> DatasetVersion:
        return _version(self._version_row(dataset_id, version))

    def _version_row(self, dataset_id: str, version: int) -> DatasetVersionRow:
        self._row(dataset_id)
        row = self.session.scalar(
            select(DatasetVersionRow).where(
                (DatasetVersionRow.dataset_id == dataset_id)
                & (DatasetVersionRow.version == version)
            )
        )
        if row is None:
            raise NotFound(
                f"dataset {dataset_id} has no version {version}",
                details={"dataset_id": dataset_id, "version": version},
            )
        return row

    def mark_failed(self, dataset_id: str, error: str) -> bool:
        """FAILED with the reason; a READY dataset is never downgraded."""
        return self._update_pending(
            update(DatasetRow).values(status=DatasetStatus.FAILED.value, error=error), dataset_id
        )

    def fail_pending_before(self, cutoff: datetime, error: str) -> list[str]:
        """FAILED with error for datasets PENDING since before cutoff; their ids."""
        stuck = list(
            self.session.scalars(
                select(DatasetRow.id).where(
                    (DatasetRow.status == DatasetStatus.PENDING.value)
                    & (DatasetRow.updated_at < cutoff)
                )
            )
        )
        return [i for i in stuck if self.mark_failed(i, error)]

    def _update_pending(self, statement: Update, dataset_id: str) -> bool:
        """Applies the update only if the dataset is still PENDING; says whether it did."""
        pending = (DatasetRow.id == dataset_id) & (DatasetRow.status == DatasetStatus.PENDING.value)
        result = self.session.execute(
            statement.where(pending).execution_options(synchronize_session=False)
        )
        return bool(cast(CursorResult[tuple[()]], result).rowcount)
