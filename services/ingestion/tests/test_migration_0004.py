"""Migration 0004 (a profile per version) on SQLite and PostgreSQL: the dataset's profile moves
to its newest READY version, the schema matches the tables, and the way down brings it back."""

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
PROFILE = '{"n_rows": 3}'


def test_0004_moves_the_profile_to_the_newest_version_and_back(url: str) -> None:
    config = alembic_config(MIGRATIONS_DIR, url, "ingestion")
    command.upgrade(config, "0003")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            # Version 3 is being ingested: the profile on the row is version 2's.
            conn.execute(
                sa.text(
                    "INSERT INTO datasets (id, name, status, source_filename, size_bytes, raw_uri, "
                    "raw_sha256, data_uri, data_sha256, n_rows, n_columns, columns, profile, "
                    "version, created_at, updated_at) VALUES (:id, 'd', 'PENDING', 'd.csv', 10, "
                    "'file:///r', 'a', 'file:///d2', 'b', 3, 1, '[]', :profile, 3, :t, :t)"
                ),
                {"id": DATASET_ID, "profile": PROFILE, "t": "2026-01-02 03:04:05"},
            )
            for version in (1, 2):
                conn.execute(
                    sa.text(
                        "INSERT INTO dataset_versions (id, dataset_id, version, source_filename, "
                        "size_bytes, data_uri, data_sha256, n_rows, n_columns, columns, "
                        "created_at) VALUES (:vid, :id, :v, 'd.csv', 10, 'file:///d', 'b', 3, 1, "
                        "'[]', :t)"
                    ),
                    {
                        "vid": f"{DATASET_ID[:-1]}{version}",
                        "id": DATASET_ID,
                        "v": version,
                        "t": "2026-01-02 03:04:05",
                    },
                )
        upgrade(MIGRATIONS_DIR, url, "ingestion")
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT version, profile FROM dataset_versions ORDER BY version")
            ).all()
            assert [tuple(r) for r in rows] == [(1, None), (2, PROFILE)]
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert [d for d in diff if "alembic_version" not in str(d)] == []
        columns = {c["name"] for c in sa.inspect(engine).get_columns("datasets")}
        assert "profile" not in columns

        command.downgrade(config, "0003")
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT profile FROM datasets")).scalar_one() == PROFILE
        columns = {c["name"] for c in sa.inspect(engine).get_columns("dataset_versions")}
        assert "profile" not in columns
    finally:
        engine.dispose()
