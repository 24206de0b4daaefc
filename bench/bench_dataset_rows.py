"""A page of dataset rows: decoding only the Parquet row groups that hold it, against reading the
whole file and slicing (what a loader without row-group selection does).

    uv run python bench/bench_dataset_rows.py [--rows 1000000] [--limit 50] [--repeats 7]

Synthetic data (fixed seed): two float columns (5% missing), an integer, a text category and a
date, written by Polars with ingestion's row-group size (65,536 rows). Both ways return the same
JSON-ready rows (checked before timing). Median of ``--repeats`` runs per offset.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from skyulf_core.graph.preview import json_value
from skyulf_ingestion.models import Dataset, DatasetStatus
from skyulf_ingestion.rows import read_page

ROW_GROUP_ROWS = 65_536


def _frame(rows: int) -> pl.DataFrame:
    rng = np.random.default_rng(11)
    a = rng.normal(size=rows)
    a[rng.random(rows) < 0.05] = np.nan
    return pl.DataFrame(
        {
            "id": np.arange(rows),
            "a": a,
            "b": rng.normal(size=rows),
            "kind": rng.choice(["red", "green", "blue"], size=rows),
            "day": np.datetime64("2020-01-01") + rng.integers(0, 1500, rows).astype("m8[D]"),
        }
    ).with_columns(pl.col("a").fill_nan(None))


def _whole(path: Path, offset: int, limit: int) -> list[dict[str, object]]:
    table = pq.read_table(path).slice(offset, limit)
    return [{k: json_value(v) for k, v in row.items()} for row in table.to_pylist()]


def _median_ms(work: object, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.parquet"
        frame = _frame(args.rows)
        frame.write_parquet(path, row_group_size=ROW_GROUP_ROWS)
        now = datetime.now(UTC)
        dataset = Dataset(
            id="bench",
            name="bench",
            status=DatasetStatus.READY,
            source_filename="bench.csv",
            size_bytes=path.stat().st_size,
            raw_uri="",
            raw_sha256="",
            data_uri="file:///bench",
            created_at=now,
            updated_at=now,
        )
        groups = pq.ParquetFile(path).metadata.num_row_groups
        print(
            f"python {sys.version.split()[0]}, {platform.machine()}; {args.rows:,} rows, "
            f"{groups} row groups, {path.stat().st_size / 1e6:.1f} MB; page of {args.limit}"
        )
        print("| offset | row groups read | page (ms) | whole file + slice (ms) | speed-up |")
        print("|---:|---:|---:|---:|---:|")
        for offset in (0, args.rows // 2, args.rows - args.limit):
            page = read_page(path, dataset, offset, args.limit)
            assert page.rows == _whole(path, offset, args.limit), "the two ways disagree"
            fast = _median_ms(
                lambda o=offset: read_page(path, dataset, o, args.limit), args.repeats
            )
            slow = _median_ms(lambda o=offset: _whole(path, o, args.limit), args.repeats)
            first = offset // ROW_GROUP_ROWS
            last = (offset + args.limit - 1) // ROW_GROUP_ROWS
            print(
                f"| {offset:,} | {last - first + 1} | {fast:.1f} | {slow:.1f} | "
                f"{slow / fast:.0f}x |"
            )


if __name__ == "__main__":
    main()
