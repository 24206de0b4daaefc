"""Per-version counters of each endpoint: requests, errors, rows and latency.

Kept in memory by each prediction server since it started (a canary's two versions side by
side); latency percentiles are over a bounded window of the most recent calls.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

WINDOW = 2048


def percentile(values: Iterable[float], q: float) -> float:
    """The ``q`` quantile of ``values`` (nearest rank); 0 when there are none."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class VersionCounter:
    requests: int = 0
    errors: int = 0
    rows: int = 0
    latency_total_ms: float = 0.0
    recent_ms: deque[float] = field(default_factory=lambda: deque(maxlen=WINDOW))

    def percentile(self, q: float) -> float:
        return percentile(self.recent_ms, q)

    @property
    def latency_mean_ms(self) -> float:
        return self.latency_total_ms / self.requests if self.requests else 0.0


class EndpointStats:
    def __init__(self) -> None:
        self.since = datetime.now(UTC)
        self._counters: dict[tuple[str, int], VersionCounter] = {}

    def record(self, endpoint: str, version: int, started: float, rows: int, ok: bool) -> None:
        counter = self._counters.get((endpoint, version))
        if counter is None:
            counter = self._counters[(endpoint, version)] = VersionCounter()
        elapsed_ms = (time.perf_counter() - started) * 1000.0
        counter.requests += 1
        counter.latency_total_ms += elapsed_ms
        counter.recent_ms.append(elapsed_ms)
        if ok:
            counter.rows += rows
        else:
            counter.errors += 1

    def of(self, endpoint: str) -> dict[int, VersionCounter]:
        return {v: c for (e, v), c in sorted(self._counters.items()) if e == endpoint}
