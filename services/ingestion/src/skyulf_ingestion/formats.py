"""File formats an upload may be in: how to recognise, sniff and read each with Polars.

Polars and the csv module report problems in their own words; here they become InvalidArgument
errors that name the uploaded file (and the line, when it is known).
"""

from __future__ import annotations

import csv
import io
import json
from enum import StrEnum
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Literal

import polars as pl

from skyulf_errors import InvalidArgument, UnsupportedMediaType
from skyulf_ingestion import excel

# Rows Polars looks at to infer column types before falling back to a full scan.
INFER_SCHEMA_ROWS = 10_000
PARQUET_MAGIC = b"PAR1"

ParquetCompression = Literal["lz4", "zstd", "snappy", "uncompressed"]


class FileFormat(StrEnum):
    CSV = "csv"
    TSV = "tsv"
    PARQUET = "parquet"
    JSON = "json"
    NDJSON = "ndjson"
    XLSX = "xlsx"
    XLS = "xls"


_EXTENSIONS: dict[str, FileFormat] = {
    ".csv": FileFormat.CSV,
    ".tsv": FileFormat.TSV,
    ".parquet": FileFormat.PARQUET,
    ".json": FileFormat.JSON,
    ".jsonl": FileFormat.NDJSON,
    ".ndjson": FileFormat.NDJSON,
    ".xlsx": FileFormat.XLSX,
    ".xls": FileFormat.XLS,
}
EXCEL = (FileFormat.XLSX, FileFormat.XLS)
_SEPARATORS = {FileFormat.CSV: ",", FileFormat.TSV: "\t"}


def _invalid(filename: str, message: str, **details: object) -> InvalidArgument:
    return InvalidArgument(f"{filename}: {message}", details={"file": filename, **details})


def clean_filename(filename: str) -> str:
    """The file's base name: a client may send a path, which must not reach an artifact key."""
    base = PureWindowsPath(PurePosixPath(filename.strip()).name).name
    if base in ("", ".", ".."):
        raise InvalidArgument(
            f"upload has no usable file name ({filename!r})", details={"field": "filename"}
        )
    return base


def detect_format(filename: str) -> FileFormat:
    suffix = PurePosixPath(filename.lower()).suffix
    fmt = _EXTENSIONS.get(suffix)
    if fmt is None:
        accepted = ", ".join(sorted(_EXTENSIONS))
        shown = suffix or "none"
        # Refused by its name, unread: a pickle or an archive never reaches a parser.
        raise UnsupportedMediaType(
            f"{filename}: unsupported file type {shown!r} (accepted: {accepted})",
            details={"file": filename, "field": "file"},
        )
    return fmt


def _first_line(e: Exception) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def _text_head(filename: str, data: bytes, limit: int) -> str:
    """The first `limit` bytes as text, cut at a line end; refuses binary and non-UTF-8 data."""
    head = data[:limit]
    if b"\x00" in head:
        raise _invalid(filename, "is not a text file (it contains binary data)")
    if len(data) > limit and b"\n" in head:
        head = head[: head.rindex(b"\n") + 1]
    try:
        return head.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        # A multi-byte character cut by the sample's end is not the file's fault.
        if len(data) > len(head) and e.start >= len(head) - 3:
            return head[: e.start].decode("utf-8-sig")
        line = head[: e.start].count(b"\n") + 1
        raise _invalid(
            filename, f"is not UTF-8 text (invalid byte at line {line})", line=line
        ) from e


def _check_ragged(filename: str, text: str, separator: str, complete: bool) -> None:
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    header = next(reader, None)
    if not header or all(not h.strip() for h in header):
        raise _invalid(filename, "has no header row (no columns)")
    expected = len(header)
    try:
        for row in reader:
            if row and len(row) != expected:
                raise _invalid(
                    filename,
                    f"line {reader.line_num} has {len(row)} fields, expected {expected}",
                    line=reader.line_num,
                )
    except csv.Error as e:
        if complete:
            raise _invalid(filename, f"line {reader.line_num}: {e}", line=reader.line_num) from e


