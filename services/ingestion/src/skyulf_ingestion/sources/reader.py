"""Checks a source when it is created and reads it when the ingest task runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import polars as pl

from skyulf_ingestion import formats
from skyulf_ingestion.sources.http import read_http, resolve
from skyulf_ingestion.sources.models import HttpSource, S3Source, Source, SqlSource, UploadSource
from skyulf_ingestion.sources.s3 import S3Fetcher, split_uri
from skyulf_ingestion.sources.sql import parse_url, read_sql, select_statement


@dataclass
class SourceReader:
    s3: S3Fetcher | None = None
    http_allowed_hosts: list[str] = field(default_factory=list)
    http_max_bytes: int = 256 * 1024 * 1024
    http_timeout_seconds: float = 120.0
    sql_sqlite_dirs: list[Path] = field(default_factory=list)
    sql_statement_timeout_seconds: int = 300
    max_rows: int = 50_000_000
    max_object_bytes: int = 512 * 1024 * 1024

    def describe(self, source: Source) -> str:
        """A name for the source that carries no secret (the dataset's source_filename)."""
        if isinstance(source, SqlSource):
            return source.table.strip() or "query"
        if isinstance(source, HttpSource):
            parts = source.url.split("?", 1)[0].rstrip("/").rsplit("/", 1)
            return parts[-1] or "records"
        if isinstance(source, S3Source):
            return PurePosixPath(split_uri(source.uri)[1]).name
        return "upload"

    def check(self, source: Source) -> None:
        """Refuse a source that could never be read, before a dataset is recorded."""
        if isinstance(source, SqlSource):
            parse_url(source.url, self.sql_sqlite_dirs)
            select_statement(source)
        elif isinstance(source, HttpSource):
            resolve(source.url, self.http_allowed_hosts)
        elif isinstance(source, S3Source):
            if self.s3 is not None:
                self.s3.check(source.uri)
            formats.detect_format(PurePosixPath(split_uri(source.uri)[1]).name)

    def read(self, source: Source, folder: Path) -> pl.DataFrame:
        if isinstance(source, SqlSource):
            return read_sql(
                source,
                sqlite_dirs=self.sql_sqlite_dirs,
                timeout_s=self.sql_statement_timeout_seconds,
                max_rows=self.max_rows,
            )
        if isinstance(source, HttpSource):
            return read_http(
                source,
                allowed_hosts=self.http_allowed_hosts,
                max_bytes=self.http_max_bytes,
                timeout_s=self.http_timeout_seconds,
                max_rows=self.max_rows,
            )
        if isinstance(source, S3Source):
            if self.s3 is None:
                raise RuntimeError("no S3 client configured")
            filename = formats.clean_filename(PurePosixPath(split_uri(source.uri)[1]).name)
            fmt = formats.detect_format(filename)
            path = folder / "object"
            self.s3.download(source.uri, path, self.max_object_bytes)
            return formats.read_frame(
                filename, fmt, path, sheet=source.sheet, header_row=source.header_row
            )
        raise TypeError(f"not a fetched source: {type(source).__name__}")


__all__ = ["SourceReader", "UploadSource"]
