"""SQL sources against real SQLite files and the loopback PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from skyulf_errors import InvalidArgument
from skyulf_ingestion.models import DatasetStatus
from skyulf_ingestion.service import IngestionService
from skyulf_ingestion.settings import IngestionSettings
from skyulf_ingestion.sources.models import SqlSource
from skyulf_ingestion.sources.sql import select_statement
from skyulf_ingestion.wiring import build_service
from skyulf_platform.testing.containers import ServiceUnavailable
from skyulf_platform.testing.pytest_plugin import unavailable


@pytest.fixture
def sql_service(settings: IngestionSettings, queued: list[str], tmp_path: Path) -> IngestionService:
    sources = tmp_path / "sources"
    sources.mkdir()
    s = settings.model_copy(update={"sql_sqlite_dirs": [sources]})
    svc = build_service(s, enqueue=queued.append)
    yield svc  # type: ignore[misc]
    svc.uow.engine.dispose()


@pytest.fixture
def shop_db(tmp_path: Path) -> Path:
    path = tmp_path / "sources" / "shop.db"
    path.parent.mkdir(exist_ok=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE orders (id INTEGER, city TEXT, amount REAL)")
        db.executemany(
            "INSERT INTO orders VALUES (?, ?, ?)",
            [(i, ["Oslo", "Lima", "Pune"][i % 3], i * 1.5) for i in range(1, 41)],
        )
    return path


def test_a_sqlite_table_becomes_a_dataset(
    sql_service: IngestionService, queued: list[str], shop_db: Path
) -> None:
    dataset = sql_service.create_from_source(SqlSource(url=f"sqlite:///{shop_db}", table="orders"))
    assert dataset.status is DatasetStatus.PENDING and dataset.source_kind == "sql"
    assert queued == [dataset.id]
    done = sql_service.ingest(dataset.id)
    assert done.status is DatasetStatus.READY, done.error
    assert done.n_rows == 40 and [c.name for c in done.columns] == ["id", "city", "amount"]
    assert done.data_sha256 and len(done.data_sha256) == 64


def test_a_select_is_ingested(sql_service: IngestionService, shop_db: Path) -> None:
    query = "SELECT city, SUM(amount) AS total FROM orders WHERE city <> 'Lima' GROUP BY city"
    dataset = sql_service.create_from_source(SqlSource(url=f"sqlite:///{shop_db}", query=query))
    done = sql_service.ingest(dataset.id)
    assert done.status is DatasetStatus.READY, done.error
    assert done.n_rows == 2


@pytest.mark.parametrize(
    "query",
    [
        "DELETE FROM orders",
        "SELECT 1; DROP TABLE orders",
        "WITH x AS (DELETE FROM orders RETURNING *) SELECT * FROM x",
        "SELECT * INTO copy FROM orders",
        "PRAGMA writable_schema = 1",
        "UPDATE orders SET amount = 0",
    ],
)
def test_statements_that_write_are_refused(
    sql_service: IngestionService, queued: list[str], shop_db: Path, query: str
) -> None:
    with pytest.raises(InvalidArgument) as caught:
        sql_service.create_from_source(SqlSource(url=f"sqlite:///{shop_db}", query=query))
    assert caught.value.details["field"] == "query"
    assert queued == [] and sql_service.list_datasets().total == 0
    with sqlite3.connect(shop_db) as db:
        assert db.execute("SELECT COUNT(*) FROM orders").fetchone() == (40,)


def test_quoted_words_do_not_count_as_writes() -> None:
    source = SqlSource(url="sqlite://", query="SELECT 'delete me' AS note -- drop\nFROM t")
    assert select_statement(source).startswith("SELECT")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("oracle://u:p@h/db", "driver 'oracle' is not accepted"),
        ("mysql://u:p@h/db?local_infile=1", "option\\(s\\) refused: local_infile"),
        ("postgresql://u:p@h/db?options=-c%20x", "option\\(s\\) refused: options"),
        ("sqlite:////etc/passwd.db", "outside the folders sources may read"),
        ("not a url", "not a valid SQLAlchemy URL"),
        ("sqlite:////tmp/x\x00.db", "control character"),
        ("postgresql://u:p@h/db\r\nx", "control character"),
    ],
)
def test_drivers_options_and_files_are_checked(
    sql_service: IngestionService, url: str, message: str
) -> None:
    with pytest.raises(InvalidArgument, match=message) as caught:
        sql_service.create_from_source(SqlSource(url=url, table="t"))
    assert caught.value.details == {"field": "url"}
    assert "p@h" not in str(caught.value)


def test_the_credentials_are_stored_encrypted_and_never_shown(
    sql_service: IngestionService, shop_db: Path, settings: IngestionSettings
) -> None:
    secret = "hunter2-very-secret"
    dataset = sql_service.create_from_source(
        SqlSource(url=f"postgresql://reader:{secret}@127.0.0.1:1/shop", table="orders")
    )
    assert secret not in dataset.model_dump_json()
    engine = sa.create_engine(settings.resolved_database_url())
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT * FROM datasets")).mappings().one()
    engine.dispose()
    assert secret not in str(dict(stored))
    # Port 1 refuses: the failure says so without the password.
    done = sql_service.ingest(dataset.id)
    assert done.status is DatasetStatus.FAILED
    assert done.error and secret not in done.error and "orders" in done.error


def test_a_postgresql_table_is_read_in_a_read_only_transaction(
    sql_service: IngestionService, fresh_postgres_url: str
) -> None:
    engine = sa.create_engine(fresh_postgres_url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE visits (id int, page text, seconds float)"))
        conn.execute(
            sa.text(
                "INSERT INTO visits SELECT g, 'p' || (g % 4), g * 0.5 FROM generate_series(1, 250) g"
            )
        )
    url = make_url(fresh_postgres_url).render_as_string(hide_password=False)
    dataset = sql_service.create_from_source(SqlSource(url=url, table="visits"), name="visits")
    done = sql_service.ingest(dataset.id)
    assert done.status is DatasetStatus.READY, done.error
    assert done.n_rows == 250 and done.name == "visits"
    # A function that writes passes the statement check but not the read-only transaction.
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE FUNCTION wipe() RETURNS int LANGUAGE sql AS "
                "$$ DELETE FROM visits RETURNING 1 $$"
            )
        )
    sneaky = sql_service.create_from_source(SqlSource(url=url, query="SELECT wipe() AS n"))
    failed = sql_service.ingest(sneaky.id)
    assert failed.status is DatasetStatus.FAILED
    assert failed.error and "read-only" in failed.error
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM visits")).scalar() == 250
    engine.dispose()


@pytest.fixture
def mariadb_url() -> Iterator[str]:
    """A fresh database on the loopback MariaDB (root, empty password), dropped afterwards."""
    import uuid

    import pymysql

    name = f"skyulf_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = pymysql.connect(host="127.0.0.1", port=3306, user="root", connect_timeout=3)
    except pymysql.err.OperationalError as e:
        unavailable("MariaDB", ServiceUnavailable(f"not reachable on 127.0.0.1:3306: {e}"))
    with admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name}")
    try:
        yield f"mysql://root@127.0.0.1:3306/{name}"
    finally:
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.close()


def test_a_mariadb_table_is_read_and_writes_are_refused_by_the_server(
    sql_service: IngestionService, mariadb_url: str
) -> None:
    engine = sa.create_engine(mariadb_url.replace("mysql://", "mysql+pymysql://"))
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE items (id INT, label VARCHAR(20), weight DOUBLE)"))
        conn.execute(
            sa.text("INSERT INTO items VALUES (1, 'a', 0.5), (2, 'b', 1.5), (3, 'c', 2.5)")
        )
    dataset = sql_service.create_from_source(SqlSource(url=mariadb_url, table="items"))
    done = sql_service.ingest(dataset.id)
    assert done.status is DatasetStatus.READY, done.error
    assert done.n_rows == 3 and [c.name for c in done.columns] == ["id", "label", "weight"]
    # A function with a side effect passes the statement check; the read-only transaction stops it.
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE FUNCTION wipe() RETURNS INT MODIFIES SQL DATA "
                "BEGIN DELETE FROM items; RETURN 1; END"
            )
        )
    sneaky = sql_service.create_from_source(SqlSource(url=mariadb_url, query="SELECT wipe() AS n"))
    failed = sql_service.ingest(sneaky.id)
    assert failed.status is DatasetStatus.FAILED, failed.error
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM items")).scalar() == 3
    engine.dispose()
