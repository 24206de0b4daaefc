"""Every replica of a service may run its migrations at start, as the chart's init containers do.

Real processes, real PostgreSQL: several ``python -m skyulf_<svc> migrate`` at once on a fresh
database all succeed and leave one schema at head.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import sqlalchemy as sa

SERVICES = ("ingestion", "registry")
REPLICAS = 3


@pytest.mark.realservices
def test_concurrent_migrations_of_every_service_converge(fresh_postgres_url: str) -> None:
    env = {**os.environ, "SKYULF_DATABASE_URL": fresh_postgres_url, "SKYULF_LOG_FORMAT": "text"}
    procs = [
        (
            svc,
            subprocess.Popen(
                [sys.executable, "-m", f"skyulf_{svc}", "migrate"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            ),
        )
        for svc in SERVICES
        for _ in range(REPLICAS)
    ]
    failures = {}
    for svc, proc in procs:
        out, _ = proc.communicate(timeout=180)
        if proc.returncode != 0:
            failures[svc] = out[-2000:]
    assert not failures, failures
    engine = sa.create_engine(fresh_postgres_url)
    try:
        with engine.connect() as conn:
            for svc in SERVICES:
                versions = conn.execute(sa.text(f"SELECT version_num FROM alembic_version_{svc}"))
                assert len(versions.all()) == 1, svc
    finally:
        engine.dispose()
