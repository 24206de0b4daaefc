"""Migration 0002 (projects): every user joins ``default``, every key acts there; the schema
matches the tables, and the way down and up again keeps users and keys."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from skyulf_gateway.__main__ import MIGRATIONS_DIR
from skyulf_gateway.db.tables import Base
from skyulf_platform.db.engine import make_engine
from skyulf_platform.db.migrations import alembic_config, upgrade

T = "2026-01-02 03:04:05+00:00"


def _round_trip(url: str) -> None:
    upgrade(MIGRATIONS_DIR, url, "gateway", "0001_accounts")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            for uid, name in (("u1", "ann"), ("u2", "bob")):
                conn.execute(
                    sa.text(
                        "INSERT INTO users (id, username, password_hash, role, disabled, "
                        "created_at) VALUES (:id, :name, NULL, 'editor', false, :t)"
                    ),
                    {"id": uid, "name": name, "t": T},
                )
            conn.execute(
                sa.text(
                    "INSERT INTO api_keys (id, name, prefix, key_hash, user_id, scopes, "
                    "created_at) VALUES ('k1', 'ci', 'sky_', 'h', 'u1', '[\"read\"]', :t)"
                ),
                {"t": T},
            )
        upgrade(MIGRATIONS_DIR, url, "gateway")
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT id, name FROM projects")).all() == [
                ("default", "default")
            ]
            members = conn.execute(
                sa.text("SELECT user_id FROM project_members WHERE project_id = 'default'")
            ).scalars()
            assert sorted(members) == ["u1", "u2"]
            assert conn.scalar(sa.text("SELECT project_id FROM api_keys")) == "default"
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert [d for d in diff if "alembic_version" not in str(d)] == []

        command.downgrade(alembic_config(MIGRATIONS_DIR, url, "gateway"), "0001_accounts")
        assert "projects" not in sa.inspect(engine).get_table_names()
        upgrade(MIGRATIONS_DIR, url, "gateway")
        with engine.connect() as conn:
            assert conn.scalar(sa.text("SELECT count(*) FROM api_keys")) == 1
    finally:
        engine.dispose()


def test_projects_migration_round_trip_on_sqlite(tmp_path: Path) -> None:
    _round_trip(f"sqlite:///{tmp_path / 'gateway.db'}")


def test_projects_migration_round_trip_on_postgresql(fresh_postgres_url: str) -> None:
    _round_trip(fresh_postgres_url)