def sniff(
    filename: str,
    fmt: FileFormat,
    path: Path,
    sample_bytes: int,
    *,
    sheet: str = "",
    header_row: int = 0,
) -> None:
    """Refuse an upload whose head is not a readable table with columns and rows.

    Reads at most sample_bytes + 1 bytes of the file (the extra byte tells whether the sample
    is the whole file), and for Parquet only its footer.
    """
    with path.open("rb") as f:
        data = f.read(sample_bytes + 1)
    if not data:
        raise _invalid(filename, "is empty")
    complete = len(data) <= sample_bytes
    if fmt in EXCEL:
        # A workbook has no readable head: it is checked (bomb, size) and read whole.
        excel.read_excel(filename, path, sheet=sheet, header_row=header_row)
        return
    if fmt is FileFormat.PARQUET:
        _check_parquet(filename, path, data)
        return
    text = _text_head(filename, data, sample_bytes)
    if fmt in _SEPARATORS:
        _check_ragged(filename, text, _SEPARATORS[fmt], complete)
        frame = _parse(filename, fmt, text.encode())
    elif fmt is FileFormat.NDJSON:
        frame = _read_json_lines(filename, text)
    elif complete:
        frame = _parse(filename, fmt, data)
    else:
        # A JSON document cannot be parsed from its head; the ingest task reads it whole.
        if text.lstrip()[:1] not in ("[", "{"):
            raise _invalid(filename, "cannot be read as json: it is not a JSON array or object")
        return
    _check_shape(filename, frame)


def _check_parquet(filename: str, path: Path, head: bytes) -> None:
    """Columns and row count from the footer, without reading any data page."""
    if not head.startswith(PARQUET_MAGIC):
        raise _invalid(filename, "is not a Parquet file")
    try:
        width = len(pl.read_parquet_schema(path))
        height = pl.scan_parquet(path).select(pl.len()).collect().item()
    except (pl.exceptions.PolarsError, OSError, ValueError) as e:
        raise _invalid(filename, f"cannot be read as parquet: {_first_line(e)}") from e
    if width == 0:
        raise _invalid(filename, "has no columns")
    if height == 0:
        raise _invalid(filename, "has a header but no data rows")


def _check_shape(filename: str, frame: pl.DataFrame) -> None:
    if frame.width == 0:
        raise _invalid(filename, "has no columns")
    if frame.height == 0:
        raise _invalid(filename, "has a header but no data rows")


def _read_json_lines(filename: str, text: str) -> pl.DataFrame:
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            raise _invalid(filename, f"line {number} is not JSON: {e.msg}", line=number) from e
        if not isinstance(record, dict):
            raise _invalid(filename, f"line {number} is not a JSON object", line=number)
        records.append(record)
    try:
        return pl.from_dicts(records, infer_schema_length=INFER_SCHEMA_ROWS)
    except pl.exceptions.PolarsError as e:
        raise _invalid(filename, f"cannot be read as a table: {_first_line(e)}") from e


# A value Polars could read as a date or a datetime starts with a digit (after blanks).
_MAY_BE_DATE = r"^\s*\d"


def delimited_schema(source: Path | bytes, separator: str, infer_rows: int | None) -> pl.Schema:
    """The column types Polars infers from the first ``infer_rows`` rows with
    ``try_parse_dates``, at a fraction of its cost.

    Polars tries every date pattern on every text value it infers from, which costs about half
    a second per 10,000 rows of a wide file. Here the types come from an inference without
    dates, and only the text columns whose every value starts with a digit are inferred again,
    with dates, from their own values. With no row limit, Polars' own inference runs as is.
    """
    if infer_rows is None:
        return pl.scan_csv(
            source, separator=separator, infer_schema_length=None, try_parse_dates=True
        ).collect_schema()
    schema = pl.scan_csv(
        source, separator=separator, infer_schema_length=infer_rows
    ).collect_schema()
    texts = [name for name, dtype in schema.items() if dtype == pl.String]
    if not texts:
        return schema
    head = pl.read_csv(
        source, separator=separator, infer_schema=False, columns=texts, n_rows=infer_rows
    )
    candidates = []
    for name in texts:
        values = head[name].drop_nulls()
        if len(values) and values.str.contains(_MAY_BE_DATE).all():
            candidates.append(name)
    if candidates:
        buffer = io.BytesIO()
        head.select(candidates).write_csv(buffer)
        dated = pl.read_csv(
            buffer.getvalue(), infer_schema_length=None, try_parse_dates=True
        ).schema
        schema = pl.Schema(
            {
                name: dated[name] if name in candidates and dated[name].is_temporal() else dtype
                for name, dtype in schema.items()
            }
        )
    return schema


