"""Queue depth: tasks waiting in each Celery queue on a Redis broker, read at scrape time."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

import redis
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)


class QueueDepthCollector(Collector):
    """``skyulf_queue_depth{queue}``: the length of each queue's Redis list (what a KEDA
    redis scaler reads); no sample when the broker does not answer."""

    def __init__(
        self, broker_url: str, queues: Sequence[str], ssl_options: dict[str, Any] | None = None
    ) -> None:
        kwargs = {k: v for k, v in (ssl_options or {}).items() if k.startswith("ssl_")}
        self.client = redis.Redis.from_url(broker_url, socket_timeout=2, **kwargs)
        self.queues = list(queues)

    def collect(self) -> Iterable[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "skyulf_queue_depth", "Tasks waiting in a Celery queue.", labels=["queue"]
        )
        try:
            for queue in self.queues:
                family.add_metric([queue], float(self.client.llen(queue)))
        except redis.RedisError as e:
            log.warning("queue depth unavailable: %s", e)
            return
        yield family
