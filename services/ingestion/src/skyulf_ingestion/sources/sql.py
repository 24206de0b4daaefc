"""Reading a table or a SELECT from a database, read-only, with a statement timeout.

Three guards, each enough on its own for most cases: the statement is checked to be a single
SELECT; the transaction is read-only (SQLite: the file is opened read-only); only known drivers
and harmless URL options are accepted. Error messages never carry the URL's password.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

from skyulf_errors import InvalidArgument, Unavailable
from skyulf_ingestion.sources import refuse_control_characters
from skyulf_ingestion.sources.models import SqlSource

_DRIVERS = {
    "postgresql": "postgresql+psycopg",
    "postgresql+psycopg": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mysql+pymysql": "mysql+pymysql",
    "mariadb": "mariadb+pymysql",
    "mariadb+pymysql": "mariadb+pymysql",
    "sqlite": "sqlite",
}
# URL options that only shape the connection; anything else (init commands, local files,
# server-side options) is refused.
_SAFE_OPTIONS = {"sslmode", "charset", "application_name", "connect_timeout"}
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$")
_WRITES = re.compile(
    r"\b(insert|update|delete|merge|upsert|replace|drop|alter|create|truncate|grant|revoke|"
    r"copy|call|exec|execute|do|lock|set|reset|attach|detach|pragma|vacuum|load|into|"
    r"handler|rename|comment|refresh|listen|notify|prepare|deallocate)\b",
    re.IGNORECASE,
)
_STRINGS_AND_COMMENTS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/", re.S)


def _invalid(message: str, field: str) -> InvalidArgument:
    return InvalidArgument(message, details={"field": field})


def parse_url(raw: str, sqlite_dirs: list[Path]) -> URL:
    """The URL with its driver made explicit; refuses unknown drivers and unsafe options."""
    refuse_control_characters(raw, "url", "database URL")
    try:
        url = make_url(raw.strip())
    except ArgumentError as e:
        raise _invalid("the database URL is not a valid SQLAlchemy URL", "url") from e
    driver = _DRIVERS.get(url.drivername)
    if driver is None:
        accepted = "postgresql, mysql, mariadb, sqlite"
        raise _invalid(f"database driver {url.drivername!r} is not accepted ({accepted})", "url")
    unsafe = sorted(set(url.query) - _SAFE_OPTIONS)
    if unsafe:
        raise _invalid(f"database URL option(s) refused: {', '.join(unsafe)}", "url")
    if driver == "sqlite":
        if not url.database or url.database == ":memory:":
            raise _invalid("a SQLite source needs the path of a database file", "url")
        path = Path(url.database).resolve()
        if not any(path.is_relative_to(d.resolve()) for d in sqlite_dirs):
            raise _invalid("this SQLite file is outside the folders sources may read", "url")
        return URL.create("sqlite", database=f"file:{path}", query={"mode": "ro", "uri": "true"})
    return url.set(drivername=driver)


def select_statement(source: SqlSource, quote: Callable[[str], str] = lambda p: f'"{p}"') -> str:
    """The SELECT to run: the table's rows, or the user's query once checked to only read."""
    table, query = source.table.strip(), source.query.strip().rstrip(";").strip()
    if bool(table) == bool(query):
        raise _invalid("give exactly one of table and query", "table" if table else "query")
    if table:
        if not _IDENTIFIER.match(table):
            raise _invalid(f"table {table!r} is not a plain (schema.)table name", "table")
        return "SELECT * FROM " + ".".join(quote(p) for p in table.split("."))
    bare = _STRINGS_AND_COMMENTS.sub(" ", query)
    if ";" in bare:
        raise _invalid("the query must be a single statement", "query")
    if not re.match(r"^\s*(select|with)\b", bare, re.IGNORECASE):
        raise _invalid("the query must be a SELECT (or WITH ... SELECT)", "query")
    write = _WRITES.search(bare)
    if write:
        raise _invalid(f"the query may only read; {write.group(1).upper()} is refused", "query")
    return query


def _scrub(text: str, url: URL) -> str:
    """A driver's message with the password, if any, blotted out."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    if url.password:
        first = first.replace(str(url.password), "***")
    return first[:300]


def _begin_read_only(conn: sa.Connection, dialect: str, timeout_s: int) -> None:
    if dialect == "postgresql":
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")
        conn.exec_driver_sql(f"SET LOCAL statement_timeout = {int(timeout_s) * 1000}")
    elif dialect in ("mysql", "mariadb"):
        # SESSION: every transaction of this connection (a NullPool one, closed after) reads only.
        conn.exec_driver_sql("SET SESSION TRANSACTION READ ONLY")
        if getattr(conn.dialect, "is_mariadb", False):
            conn.exec_driver_sql(f"SET SESSION max_statement_time = {int(timeout_s)}")
        else:
            conn.exec_driver_sql(f"SET SESSION MAX_EXECUTION_TIME = {int(timeout_s) * 1000}")
    else:
        conn.exec_driver_sql("PRAGMA query_only = ON")


def read_sql(
    source: SqlSource, *, sqlite_dirs: list[Path], timeout_s: int, max_rows: int
) -> pl.DataFrame:
    url = parse_url(source.url, sqlite_dirs)
    dialect = url.get_backend_name()
    options: dict[str, object] = {"poolclass": sa.NullPool}
    if dialect != "sqlite":
        options["connect_args"] = {"connect_timeout": 10}
    engine = sa.create_engine(url, **options)  # type: ignore[arg-type]
    # Identifiers quoted the dialect's way (MySQL uses backticks).
    statement = select_statement(source, engine.dialect.identifier_preparer.quote_identifier)
    try:
        with engine.connect() as conn:
            if dialect in ("mysql", "mariadb"):
                # MySQL needs the characteristics before the transaction starts.
                _begin_read_only(conn, dialect, timeout_s)
                conn.commit()
            with conn.begin():
                if dialect not in ("mysql", "mariadb"):
                    _begin_read_only(conn, dialect, timeout_s)
                bounded = f"SELECT * FROM ({statement}) AS source_rows LIMIT {max_rows + 1}"
                frame = pl.read_database(sa.text(bounded), conn, infer_schema_length=None)
    except DBAPIError as e:
        if e.connection_invalidated or isinstance(e, sa.exc.OperationalError):
            raise Unavailable(
                f"the database could not run the query: {_scrub(str(e.orig), url)}",
                details={"field": "url"},
            ) from None
        raise InvalidArgument(
            f"the database refused the query: {_scrub(str(e.orig), url)}",
            details={"field": "query" if source.query else "table"},
        ) from None
    except SQLAlchemyError as e:
        raise InvalidArgument(
            f"the query could not be run ({type(e).__name__})", details={"field": "query"}
        ) from None
    finally:
        engine.dispose()
    if frame.height > max_rows:
        raise InvalidArgument(
            f"the source has more than {max_rows} rows", details={"limit_rows": max_rows}
        )
    if frame.width == 0 or frame.height == 0:
        raise InvalidArgument("the query returned no rows", details={"field": "query"})
    return frame
