"""The only code touching the saved-pipeline rows; it hands out pydantic models, never rows.

A pipeline row holds what is current (name, description, dataset, version number); each save
adds one version row with the name, graph and layout it saved. A save takes the pipeline row's
write lock first (the UPDATE of its version number), so two saves racing on one pipeline get
consecutive version numbers on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import uuid

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from skyulf_errors import NotFound
from skyulf_pipeline.db.tables import SavedPipelineRow, SavedPipelineVersionRow
from skyulf_pipeline.models import PipelineDraft, SavedPipeline, SavedPipelineVersion
from skyulf_platform.db.base import new_id, utcnow
from skyulf_platform.db.projects import in_project, visible
from skyulf_platform.db.uow import UnitOfWork


def _pipeline(row: SavedPipelineRow, current: SavedPipelineVersionRow) -> SavedPipeline:
    return SavedPipeline(
        id=row.id,
        name=row.name,
        description=row.description,
        dataset_id=row.dataset_id,
        version=row.version,
        graph=current.graph,
        layout=current.layout,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _version(row: SavedPipelineVersionRow) -> SavedPipelineVersion:
    return SavedPipelineVersion(
        version=row.version,
        name=row.name,
        graph=row.graph,
        layout=row.layout,
        created_at=row.created_at,
    )


def not_found(pipeline_id: str) -> NotFound:
    return NotFound(f"pipeline {pipeline_id!r} not found", details={"pipeline_id": pipeline_id})


def check_pipeline_id(pipeline_id: str) -> str:
    try:
        uuid.UUID(pipeline_id)
    except ValueError:
        raise not_found(pipeline_id) from None
    return pipeline_id


class SavedPipelineRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def create(self, draft: PipelineDraft) -> SavedPipeline:
        now = utcnow()
        with self.uow() as session:
            row = SavedPipelineRow(
                id=new_id(),
                name=draft.name or "",
                description=draft.description or "",
                dataset_id=draft.dataset_id or None,
                version=1,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            current = SavedPipelineVersionRow(
                pipeline_id=row.id,
                version=1,
                name=row.name,
                graph=draft.graph,
                layout=draft.layout or {},
                created_at=now,
            )
            session.add(current)
            session.flush()
            return _pipeline(row, current)

    def get(self, pipeline_id: str) -> SavedPipeline:
        check_pipeline_id(pipeline_id)
        with self.uow() as session:
            row = self._row(session, pipeline_id)
            return _pipeline(row, self._version_row(session, pipeline_id, row.version))

    def page(self, *, limit: int, offset: int) -> tuple[list[SavedPipeline], int]:
        with self.uow() as session:
            total = (
                session.scalar(
                    select(func.count())
                    .select_from(SavedPipelineRow)
                    .where(in_project(SavedPipelineRow))
                )
                or 0
            )
            rows = session.execute(
                select(SavedPipelineRow, SavedPipelineVersionRow)
                .where(in_project(SavedPipelineRow))
                .join(
                    SavedPipelineVersionRow,
                    (SavedPipelineVersionRow.pipeline_id == SavedPipelineRow.id)
                    & (SavedPipelineVersionRow.version == SavedPipelineRow.version),
                )
                .order_by(SavedPipelineRow.updated_at.desc(), SavedPipelineRow.id.desc())
                .limit(limit)
                .offset(offset)
            ).all()
            return [_pipeline(p, v) for p, v in rows], int(total)

    def save(self, pipeline_id: str, draft: PipelineDraft) -> SavedPipeline:
        """Record ``draft`` (fully resolved: no None left) as the pipeline's next version."""
        check_pipeline_id(pipeline_id)
        now = utcnow()
        with self.uow() as session:
            result = session.execute(
                update(SavedPipelineRow)
                .where(SavedPipelineRow.id == pipeline_id, in_project(SavedPipelineRow))
                .values(
                    version=SavedPipelineRow.version + 1,
                    name=draft.name or "",
                    description=draft.description or "",
                    dataset_id=draft.dataset_id or None,
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            if result.rowcount == 0:  # type: ignore[attr-defined]
                raise not_found(pipeline_id)
            row = self._row(session, pipeline_id)
            session.refresh(row)
            current = SavedPipelineVersionRow(
                pipeline_id=pipeline_id,
                version=row.version,
                name=row.name,
                graph=draft.graph,
                layout=draft.layout or {},
                created_at=now,
            )
            session.add(current)
            session.flush()
            return _pipeline(row, current)

    def versions(self, pipeline_id: str) -> list[SavedPipelineVersion]:
        """Every saved version, newest first."""
        check_pipeline_id(pipeline_id)
        with self.uow() as session:
            self._row(session, pipeline_id)
            rows = session.scalars(
                select(SavedPipelineVersionRow)
                .where(SavedPipelineVersionRow.pipeline_id == pipeline_id)
                .order_by(SavedPipelineVersionRow.version.desc())
            ).all()
            return [_version(r) for r in rows]

    def version(self, pipeline_id: str, version: int) -> SavedPipelineVersion:
        check_pipeline_id(pipeline_id)
        with self.uow() as session:
            self._row(session, pipeline_id)
            return _version(self._version_row(session, pipeline_id, version))

    def delete(self, pipeline_id: str) -> SavedPipeline:
        """Delete the pipeline and its versions; returns it as it was."""
        check_pipeline_id(pipeline_id)
        with self.uow() as session:
            row = self._row(session, pipeline_id)
            gone = _pipeline(row, self._version_row(session, pipeline_id, row.version))
            # Versions go explicitly, not only through ON DELETE CASCADE: SQLite enforces
            # foreign keys only when the connection turns them on.
            session.execute(
                delete(SavedPipelineVersionRow).where(
                    SavedPipelineVersionRow.pipeline_id == pipeline_id
                )
            )
            session.delete(row)
            return gone

    @staticmethod
    def _row(session: Session, pipeline_id: str) -> SavedPipelineRow:
        row = visible(session.get(SavedPipelineRow, pipeline_id))
        if row is None:
            raise not_found(pipeline_id)
        return row

    @staticmethod
    def _version_row(session: Session, pipeline_id: str, version: int) -> SavedPipelineVersionRow:
        row = session.scalar(
            select(SavedPipelineVersionRow).where(
                SavedPipelineVersionRow.pipeline_id == pipeline_id,
                SavedPipelineVersionRow.version == version,
            )
        )
        if row is None:
            raise NotFound(
                f"pipeline {pipeline_id!r} has no version {version}",
                details={"pipeline_id": pipeline_id, "version": version},
            )
        return row
