"""A dataset version as a downloadable file: Parquet as stored, or CSV whose cells cannot run as
spreadsheet formulas.

CSV injection (OWASP): a spreadsheet treats a cell starting with ``=``, ``+``, ``-`` or ``@`` as
a formula, and a leading TAB or CR can hide one. Every such text cell gets a leading ``'``, which
the spreadsheet shows as text. Numbers are not text and stay as they are (-3 is still -3).
This is the one implementation: every CSV the platform hands out goes through
:func:`neutralise_formulas`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

CHUNK_BYTES = 1 << 20
BATCH_ROWS = 50_000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_PATTERN = r"^[=+\-@\t\r]"


class ExportFormat(StrEnum):
    CSV = "csv"
    PARQUET = "parquet"


CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.PARQUET: "application/vnd.apache.parquet",
}


def neutralise_cell(value: str) -> str:
    """One text cell, safe to open in a spreadsheet."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def neutralise_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text cell starting with = + - @ TAB or CR gets a leading ``'``; other columns and
    cells are unchanged. Categorical and enum columns are compared as their text."""
    exprs = []
    for name, dtype in frame.schema.items():
        if dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum):
            col = pl.col(name).cast(pl.String)
            exprs.append(
                pl.when(col.str.contains(_FORMULA_PATTERN))
                .then(pl.lit("'") + col)
                .otherwise(col)
                .alias(name)
            )
    return frame.with_columns(exprs) if exprs else frame


def _header_line(columns: list[str]) -> bytes:
    """The header row, its names neutralised like cells: a column name is user data too."""
    line = io.StringIO()
    csv.writer(line, lineterminator="\n").writerow([neutralise_cell(c) for c in columns])
    return line.getvalue().encode()


def _csv_chunks(frames: Iterator[pl.DataFrame]) -> Iterator[bytes]:
    buffer = io.BytesIO()
    header = True
    for frame in frames:
        if header:
            buffer.write(_header_line(frame.columns))
            header = False
        neutralise_formulas(frame).write_csv(buffer, include_header=False)
        if buffer.tell() >= CHUNK_BYTES:
            yield buffer.getvalue()
            buffer = io.BytesIO()
    if buffer.tell():
        yield buffer.getvalue()


def export_bytes(frame: pl.DataFrame, fmt: ExportFormat) -> Iterator[bytes]:
    """A frame as a file, in chunks of about a MiB (CSV neutralised)."""
    if fmt is ExportFormat.PARQUET:
        buffer = io.BytesIO()
        frame.write_parquet(buffer)
        data = buffer.getvalue()
        for start in range(0, len(data), CHUNK_BYTES):
            yield data[start : start + CHUNK_BYTES]
        return
    yield from _csv_chunks(frame.iter_slices(BATCH_ROWS))


def export_file(parquet: Path, fmt: ExportFormat) -> Iterator[bytes]:
    """A stored Parquet file as a file, in chunks: memory holds one batch of rows, not the file."""
    if fmt is ExportFormat.PARQUET:
        with parquet.open("rb") as f:
            while chunk := f.read(CHUNK_BYTES):
                yield chunk
        return
    source = pq.ParquetFile(parquet)
    frames: Iterator[pl.DataFrame] = (
        pl.DataFrame(pl.from_arrow(batch)) for batch in source.iter_batches(batch_size=BATCH_ROWS)
    )
    # A dataset without rows still gets its header line.
    if source.metadata.num_rows == 0:
        frames = iter([pl.DataFrame(pl.from_arrow(source.schema_arrow.empty_table()))])
    yield from _csv_chunks(frames)
