"""Excel workbooks (.xlsx, .xls): guarded against zip bombs and absurd sheet sizes, read by calamine.

An .xlsx is a zip of XML files: before any parser sees it, the declared uncompressed sizes and
compression ratios are checked, and each sheet's declared dimension is bounded, so a small file
cannot make the reader allocate gigabytes.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import fastexcel
import polars as pl

from skyulf_errors import InvalidArgument

MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 200
MAX_CELLS = 50_000_000
_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+:([A-Z]+)(\d+)"')


def _invalid(filename: str, message: str, **details: object) -> InvalidArgument:
    return InvalidArgument(f"{filename}: {message}", details={"file": filename, **details})


def _column_number(letters: bytes) -> int:
    n = 0
    for c in letters:
        n = n * 26 + (c - 64)
    return n


def check_xlsx(filename: str, path: Path) -> None:
    """Refuse a zip bomb or a sheet whose declared dimension is absurd, reading no cell."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise _invalid(filename, "is not an .xlsx workbook (not a zip archive)") from e
    with archive:
        total = 0
        for info in archive.infolist():
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if total > MAX_UNCOMPRESSED_BYTES or (
                info.file_size > 1024 * 1024 and ratio > MAX_RATIO
            ):
                raise _invalid(
                    filename,
                    "expands to too much data (refused as a possible zip bomb)",
                    limit_bytes=MAX_UNCOMPRESSED_BYTES,
                )
        for info in archive.infolist():
            if not info.filename.startswith("xl/worksheets/") or not info.filename.endswith(".xml"):
                continue
            with archive.open(info) as sheet:
                head = sheet.read(4096)
            match = _DIMENSION.search(head)
            if match is None:
                continue
            cells = _column_number(match.group(1)) * int(match.group(2))
            if cells > MAX_CELLS:
                raise _invalid(
                    filename,
                    f"declares a sheet of {cells} cells, more than the limit of {MAX_CELLS}",
                    limit_cells=MAX_CELLS,
                )


def read_excel(filename: str, path: Path, *, sheet: str = "", header_row: int = 0) -> pl.DataFrame:
    """The chosen sheet (the first by default), its header at the 0-based header_row."""
    if filename.lower().endswith(".xlsx"):
        check_xlsx(filename, path)
    if header_row < 0:
        raise _invalid(filename, "header_row must not be negative", field="header_row")
    try:
        reader = fastexcel.read_excel(str(path))
    except Exception as e:  # calamine's errors have no common base class
        raise _invalid(filename, "cannot be read as an Excel workbook") from e
    names = reader.sheet_names
    if not names:
        raise _invalid(filename, "has no sheets")
    if sheet and sheet not in names:
        raise _invalid(
            filename, f"has no sheet {sheet!r} (sheets: {', '.join(names)})", field="sheet"
        )
    try:
        frame = reader.load_sheet(sheet or names[0], header_row=header_row).to_polars()
    except Exception as e:
        raise _invalid(
            filename, f"sheet {sheet or names[0]!r} cannot be read", field="sheet"
        ) from e
    if frame.width == 0:
        raise _invalid(filename, "is empty (no columns)")
    if frame.height == 0:
        raise _invalid(filename, "has a header but no data rows")
    return frame
