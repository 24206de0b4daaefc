"""Real PostgreSQL and Redis for tests, on servers that are already running.

``postgres_database()`` creates a fresh, uniquely named database on the server at
``SKYULF_TEST_POSTGRES_URL`` and drops it afterwards.  ``redis_url()`` checks the
server at ``SKYULF_TEST_REDIS_URL`` and hands out a database number that no other
caller in any process on this machine holds at the same time.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import redis
import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

__all__ = [
    "DEFAULT_POSTGRES_URL",
    "DEFAULT_REDIS_URL",
    "ServiceUnavailable",
    "check_postgres",
    "check_redis",
    "postgres_database",
    "postgres_server_url",
    "redis_database",
    "redis_server_url",
    "redis_url",
]

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379"
POSTGRES_URL_ENV = "SKYULF_TEST_POSTGRES_URL"
REDIS_URL_ENV = "SKYULF_TEST_REDIS_URL"

# Databases created here are named with this prefix, so a leftover is recognisable.
DATABASE_PREFIX = "skyulf_test_"


class ServiceUnavailable(RuntimeError):
    """A backing service (PostgreSQL, Redis, S3) cannot be reached or started.

    ``hint`` says how to make it available.
    """

    def __init__(self, message: str, hint: str = "") -> None:
        message = message.rstrip().rstrip(".")
        super().__init__(f"{message}. {hint}" if hint else message)
        self.hint = hint


# -- PostgreSQL -------------------------------------------------------------------------


def postgres_server_url() -> URL:
    """The administrative URL of the test PostgreSQL server (psycopg 3 driver)."""
    url = make_url(os.environ.get(POSTGRES_URL_ENV) or DEFAULT_POSTGRES_URL)
    if url.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        url = url.set(drivername="postgresql+psycopg")
    return url


_POSTGRES_HINT = (
    f"Start PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth) or point "
    f"{POSTGRES_URL_ENV} at a server where the user may CREATE DATABASE"
)


def _admin_engine(server: URL) -> sa.Engine:
    return sa.create_engine(
        server,
        isolation_level="AUTOCOMMIT",
        poolclass=sa.pool.NullPool,
        connect_args={"connect_timeout": 3},
    )


def check_postgres(server: URL | str | None = None) -> None:
    """Raise :class:`ServiceUnavailable` unless the server accepts a connection."""
    url = make_url(server) if server is not None else postgres_server_url()
    engine = _admin_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:
        raise ServiceUnavailable(
            f"PostgreSQL at {url.render_as_string(hide_password=True)} is unreachable: {exc}",
            _POSTGRES_HINT,
        ) from exc
    finally:
        engine.dispose()


@contextlib.contextmanager
def postgres_database(
    server: URL | str | None = None, *, prefix: str = DATABASE_PREFIX
) -> Iterator[str]:
    """Create a fresh database, yield its SQLAlchemy URL, then drop it.

    The yielded URL is a string with the ``postgresql+psycopg`` driver and the
    password included, ready for ``create_engine``.  On exit other sessions on the
    database are terminated and it is dropped ``WITH (FORCE)``.
    """
    server_url = make_url(server) if server is not None else postgres_server_url()
    if server_url.drivername != "postgresql+psycopg":
        server_url = server_url.set(drivername="postgresql+psycopg")
    name = f"{prefix}{uuid.uuid4().hex[:16]}"
    admin = _admin_engine(server_url)
    try:
        try:
            with admin.connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        except Exception as exc:
            raise ServiceUnavailable(
                f"cannot create a database on PostgreSQL at "
                f"{server_url.render_as_string(hide_password=True)}: {exc}",
                _POSTGRES_HINT,
            ) from exc
        try:
            yield server_url.set(database=name).render_as_string(hide_password=False)
        finally:
            _drop_database(admin, name)
    finally:
        admin.dispose()


def _drop_database(admin: sa.Engine, name: str) -> None:
    with admin.connect() as conn:
        conn.execute(
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": name},
        )
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


# -- Redis ------------------------------------------------------------------------------


def redis_server_url() -> str:
    """The URL of the test Redis server, without a database number."""
    return (os.environ.get(REDIS_URL_ENV) or DEFAULT_REDIS_URL).rstrip("/")


_REDIS_HINT = (
    f"Start Redis on 127.0.0.1:6379 (e.g. `redis-server --bind 127.0.0.1`) or point "
    f"{REDIS_URL_ENV} at a running server"
)


def _with_db(server: str, db: int) -> str:
    base = server.rstrip("/")
    scheme, sep, rest = base.partition("://")
    query = ""
    if "?" in rest:
        rest, query = rest.split("?", 1)
        query = "?" + query
    host = rest.split("/", 1)[0]
    return f"{scheme}{sep}{host}/{db}{query}"


def check_redis(server: str | None = None) -> int:
    """PING the server; return how many databases it has.  Raise :class:`ServiceUnavailable`."""
    url = server or redis_server_url()
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    try:
        if not client.ping():
            raise ServiceUnavailable(f"Redis at {url} did not answer PING", _REDIS_HINT)
        try:
            return int(client.config_get("databases").get("databases") or 16)
        except redis.RedisError:
            return 16  # CONFIG may be disabled; 16 is Redis' default
    except redis.RedisError as exc:
        raise ServiceUnavailable(f"Redis at {url} is unreachable: {exc}", _REDIS_HINT) from exc
    finally:
        client.close()


def _lock_dir() -> Path:
    path = Path(tempfile.gettempdir()) / "skyulf-test-redis-locks"
    path.mkdir(mode=0o777, exist_ok=True)
    return path


def _claim_db(server: str, databases: int) -> tuple[int, IO[bytes]]:
    """Take an exclusive advisory lock on a free database index (db 0 is left alone)."""
    key = "".join(ch if ch.isalnum() else "_" for ch in server.split("://", 1)[-1])
    for db in range(databases - 1, 0, -1):
        handle = open(_lock_dir() / f"{key}-{db}.lock", "wb")  # noqa: SIM115 - kept while held
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        return db, handle
    raise ServiceUnavailable(
        f"all {databases - 1} Redis databases at {server} are in use by other tests",
        "Run fewer test processes at once or raise `databases` in redis.conf",
    )


@contextlib.contextmanager
def redis_database(server: str | None = None) -> Iterator[str]:
    """Yield a Redis URL with a database number held by nobody else; FLUSHDB at start and end.

    Database numbers are handed out from the top (15, 14, ...) and held with a file
    lock, so concurrent test processes on this machine never share one.
    """
    base = server or redis_server_url()
    databases = check_redis(base)
    db, lock = _claim_db(base, databases)
    url = _with_db(base, db)
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        try:
            client.flushdb()
            yield url
        finally:
            with contextlib.suppress(redis.RedisError):
                client.flushdb()
            client.close()
    finally:
        lock.close()


# Held databases of redis_url(), released when the interpreter exits.
_held: list[contextlib.ExitStack] = []


def redis_url(server: str | None = None) -> str:
    """Return a Redis URL on a database no one else uses, flushed now and at exit.

    The claim lasts until the process ends; use :func:`redis_database` for a
    scoped one.
    """
    import atexit

    stack = contextlib.ExitStack()
    url = stack.enter_context(redis_database(server))
    if not _held:
        atexit.register(_release_held)
    _held.append(stack)
    return url


def _release_held() -> None:
    while _held:
        with contextlib.suppress(Exception):
            _held.pop().close()
