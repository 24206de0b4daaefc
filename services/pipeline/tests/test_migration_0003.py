"""Migration 0003 (saved pipelines, node events, a job's pipeline) upgrades and downgrades
without losing jobs or their events, and leaves the schema the tables module declares."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from skyulf_pipeline.__main__ import MIGRATIONS
from skyulf_pipeline.db.tables import Base
from skyulf_platform.db.engine import make_engine
from skyulf_platform.db.migrations import alembic_config, upgrade

JOB_ID = "0b5c7f9e-2d0c-4f7e-9a55-3c0f1b7c2e11"
PIPELINE_ID = "7d1f0c3e-5a1b-4c8e-9f3a-2b6d4e8f0a12"


def _insert_job(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO pipeline_jobs (id, kind, dataset_id, graph, model_name, status, "
                "progress, message, cancel_requested, created_at, started_at, updated_at) VALUES "
                "(:id, 'train', 'd', '{}', 'm', 'RUNNING', 0.5, 'training', false, :t, :t, :t)"
            ),
            {"id": JOB_ID, "t": "2026-01-02 03:04:05"},
        )
        conn.execute(
            sa.text(
                "INSERT INTO pipeline_job_events (job_id, seq, type, status, progress, message, "
                "time) VALUES (:id, 1, 'started', 'RUNNING', 0.0, 'started', :t)"
            ),
            {"id": JOB_ID, "t": "2026-01-02 03:04:05"},
        )


def _columns(engine: sa.Engine, table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(engine).get_columns(table)}


def _counts(engine: sa.Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        jobs = conn.scalar(sa.text("SELECT count(*) FROM pipeline_jobs"))
        events = conn.scalar(sa.text("SELECT count(*) FROM pipeline_job_events"))
    return int(jobs or 0), int(events or 0)


def _save_pipeline(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO pipeline_saved (id, name, description, version, created_at, "
                "updated_at) VALUES (:id, 'p', '', 1, :t, :t)"
            ),
            {"id": PIPELINE_ID, "t": "2026-01-02 03:04:05"},
        )
        conn.execute(
            sa.text(
                "INSERT INTO pipeline_saved_versions (pipeline_id, version, name, graph, layout, "
                "created_at) VALUES (:id, 1, 'p', '{}', '{}', :t)"
            ),
            {"id": PIPELINE_ID, "t": "2026-01-02 03:04:05"},
        )


def _round_trip(url: str) -> None:
    upgrade(MIGRATIONS, url, "pipeline", "0002")
    engine = make_engine(url)
    try:
        _insert_job(engine)
        upgrade(MIGRATIONS, url, "pipeline")
        assert {"pipeline_id", "pipeline_version"} <= _columns(engine, "pipeline_jobs")
        assert {"node_id", "node_status"} <= _columns(engine, "pipeline_job_events")
        assert _counts(engine) == (1, 1)
        _save_pipeline(engine)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert [d for d in diff if "alembic_version" not in str(d)] == []

        # The named constraints hold: a version number appears once per pipeline, node
        # statuses are the five the contract names.
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO pipeline_saved_versions (pipeline_id, version, name, graph, "
                    "layout, created_at) VALUES (:id, 1, 'p', '{}', '{}', :t)"
                ),
                {"id": PIPELINE_ID, "t": "2026-01-02 03:04:05"},
            )
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO pipeline_job_events (job_id, seq, type, status, progress, "
                    "message, time, node_id, node_status) VALUES (:id, 2, 'node', 'RUNNING', 0, "
                    "'', :t, 'n', 'exploded')"
                ),
                {"id": JOB_ID, "t": "2026-01-02 03:04:05"},
            )

        command.downgrade(alembic_config(MIGRATIONS, url, "pipeline"), "0002")
        assert "pipeline_id" not in _columns(engine, "pipeline_jobs")
        assert "node_status" not in _columns(engine, "pipeline_job_events")
        assert "pipeline_saved" not in sa.inspect(engine).get_table_names()
        assert _counts(engine) == (1, 1)

        upgrade(MIGRATIONS, url, "pipeline")
        assert _counts(engine) == (1, 1)
        assert "pipeline_saved_versions" in sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_saved_pipelines_migration_round_trip_on_sqlite(tmp_path: Path) -> None:
    _round_trip(f"sqlite:///{tmp_path / 'pipeline.db'}")


def test_saved_pipelines_migration_round_trip_on_postgresql(fresh_postgres_url: str) -> None:
    _round_trip(fresh_postgres_url)
