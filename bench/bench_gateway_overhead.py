"""What the gateway costs: REST -> gateway -> gRPC -> ingestion, against calling ingestion's
gRPC API directly, for the same lookup (GetDataset), over loopback, in one run.

    .venv/bin/python bench/bench_gateway_overhead.py [--requests 2000]

Starts the whole platform on embedded defaults in a temporary folder (every service in its own
process), uploads one small CSV, then alternates batches of the two ways so that machine noise
hits both alike. Prints a Markdown table; the ratio is what to compare across machines.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from skyulf.ingestion.v1 import ingestion_pb2, ingestion_pb2_grpc
from skyulf_platform.grpc.auth import install
from skyulf_platform.grpc.client import sync_channel
from skyulf_platform.stack import Ports, Stack

CSV = b"a,b,label\n" + b"".join(f"{i},{i * 2},{i % 2}\n".encode() for i in range(200))


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=100)
    ns = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack(
            data_dir=Path(tmp) / "data", ports=Ports.free(), env={"SKYULF_LOG_LEVEL": "WARNING"}
        )
        with stack.running(timeout=150):
            http = httpx.Client(
                base_url=f"{stack.url}/api/v1", timeout=30, headers=stack.auth_headers
            )
            install(stack.service_credentials())
            ds = http.post("/datasets", files={"file": ("bench.csv", CSV, "text/csv")}).json()
            channel = sync_channel(f"127.0.0.1:{stack.ports.grpc['ingestion']}")
            stub = ingestion_pb2_grpc.IngestionServiceStub(channel)
            request = ingestion_pb2.GetDatasetRequest(dataset_id=ds["id"])

            def via_grpc() -> None:
                stub.GetDataset(request)

            def via_gateway() -> None:
                r = http.get(f"/datasets/{ds['id']}")
                r.raise_for_status()

            for f in (via_grpc, via_gateway):  # warm up connections and caches
                for _ in range(50):
                    f()
            times: dict[str, list[float]] = {"grpc": [], "gateway": []}
            done = 0
            while done < ns.requests:
                for name, f in (("grpc", via_grpc), ("gateway", via_gateway)):
                    for _ in range(ns.batch):
                        t0 = time.perf_counter()
                        f()
                        times[name].append(time.perf_counter() - t0)
                done += ns.batch
            http.close()
            channel.close()

    g, w = times["grpc"], times["gateway"]
    rows = [
        ("direct gRPC GetDataset", g),
        ("REST via gateway GET /api/v1/datasets/{id}", w),
    ]
    print(f"\n{ns.requests} sequential requests each, loopback, embedded defaults\n")
    print("| path | median ms | p95 ms | requests/s |")
    print("|---|---:|---:|---:|")
    for label, samples in rows:
        med = statistics.median(samples) * 1000
        p95 = _percentile(samples, 0.95) * 1000
        print(f"| {label} | {med:.2f} | {p95:.2f} | {len(samples) / sum(samples):.0f} |")
    ratio = statistics.median(w) / statistics.median(g)
    print(f"\ngateway / direct gRPC (median latency): **{ratio:.2f}x**")
    return 0


if __name__ == "__main__":
    sys.exit(main())
