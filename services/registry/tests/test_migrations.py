"""Migration 0002 (one version per model node of a job) keeps the versions, both ways."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from skyulf_platform.db.engine import make_engine
from skyulf_platform.db.migrations import alembic_config, upgrade
from skyulf_registry.__main__ import MIGRATIONS_DIR
from skyulf_registry.db.tables import Base


def _round_trip(url: str) -> None:
    upgrade(MIGRATIONS_DIR, url, "registry", "0001")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO registered_models (id, name, task, latest_version, created_at, "
                    "updated_at) VALUES ('m1', 'churn', 'classification', 1, :t, :t)"
                ),
                {"t": "2026-01-02 03:04:05"},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO model_versions (id, model_id, version, task, model_type, "
                    "bundle_uri, bundle_checksum, metrics, job_id, created_at) VALUES ('v1', "
                    "'m1', 1, 'classification', 'svc', 'file:///b', :c, '{}', 'j1', :t)"
                ),
                {"t": "2026-01-02 03:04:05", "c": "0" * 64},
            )
        upgrade(MIGRATIONS_DIR, url, "registry")
        with engine.connect() as conn:
            assert conn.scalar(sa.text("SELECT node_id FROM model_versions")) == ""
            # 0004: a version from before dataset versions does not know the one it used.
            assert conn.scalar(sa.text("SELECT dataset_version FROM model_versions")) is None
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert [d for d in diff if "alembic_version" not in str(d)] == []
        command.downgrade(alembic_config(MIGRATIONS_DIR, url, "registry"), "0001")
        with engine.connect() as conn:
            assert conn.scalar(sa.text("SELECT count(*) FROM model_versions")) == 1
    finally:
        engine.dispose()


def test_node_id_migration_round_trip_on_sqlite(tmp_path: Path) -> None:
    _round_trip(f"sqlite:///{tmp_path / 'registry.db'}")


def test_node_id_migration_round_trip_on_postgresql(fresh_postgres_url: str) -> None:
    _round_trip(fresh_postgres_url)
