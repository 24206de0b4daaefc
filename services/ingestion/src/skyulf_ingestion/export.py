"""A dataset version as a downloadable file: Parquet as stored, or CSV whose cells cannot run as
spreadsheet formulas.

CSV injection (OWASP): a spreadsheet treats a cell starting with ``=``, ``+``, ``-`` or ``@`` as
a formula, and TAB / CR can hide one. Every such string cell gets a leading ``'``, which the
spreadsheet shows as text. Numbers are not strings and stay as they are (-3 is still -3).
The one implementation: every CSV export of the platform goes through :func:`neutralise_formulas`.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path

import polars as pl

CHUNK_BYTES = 1 << 20
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_PATTERN = r"^[=+\-@\t\r]"


class ExportFormat(StrEnum):
    CSV = "csv"
    PARQUET = "parquet"


CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv",
    ExportFormat.PARQUET: "application/vnd.apache.parquet",
}


def neutralise_cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def neutralise_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Every string cell starting with = + - @ TAB or CR gets a leading ' (other columns, and
    every other cell, unchanged). Categorical columns are compared as their strings."""
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


def export_chunks(parquet: Path, fmt: ExportFormat) -> Iterator[bytes]:
    """The file's bytes in chunks of about a MiB."""
    if fmt is ExportFormat.PARQUET:
        with parquet.open("rb") as f:
            while chunk := f.read(CHUNK_BYTES):
                yield chunk
        return
    frame = pl.read_parquet(parquet)
    buffer = io.BytesIO()
    header = True
    for batch in frame.iter_slices(50_000):
        neutralise_formulas(batch).write_csv(buffer, include_header=header)
        header = False
        if buffer.tell() >= CHUNK_BYTES:
            yield buffer.getvalue()
            buffer = io.BytesIO()
    if header:  # no rows: the header alone
        frame.write_csv(buffer)
    if buffer.tell():
        yield buffer.getvalue()
