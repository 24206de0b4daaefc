"""Ingest + full profile of a generated CSV, against pandas (read_csv + describe + corr) and,
when asked, ydata-profiling in minimal mode installed into its own virtual environment.

    uv run python bench/bench_ingest_profile.py [--rows 100000 1000000] [--ydata] [--gateway]

With --gateway, each size is also uploaded through a running platform (every service in its own
process, embedded defaults): POST /api/v1/datasets streamed by the gateway to ingestion, then
polled until READY, timed from the first byte sent; the worker's peak resident memory (the
highest VmHWM of the worker process and its children) is reported next to the CSV's size.

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
    """This process's peak resident memory (VmHWM). Not ru_maxrss: Linux keeps that across
    fork and exec, so each measurement would report at least this script's own peak (the
    generated CSV's) instead of its own."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
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
import json, sys, time
import pandas as pd
from ydata_profiling import ProfileReport
t0 = time.perf_counter()
frame = pd.read_csv(sys.argv[1])
ProfileReport(frame, minimal=True, progress_bar=False).to_json()
hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"seconds": time.perf_counter() - t0, "peak_mb": int(hwm.split()[1]) / 1024}))
"""


def ydata_python() -> Path | None:
    python = YDATA_VENV / "bin" / "python"
    if python.exists():
        return python
    uv = shutil.which("uv") or str(HERE.parent / "tools" / "uv" / "bin" / "uv")
    try:
        subprocess.run([uv, "venv", "--python", "3.11", str(YDATA_VENV)], check=True)
        # ydata-profiling imports pkg_resources, which setuptools 81 removed.
        subprocess.run(
            [uv, "pip", "install", "--python", str(python), "ydata-profiling", "setuptools<81"],
            check=True,
        )
    except (subprocess.CalledProcessError, OSError) as e:
        print(f"ydata-profiling could not be installed ({e}); comparing to pandas only")
        return None
    return python


def _peak_of_tree(pid: int) -> float:
    """The highest peak resident memory (MB) among pid and its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    peak, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]) / 1024)
    return peak


def run_gateway(paths: list[Path]) -> dict[Path, dict[str, float]]:
    """Each file uploaded through the gateway of one running stack, until READY."""
    import httpx

    from skyulf_platform.stack import Ports, Stack

    results: dict[Path, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack(
            data_dir=Path(tmp) / "data",
            ports=Ports.free(),
            env={"SKYULF_LOG_LEVEL": "WARNING", "SKYULF_MAX_UPLOAD_BYTES": str(1 << 40)},
        )
        with (
            stack.running(timeout=180),
            httpx.Client(
                base_url=f"{stack.url}/api/v1", timeout=600, headers=stack.auth_headers
            ) as http,
        ):
            for path in paths:
                t0 = time.perf_counter()
                with path.open("rb") as f:
                    resp = http.post("/datasets", files={"file": ("bench.csv", f, "text/csv")})
                resp.raise_for_status()
                uploaded = time.perf_counter() - t0
                dataset_id = resp.json()["id"]
                while True:
                    body = http.get(f"/datasets/{dataset_id}").json()
                    if body["status"] != "PENDING":
                        break
                    time.sleep(0.1)
                seconds = time.perf_counter() - t0
                assert body["status"] == "READY", body.get("error")
                profile = http.get(f"/datasets/{dataset_id}/profile")
                profile.raise_for_status()
                results[path] = {
                    "seconds": seconds,
                    "upload_seconds": uploaded,
                    "worker_peak_mb": _peak_of_tree(stack.procs["worker"].pid),
                }
    return results


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
    parser.add_argument(
        "--ydata-max-rows",
        type=int,
        default=1_000_000,
        help="run ydata-profiling only up to this many rows (it needs ~6.5 GB at 1M)",
    )
    parser.add_argument("--gateway", action="store_true", help="also measure through the gateway")
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        kind, path = args.one
        print(json.dumps(run_skyulf(path) if kind == "skyulf" else run_pandas(path)))
        return
    ydata = ydata_python() if args.ydata else None
    if not args.ydata:
        print("ydata-profiling: not run (pass --ydata to install and compare)")
    rows_out: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        paths: list[Path] = []
        sizes: dict[Path, float] = {}
        for rows in args.rows:
            path = Path(tmp) / f"bench_{rows}.csv"
            generate(path, rows)
            paths.append(path)
            mb = sizes[path] = path.stat().st_size / 1e6
            sky = measure("skyulf", path, ydata)
            pan = measure("pandas", path, ydata)
            yd = measure("ydata", path, ydata) if rows <= args.ydata_max_rows else None
            assert sky is not None and pan is not None
            yd_s = f"{yd['seconds']:.1f}" if yd else "—"
            yd_m = f"{yd['peak_mb']:.0f}" if yd else "—"
            rows_out.append(
                f"| {rows:,} | {mb:.0f} | {sky['seconds']:.1f} | {mb / sky['seconds']:.1f} "
                f"| {sky['peak_mb']:.0f} | {pan['seconds']:.1f} | {pan['peak_mb']:.0f} "
                f"| {sky['seconds'] / pan['seconds']:.2f} | {yd_s} | {yd_m} |"
            )
            print(f"measured {rows:,} rows in process", file=sys.stderr, flush=True)
        gateway = run_gateway(paths) if args.gateway else {}
    print(
        "| rows | CSV MB | skyulf s | skyulf MB/s | skyulf peak MB | pandas s | pandas peak MB "
        "| skyulf ÷ pandas | ydata s | ydata peak MB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print("\n".join(rows_out))
    if gateway:
        print()
        print(
            "| rows | CSV MB | through the gateway s (until READY) | MB/s | of which upload s "
            "| worker peak MB | ÷ CSV size |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|")
        for rows, path in zip(args.rows, paths, strict=True):
            g, mb = gateway[path], sizes[path]
            print(
                f"| {rows:,} | {mb:.0f} | {g['seconds']:.1f} | {mb / g['seconds']:.1f} "
                f"| {g['upload_seconds']:.1f} | {g['worker_peak_mb']:.0f} "
                f"| {g['worker_peak_mb'] / mb:.1f} |"
            )


if __name__ == "__main__":
    main()