def _read_delimited(source: Path | bytes, separator: str, infer_rows: int | None) -> pl.DataFrame:
    return pl.read_csv(
        source, separator=separator, schema=delimited_schema(source, separator, infer_rows)
    )


def read_frame(
    filename: str, fmt: FileFormat, path: Path, *, sheet: str = "", header_row: int = 0
) -> pl.DataFrame:
    """The whole file as a DataFrame, or an InvalidArgument naming the file."""
    if fmt in EXCEL:
        return excel.read_excel(filename, path, sheet=sheet, header_row=header_row)
    frame = _parse(filename, fmt, path)
    _check_shape(filename, frame)
    return frame


def write_parquet(
    filename: str,
    fmt: FileFormat,
    path: Path,
    out: Path,
    *,
    row_group_rows: int,
    compression: ParquetCompression,
    sheet: str = "",
    header_row: int = 0,
) -> None:
    """The file as canonical Parquet at ``out``, or an InvalidArgument naming the file.

    A CSV or TSV file streams through Polars' streaming engine, a batch of rows at a time, so
    memory never holds the whole table; other formats are read whole, written, and let go.
    """
    if fmt not in _SEPARATORS:
        frame = read_frame(filename, fmt, path, sheet=sheet, header_row=header_row)
        frame.write_parquet(out, row_group_size=row_group_rows, compression=compression)
        return

    def sink(infer_rows: int | None) -> None:
        separator = _SEPARATORS[fmt]
        # low_memory: smaller read buffers, about 25 MB less at 1M rows, at the same speed.
        pl.scan_csv(
            path,
            separator=separator,
            schema=delimited_schema(path, separator, infer_rows),
            low_memory=True,
        ).sink_parquet(out, row_group_size=row_group_rows, compression=compression)

    try:
        try:
            sink(INFER_SCHEMA_ROWS)
        except pl.exceptions.ComputeError:
            # A type guessed from the first rows may not hold further down: scan it all.
            sink(None)
        width = len(pl.read_parquet_schema(out))
        height = pl.scan_parquet(out).select(pl.len()).collect().item()
    except pl.exceptions.NoDataError as e:
        raise _invalid(filename, "is empty (no columns)") from e
    except (pl.exceptions.PolarsError, OSError, ValueError) as e:
        raise _invalid(filename, f"cannot be read as {fmt.value}: {_first_line(e)}") from e
    if width == 0:
        raise _invalid(filename, "has no columns")
    if height == 0:
        raise _invalid(filename, "has a header but no data rows")


def _starts_with(source: Path | bytes, magic: bytes) -> bool:
    if isinstance(source, bytes):
        return source.startswith(magic)
    with source.open("rb") as f:
        return f.read(len(magic)) == magic


def _parse(filename: str, fmt: FileFormat, source: Path | bytes) -> pl.DataFrame:
    """Reads a file by its path, or a small sample held in memory."""
    try:
        if fmt in _SEPARATORS:
            try:
                frame = _read_delimited(source, _SEPARATORS[fmt], INFER_SCHEMA_ROWS)
            except pl.exceptions.ComputeError:
                # A type guessed from the first rows may not hold further down: scan it all.
                frame = _read_delimited(source, _SEPARATORS[fmt], None)
        elif fmt is FileFormat.PARQUET:
            if not _starts_with(source, PARQUET_MAGIC):
                raise _invalid(filename, "is not a Parquet file")
            frame = pl.read_parquet(source)
        elif fmt is FileFormat.NDJSON:
            frame = pl.read_ndjson(source, infer_schema_length=INFER_SCHEMA_ROWS)
        else:
            frame = pl.read_json(source, infer_schema_length=INFER_SCHEMA_ROWS)
    except pl.exceptions.NoDataError as e:
        raise _invalid(filename, "is empty (no columns)") from e
    except (pl.exceptions.PolarsError, OSError, ValueError) as e:
        raise _invalid(filename, f"cannot be read as {fmt.value}: {_first_line(e)}") from e
    return frame
