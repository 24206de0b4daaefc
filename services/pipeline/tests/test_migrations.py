"""Migration 0002 (job heartbeats) upgrades and downgrades without losing jobs or their events."""

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


def _insert_job(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO pipeline_jobs (id, kind, dataset_id, graph, model_name, status, "
                "progress, message, cancel_requested, created_at, started_at, updated_at) VALUES "
                "(:id, 'train', 'd', '{}', 'm', 'RUNNING', 0.5, 'training', false, "
                ":t, :t, :t)"
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


def _columns(engine: sa.Engine) -> set[str]:
    return {c["name"] for c in sa.inspect(engine).get_columns("pipeline_jobs")}


def _counts(engine: sa.Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        jobs = conn.scalar(sa.text("SELECT count(*) FROM pipeline_jobs"))
        events = conn.scalar(sa.text("SELECT count(*) FROM pipeline_job_events"))
    return int(jobs or 0), int(events or 0)


def _round_trip(url: str) -> None:
    upgrade(MIGRATIONS, url, "pipeline", "0001")
    engine = make_engine(url)
    try:
        _insert_job(engine)
        assert "heartbeat_at" not in _columns(engine)

        upgrade(MIGRATIONS, url, "pipeline")
        assert "heartbeat_at" in _columns(engine)
        assert _counts(engine) == (1, 1)
        with engine.begin() as conn:
            conn.execute(
                sa.text("UPDATE pipeline_jobs SET heartbeat_at = :t WHERE id = :id"),
                {"id": JOB_ID, "t": "2026-01-02 03:05:00"},
            )
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert [d for d in diff if "alembic_version" not in str(d)] == []

        command.downgrade(alembic_config(MIGRATIONS, url, "pipeline"), "0001")
        assert "heartbeat_at" not in _columns(engine)
        indexes = {i["name"] for i in sa.inspect(engine).get_indexes("pipeline_jobs")}
        assert "ix_pipeline_jobs_status" not in indexes
        # The job and, through the foreign key, its events survive the way down.
        assert _counts(engine) == (1, 1)

        upgrade(MIGRATIONS, url, "pipeline")
        assert "heartbeat_at" in _columns(engine)
        assert _counts(engine) == (1, 1)
    finally:
        engine.dispose()


def test_heartbeat_migration_round_trip_on_sqlite(tmp_path: Path) -> None:
    _round_trip(f"sqlite:///{tmp_path / 'pipeline.db'}")


def test_heartbeat_migration_round_trip_on_postgresql(fresh_postgres_url: str) -> None:
    _round_trip(fresh_postgres_url)


@pytest.mark.parametrize("revision", ["0001", "base"])
def test_downgrade_from_head_on_sqlite(tmp_path: Path, revision: str) -> None:
    url = f"sqlite:///{tmp_path / 'pipeline.db'}"
    upgrade(MIGRATIONS, url, "pipeline")
    command.downgrade(alembic_config(MIGRATIONS, url, "pipeline"), revision)
    engine = make_engine(url)
    try:
        tables = set(sa.inspect(engine).get_table_names())
        assert ("pipeline_jobs" in tables) is (revision == "0001")
    finally:
        engine.dispose()


def _attempts_round_trip(url: str) -> None:
    upgrade(MIGRATIONS, url, "pipeline", "0002")
    engine = make_engine(url)
    try:
        _insert_job(engine)
        upgrade(MIGRATIONS, url, "pipeline")  # head: 0004 and what follows it
        assert {"attempts", "idempotency_key", "request_sha256", "retry_of", "results"} <= (
            _columns(engine)
        )
        with engine.connect() as conn:
            assert conn.scalar(sa.text("SELECT attempts FROM pipeline_jobs")) == 0
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert [d for d in diff if "alembic_version" not in str(d)] == []
        command.downgrade(alembic_config(MIGRATIONS, url, "pipeline"), "0002")
        assert "attempts" not in _columns(engine)
        assert _counts(engine) == (1, 1)
    finally:
        engine.dispose()


def test_attempts_migration_round_trip_on_sqlite(tmp_path: Path) -> None:
    _attempts_round_trip(f"sqlite:///{tmp_path / 'pipeline.db'}")


def test_attempts_migration_round_trip_on_postgresql(fresh_postgres_url: str) -> None:
    _attempts_round_trip(fresh_postgres_url)


def _dataset_version_round_trip(url: str) -> None:
    upgrade(MIGRATIONS, url, "pipeline", "0005")
    engine = make_engine(url)
    try:
        _insert_job(engine)
        upgrade(MIGRATIONS, url, "pipeline", "0006")
        assert "dataset_version" in _columns(engine)
        with engine.connect() as conn:
            # A job from before versions: the version it read is not known.
            assert conn.scalar(sa.text("SELECT dataset_version FROM pipeline_jobs")) is None
        command.downgrade(alembic_config(MIGRATIONS, url, "pipeline"), "0005")
        assert "dataset_version" not in _columns(engine)
        assert _counts(engine) == (1, 1)
    finally:
        engine.dispose()


def test_dataset_version_migration_round_trip_on_sqlite(tmp_path: Path) -> None:
    _dataset_version_round_trip(f"sqlite:///{tmp_path / 'pipeline.db'}")


def test_dataset_version_migration_round_trip_on_postgresql(fresh_postgres_url: str) -> None:
    _dataset_version_round_trip(fresh_postgres_url)
