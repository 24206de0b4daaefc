"""Ingest + full profile of a generated CSV, against pandas (read_csv + describe + corr) and,
when asked, ydata-profiling in minimal mode installed into its own virtual environment.

    uv run python bench/bench_ingest_profile.py [--rows 100000 1000000] [--ydata]

The CSV has 20 columns (12 numeric with 5% missing, 5 categorical, 2 dates, 1 id; ~140 bytes a
row, so 1M rows is about 140 MB), generated with a fixed seed. Each measurement runs in its own
process so its peak resident memory is its own. Skyulf's number is IngestionService.upload +
ingest in process (local artifact folder, SQLite): reading, canonical Parquet, checksum and the
full profile — the gateway's streaming of the file is not included.

With --ydata the script creates bench/.ydata-venv with `uv venv` and installs ydata-profiling
from PyPI (a few minutes the first time); if that fails it says so and compares to pandas only.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

HERE = Path(__file__).resolve().parent
YDATA_VENV = HERE / ".ydata-venv"


def generate(path: Path, rows: int) -> None:
    rng = np.random.default_rng(7)
    columns: dict[str, object] = {"customer_id": np.arange(rows)}
    for i in range(12):
        values = rng.normal(100 * (i + 1), 15 * (i + 1), rows).round(3)
        values[rng.random(rows) < 0.05] = np.nan
        columns[f"num_{i}"] = values
    for i, choices in enumerate(
        [
            ["north", "south", "east", "west"],
            ["basic", "plus", "pro"],
            list("ABCDEFGHIJ"),
            ["yes", "no"],
            [f"city_{k}" for k in range(40)],
        ]
    ):
        columns[f"cat_{i}"] = rng.choice(choices, rows)
    base = np.datetime64("2020-01-01")
    for i in range(2):
        columns[f"date_{i}"] = (base + rng.integers(0, 2000, rows).astype("timedelta64[D]")).astype(
            str
        )
    pl.DataFrame(columns).with_columns(pl.col(pl.Float64).fill_nan(None)).write_csv(path)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_skyulf(path: str) -> dict[str, float]:
    from skyulf_ingestion.__main__ import MIGRATIONS_DIR
    from skyulf_ingestion.settings import IngestionSettings
    from skyulf_ingestion.wiring import build_service
    from skyulf_platform.db.migrations import upgrade

    with tempfile.TemporaryDirectory() as tmp:
        settings = IngestionSettings(data_dir=Path(tmp), max_upload_bytes=1 << 40)
        upgrade(MIGRATIONS_DIR, settings.resolved_database_url(), settings.service_name)
        queued: list[str] = []
        service = build_service(settings, enqueue=queued.append)
        t0 = time.perf_counter()
        dataset = service.upload_file("data.csv", Path(path))
        done = service.ingest(dataset.id)
        seconds = time.perf_counter() - t0
        assert done.status.value == "READY", done.error
    return {"seconds": seconds, "peak_mb": _peak_mb()}


def run_pandas(path: str) -> dict[str, float]:
    import pandas as pd

    t0 = time.perf_counter()
    frame = pd.read_csv(path)
    frame.describe(include="all")
    frame.select_dtypes("number").corr()
    return {"seconds": time.perf_counter() - t0, "peak_mb": _peak_mb()}


YDATA_CODE = """
import json, resource, sys, time
import pandas as pd
from ydata_profiling import ProfileReport
t0 = time.perf_counter()
frame = pd.read_csv(sys.argv[1])
ProfileReport(frame, minimal=True, progress_bar=False).to_json()
print(json.dumps({"seconds": time.perf_counter() - t0,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def ydata_python() -> Path | None:
    python = YDATA_VENV / "bin" / "python"
    if python.exists():
        return python
    uv = shutil.which("uv") or str(HERE.parent / "tools" / "uv" / "bin" / "uv")
    try:
        subprocess.run([uv, "venv", "--python", "3.11", str(YDATA_VENV)], check=True)
        subprocess.run(
            [uv, "pip", "install", "--python", str(python), "ydata-profiling", "setuptools"],
            check=True,
        )
    except (subprocess.CalledProcessError, OSError) as e:
        print(f"ydata-profiling could not be installed ({e}); comparing to pandas only")
        return None
    return python


def measure(kind: str, path: Path, ydata: Path | None) -> dict[str, float] | None:
    if kind == "ydata":
        if ydata is None:
            return None
        cmd = [str(ydata), "-c", YDATA_CODE, str(path)]
    else:
        cmd = [sys.executable, __file__, "--one", kind, str(path)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--ydata", action="store_true")
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        kind, path = args.one
        print(json.dumps(run_skyulf(path) if kind == "skyulf" else run_pandas(path)))
        return
    ydata = ydata_python() if args.ydata else None
    if not args.ydata:
        print("ydata-profiling: not run (pass --ydata to install and compare)")
    print(
        "| rows | CSV MB | skyulf s | skyulf MB/s | skyulf peak MB | pandas s | pandas peak MB "
        "| ydata s | ydata peak MB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for rows in args.rows:
            path = Path(tmp) / f"bench_{rows}.csv"
            generate(path, rows)
            mb = path.stat().st_size / 1e6
            sky = measure("skyulf", path, ydata)
            pan = measure("pandas", path, ydata)
            yd = measure("ydata", path, ydata)
            assert sky is not None and pan is not None
            yd_s = f"{yd['seconds']:.1f}" if yd else "—"
            yd_m = f"{yd['peak_mb']:.0f}" if yd else "—"
            print(
                f"| {rows:,} | {mb:.0f} | {sky['seconds']:.1f} | {mb / sky['seconds']:.1f} "
                f"| {sky['peak_mb']:.0f} | {pan['seconds']:.1f} | {pan['peak_mb']:.0f} "
                f"| {yd_s} | {yd_m} |",
                flush=True,
            )
            path.unlink()


if __name__ == "__main__":
    main()
