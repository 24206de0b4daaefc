"""Migration 0004 (projects): rows made before belong to ``default``; an active name is unique
per project; the schema matches the tables."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from skyulf_deployment.__main__ import MIGRATIONS_DIR
from skyulf_deployment.db.tables import Base
from skyulf_platform.db.engine import make_engine
from skyulf_platform.db.migrations import upgrade

T = "2026-01-02 03:04:05+00:00"
INSERT = (
    "INSERT INTO deployments (id, name, model_name, model_version, status, active_name, "
    "created_at, updated_at, project_id) VALUES (:id, 'churn', 'churn', 1, 'ACTIVE', 'churn', "
    ":t, :t, :project)"
)


def _upgrade(url: str) -> None:
    upgrade(MIGRATIONS_DIR, url, "deployment", "0003")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text(INSERT.replace(", project_id", "").replace(", :project", "")),
                {"id": "d1", "t": T},
            )
        upgrade(MIGRATIONS_DIR, url, "deployment")
        with engine.begin() as conn:
            assert conn.scalar(sa.text("SELECT project_id FROM deployments")) == "default"
            # The same active name in another project.
            conn.execute(sa.text(INSERT), {"id": "d2", "t": T, "project": "team-a"})
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert [d for d in diff if "alembic_version" not in str(d)] == []
    finally:
        engine.dispose()


def test_projects_migration_on_sqlite(tmp_path: Path) -> None:
    _upgrade(f"sqlite:///{tmp_path / 'deployment.db'}")


def test_projects_migration_on_postgresql(fresh_postgres_url: str) -> None:
    _upgrade(fresh_postgres_url)
