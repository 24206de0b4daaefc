"""Run a service's own Alembic history against its database, programmatically.

Every service keeps its migrations in ``<package>/migrations`` and its own version table
(``alembic_version_<service>``), so several services can share one PostgreSQL database without
touching each other's tables.

On PostgreSQL an upgrade holds a transaction-scoped advisory lock per version table, so every
replica of a service may run ``migrate`` at start: the first one upgrades, the others wait for it
and then find the schema at head.
"""

from __future__ import annotations

import zlib
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, MetaData, text


def alembic_config(migrations_dir: Path, url: str, service: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    # Escape % for ConfigParser interpolation (URL-encoded passwords).
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.set_main_option("version_table", f"alembic_version_{service}")
    return cfg


def upgrade(migrations_dir: Path, url: str, service: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(migrations_dir, url, service), revision)


def run_env(target_metadata: MetaData) -> None:
    """The body of every service's ``migrations/env.py``."""
    from alembic import context

    from skyulf_platform.db.engine import make_engine

    cfg = context.config
    url = cfg.get_main_option("sqlalchemy.url")
    version_table = cfg.get_main_option("version_table") or "alembic_version"
    assert url is not None
    if context.is_offline_mode():
        context.configure(
            url=url,
            target_metadata=target_metadata,
            version_table=version_table,
            literal_binds=True,
            render_as_batch=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration copies a table and drops the old one; with foreign keys on,
            # SQLite first deletes every row referencing it (ON DELETE CASCADE). They are off
            # while migrating (outside the transaction, where the pragma takes effect) and the
            # result is checked before it commits.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            version_table=version_table,
            render_as_batch=sqlite,
            compare_type=True,
        )
        with context.begin_transaction():
            _lock(connection, version_table)
            context.run_migrations()
            if sqlite:
                _check_foreign_keys(connection)
    engine.dispose()


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        tables = sorted({str(row[0]) for row in broken})
        raise RuntimeError(
            f"the migration left {len(broken)} row(s) whose foreign keys point nowhere "
            f"(tables: {', '.join(tables)})"
        )


def _lock(connection: Connection, version_table: str) -> None:
    """Serialise concurrent upgrades of one service's schema (PostgreSQL only)."""
    if connection.dialect.name == "postgresql":
        key = zlib.crc32(version_table.encode())
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
