"""Prometheus metrics of every Skyulf process (``prometheus-client``).

``SKYULF_METRICS_PORT`` turns the endpoint on: :func:`serve_metrics` serves ``/metrics`` there.
gRPC servers count and time every call (:mod:`.grpc`), HTTP apps every request (:mod:`.http`),
workers every task and the depth of their queues (:mod:`.tasks`, :mod:`.queues`).
"""

from skyulf_platform.metrics.exposition import serve_metrics

__all__ = ["serve_metrics"]
