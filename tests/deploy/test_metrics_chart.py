"""Every Skyulf pod exposes its metrics port; Prometheus finds it by annotations or a PodMonitor.

What the endpoints serve is scraped from real processes in test_metrics_endpoints.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .chart import QUEUES, SECRET_VALUES, Rendered, env_of, merged, pod_spec, render

DEPENDENCIES = {"skyulf-postgresql", "skyulf-redis", "skyulf-minio"}


def _skyulf_workloads(rendered: Rendered) -> list[dict[str, Any]]:
    return [w for w in rendered.workloads() if w["metadata"]["name"] not in DEPENDENCIES]


def test_every_skyulf_process_serves_metrics_and_is_annotated(default: Rendered) -> None:
    workloads = _skyulf_workloads(default)
    assert len(workloads) == 5 + 2 + len(QUEUES)
    for workload in workloads:
        name = workload["metadata"]["name"]
        container = pod_spec(workload)["containers"][0]
        assert env_of(container)["SKYULF_METRICS_PORT"]["value"] == "9090", name
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        assert ports["metrics"] == 9090, name
        annotations = workload["spec"]["template"]["metadata"]["annotations"]
        assert annotations["prometheus.io/scrape"] == "true", name
        assert annotations["prometheus.io/port"] == "9090"
        assert annotations["prometheus.io/path"] == "/metrics"
    assert not default.of_kind("PodMonitor")


def test_prefork_workers_share_a_writable_multiprocess_dir(default: Rendered) -> None:
    for queue in QUEUES:
        worker = default.get("Deployment", f"skyulf-worker-{queue}")
        container = pod_spec(worker)["containers"][0]
        directory = env_of(container)["PROMETHEUS_MULTIPROC_DIR"]["value"]
        mounts = [m["mountPath"] for m in container["volumeMounts"]]
        # Under the writable /tmp emptyDir (the root filesystem is read-only).
        assert any(directory.startswith(f"{m.rstrip('/')}/") for m in mounts), (directory, mounts)


def test_the_operator_gets_a_pod_monitor_instead(helm: Path, tmp_path: Path) -> None:
    values = merged(
        SECRET_VALUES,
        {"metrics": {"podMonitor": {"enabled": True, "labels": {"release": "prom"}}}},
    )
    rendered = render(helm, values, tmp_path)
    (monitor,) = rendered.of_kind("PodMonitor")
    assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
    assert monitor["metadata"]["labels"]["release"] == "prom"
    assert monitor["spec"]["podMetricsEndpoints"] == [
        {"port": "metrics", "path": "/metrics", "interval": "30s"}
    ]
    selector = monitor["spec"]["selector"]["matchLabels"]
    for workload in _skyulf_workloads(rendered):
        labels = workload["spec"]["template"]["metadata"]["labels"]
        assert selector.items() <= labels.items(), workload["metadata"]["name"]
        annotations = workload["spec"]["template"]["metadata"].get("annotations", {})
        assert "prometheus.io/scrape" not in annotations


def test_metrics_can_be_switched_off(helm: Path, tmp_path: Path) -> None:
    rendered = render(helm, merged(SECRET_VALUES, {"metrics": {"enabled": False}}), tmp_path)
    for workload in _skyulf_workloads(rendered):
        container = pod_spec(workload)["containers"][0]
        assert "SKYULF_METRICS_PORT" not in env_of(container)
        assert all(p["name"] != "metrics" for p in container.get("ports", []))
