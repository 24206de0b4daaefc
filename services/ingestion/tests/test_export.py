"""Dataset export: Parquet as stored, CSV with spreadsheet formulas neutralised (OWASP)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl

from skyulf_ingestion.export import (
    ExportFormat,
    export_chunks,
    neutralise_cell,
    neutralise_formulas,
)


def test_cells_that_a_spreadsheet_would_run_get_a_leading_quote() -> None:
    for risky in ("=1+2", "+1", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")'):
        assert neutralise_cell(risky) == "'" + risky
    for safe in ("plain", "", "a=b", "1-2", " =x"):
        assert neutralise_cell(safe) == safe


def test_only_string_columns_change() -> None:
    frame = pl.DataFrame(
        {"n": [-1, 2], "note": ["=cmd", "ok"], "cat": ["@x", "y"]},
        schema_overrides={"cat": pl.Categorical},
    )
    out = neutralise_formulas(frame)
    assert out["n"].to_list() == [-1, 2]
    assert out["note"].to_list() == ["'=cmd", "ok"]
    assert out["cat"].to_list() == ["'@x", "y"]
    assert neutralise_cell("=x") == "'=x"


def test_export_streams_parquet_as_stored_and_csv_neutralised(tmp_path: Path) -> None:
    path = tmp_path / "d.parquet"
    frame = pl.DataFrame({"id": list(range(120_000)), "note": ["-x", "y", "+z"] * 40_000})
    frame.write_parquet(path)
    parquet = b"".join(export_chunks(path, ExportFormat.PARQUET))
    assert parquet == path.read_bytes()
    text = b"".join(export_chunks(path, ExportFormat.CSV)).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 120_000 and text.count("id,note") == 1  # one header across chunks
    assert [r["note"] for r in rows[:3]] == ["'-x", "y", "'+z"]
    assert rows[-1]["id"] == "119999"


def test_an_empty_dataset_exports_its_header(tmp_path: Path) -> None:
    path = tmp_path / "e.parquet"
    pl.DataFrame({"a": [], "b": []}, schema={"a": pl.Int64, "b": pl.String}).write_parquet(path)
    assert b"".join(export_chunks(path, ExportFormat.CSV)).decode().strip() == "a,b"
