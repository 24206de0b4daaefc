"""Migration 0002 (sources and versions) on SQLite and PostgreSQL: a READY dataset from before
becomes its version 1, the schema matches the tables, and the way down works."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from skyulf_ingestion.__main__ import MIGRATIONS_DIR
from skyulf_ingestion.db.tables import Base
from skyulf_platform.db.engine import make_engine
from skyulf_platform.db.migrations import alembic_config, upgrade

DATASET_ID = "0b5c7f9e-2d0c-4f7e-9a55-3c0f1b7c2e11"


def test_0002_backfills_version_1_and_matches_the_tables(url: str) -> None:
    config = alembic_config(MIGRATIONS_DIR, url, "ingestion")
    command.upgrade(config, "0001")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO datasets (id, name, status, source_filename, size_bytes, raw_uri, "
                    "raw_sha256, data_uri, data_sha256, n_rows, n_columns, columns, created_at, "
                    "updated_at) VALUES (:id, 'd', 'READY', 'd.csv', 10, 'file:///r', 'a', "
                    "'file:///d', 'b', 3, 1, '[]', :t, :t)"
                ),
                {"id": DATASET_ID, "t": "2026-01-02 03:04:05"},
            )
        upgrade(MIGRATIONS_DIR, url, "ingestion")
        with engine.connect() as conn:
            row = conn.execute(
                sa.text("SELECT dataset_id, version, n_rows, data_uri FROM dataset_versions")
            ).one()
            assert tuple(row) == (DATASET_ID, 1, 3, "file:///d")
            kind, version = conn.execute(sa.text("SELECT source_kind, version FROM datasets")).one()
            assert (kind, version) == ("upload", 1)
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert [d for d in diff if "alembic_version" not in str(d)] == []

        command.downgrade(config, "0001")
        columns = {c["name"] for c in sa.inspect(engine).get_columns("datasets")}
        assert {"source_kind", "source_config", "version"}.isdisjoint(columns)
        assert "dataset_versions" not in sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()
