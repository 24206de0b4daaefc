"""PostgreSQL databases and Redis databases handed out to tests are real and isolated."""

from __future__ import annotations

import redis
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from skyulf_platform.testing.databases import (
    postgres_database,
    postgres_server_url,
    redis_database,
)


def _database_exists(name: str) -> bool:
    engine = sa.create_engine(postgres_server_url(), poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return bool(
                conn.execute(
                    sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
                ).scalar()
            )
    finally:
        engine.dispose()


def test_postgres_url_fixture_is_usable(postgres_url: str) -> None:
    url = make_url(postgres_url)
    assert url.drivername == "postgresql+psycopg"
    assert url.database and url.database.startswith("skyulf_test_")
    engine = sa.create_engine(postgres_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT current_database()")).scalar() == url.database
    finally:
        engine.dispose()


def test_postgres_database_is_created_usable_and_dropped(postgres_url: str) -> None:
    # postgres_url makes this test skip (or fail in CI) when PostgreSQL is down.
    with postgres_database() as url:
        name = make_url(url).database
        assert name and name != make_url(postgres_url).database
        assert _database_exists(name)
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE item (id serial PRIMARY KEY, name text NOT NULL)"))
            conn.execute(sa.text("INSERT INTO item (name) VALUES ('a'), ('b')"))
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT name FROM item ORDER BY id")).scalars().all()
        assert rows == ["a", "b"]
        # A connection still open when the context exits does not block the drop.
        held = engine.connect()
        held.execute(sa.text("SELECT 1"))
    assert not _database_exists(name)
    held.invalidate()
    engine.dispose()


def test_redis_round_trip_on_chosen_db(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    try:
        db = client.connection_pool.connection_kwargs["db"]
        assert db != 0
        client.set("skyulf:testing:key", "value", ex=60)
        assert client.get("skyulf:testing:key") == b"value"
        client.delete("skyulf:testing:key")
    finally:
        client.close()


def test_redis_databases_are_distinct_and_flushed(redis_url: str) -> None:
    with redis_database() as first, redis_database() as second:
        assert len({first, second, redis_url}) == 3
        client = redis.Redis.from_url(first)
        client.set("left-behind", "1")
        client.close()
    client = redis.Redis.from_url(first)
    try:
        assert client.dbsize() == 0
    finally:
        client.close()
