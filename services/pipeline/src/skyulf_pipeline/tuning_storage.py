"""Optuna's RDB storage for the tuning studies, on the platform's database.

On PostgreSQL the storage lives in its own schema (``SKYULF_TUNING_SCHEMA``, default
``skyulf_tuning``): every connection of the storage sets ``search_path`` to it, so Optuna's
tables (``studies``, ``trials``, ...) and the ``alembic_version`` table Optuna keeps for its own
schema upgrades sit apart from the services' tables and their ``alembic_version_<service>``
tables, even when every service shares one database. Elsewhere (the embedded default) it is a
SQLite file of its own. ``SKYULF_TUNING_STORAGE_URL`` points it anywhere else.

The first process to open the storage creates its tables; on PostgreSQL it does so under an
advisory lock, so workers starting together do not race to create them.
"""

from __future__ import annotations

import warnings
import zlib
from functools import cache
from pathlib import Path
from typing import Any

import optuna
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from skyulf_pipeline.settings import PipelineSettings

_LOCK = zlib.crc32(b"skyulf-tuning-storage")


def _engine_kwargs(url: str, schema: str) -> dict[str, Any]:
    backend = make_url(url).get_backend_name()
    if backend == "postgresql":
        return {"pool_pre_ping": True, "connect_args": {"options": f"-csearch_path={schema}"}}
    if backend == "sqlite":
        return {"connect_args": {"timeout": 60}}
    return {"pool_pre_ping": True}


def _rdb(
    url: str, kwargs: dict[str, Any], heartbeat: int, grace: int
) -> optuna.storages.RDBStorage:
    with warnings.catch_warnings():
        # The heartbeat is marked experimental; it is what fails the trials of dead workers.
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        return optuna.storages.RDBStorage(
            url, engine_kwargs=kwargs, heartbeat_interval=heartbeat, grace_period=grace
        )


@cache
def open_storage(
    url: str, schema: str, heartbeat_seconds: int, grace_seconds: int
) -> optuna.storages.RDBStorage:
    """The storage (one per process and setting); its tables are created on first use."""
    kwargs = _engine_kwargs(url, schema)
    backend, database = make_url(url).get_backend_name(), make_url(url).database
    if backend != "postgresql":
        if backend == "sqlite" and database:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        return _rdb(url, kwargs, heartbeat_seconds, grace_seconds)
    admin = create_engine(url)
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _LOCK})
            try:
                conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
                conn.commit()
                return _rdb(url, kwargs, heartbeat_seconds, grace_seconds)
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _LOCK})
                conn.commit()
    finally:
        admin.dispose()


def storage_for(settings: PipelineSettings) -> optuna.storages.RDBStorage:
    return open_storage(
        settings.resolved_tuning_storage_url(),
        settings.tuning_schema,
        settings.tuning_heartbeat_seconds,
        settings.tuning_grace_seconds,
    )
