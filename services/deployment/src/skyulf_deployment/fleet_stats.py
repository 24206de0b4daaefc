"""An endpoint's counters summed over every prediction server that answered.

Each prediction server counts the calls it answered since it started (``predictor/stats.py``);
requests, errors and rows add up, the mean latency is weighted by requests, and the percentiles
are taken over the servers' recent-call windows together.
"""

from __future__ import annotations

from collections.abc import Sequence

from google.protobuf.timestamp_pb2 import Timestamp

from skyulf.deployment.v1 import deployment_pb2 as pb
from skyulf_deployment.predictor.stats import percentile


def merge(
    answers: Sequence[pb.GetEndpointStatsResponse],
) -> tuple[list[pb.VersionStats], Timestamp | None]:
    """(per-version counters summed over ``answers``, the earliest server start)."""
    by_version: dict[int, list[pb.VersionStats]] = {}
    for answer in answers:
        for counted in answer.versions:
            by_version.setdefault(counted.version, []).append(counted)
    merged = []
    for version, parts in sorted(by_version.items()):
        requests = sum(p.requests for p in parts)
        window = [ms for p in parts for ms in p.recent_latency_ms]
        merged.append(
            pb.VersionStats(
                version=version,
                requests=requests,
                errors=sum(p.errors for p in parts),
                rows=sum(p.rows for p in parts),
                latency_mean_ms=(
                    sum(p.latency_mean_ms * p.requests for p in parts) / requests
                    if requests
                    else 0.0
                ),
                latency_p50_ms=percentile(window, 0.5),
                latency_p95_ms=percentile(window, 0.95),
            )
        )
    starts = [a.since for a in answers if a.HasField("since")]
    since = min(starts, key=lambda t: (t.seconds, t.nanos)) if starts else None
    return merged, since
