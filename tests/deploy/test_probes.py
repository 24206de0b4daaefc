"""Probes that don't cascade: liveness asks about the process only, readiness about dependencies.

A database blip must take pods out of their Service (readiness), never restart them all
(liveness). The gRPC services answer the health name the chart's liveness probes ask for
(``skyulf_platform.grpc.server.LIVENESS_SERVICE``) whatever their dependency checks say; that
half is tested in libs/platform/tests/test_grpc_server.py.
"""

from __future__ import annotations

from skyulf_platform.grpc.server import LIVENESS_SERVICE

from .chart import GRPC_SERVICES, Rendered, env_of, pod_spec


def test_grpc_services_probe_liveness_and_readiness_apart(default: Rendered) -> None:
    for name, port in GRPC_SERVICES.items():
        deployment = default.get("Deployment", f"skyulf-{name}")
        container = pod_spec(deployment)["containers"][0]
        assert container["command"] == ["python", "-m", f"skyulf_{name}", "serve"]
        assert env_of(container)["SKYULF_GRPC_PORT"]["value"] == str(port)
        for probe in ("livenessProbe", "startupProbe"):
            assert container[probe]["grpc"] == {"port": port, "service": LIVENESS_SERVICE}, (
                name,
                probe,
            )
        # The overall status ("" service), which follows the dependency checks.
        assert container["readinessProbe"]["grpc"] == {"port": port}, name


def test_http_processes_are_live_without_their_backends(default: Rendered) -> None:
    gateway = pod_spec(default.get("Deployment", "skyulf-gateway"))["containers"][0]
    # /healthz reports the backends: readiness only.
    assert gateway["readinessProbe"]["httpGet"]["path"] == "/healthz"
    assert "httpGet" not in gateway["livenessProbe"]
    assert gateway["livenessProbe"]["tcpSocket"]["port"] == "http"

    predictor = pod_spec(default.get("Deployment", "skyulf-predictor"))["containers"][0]
    assert predictor["livenessProbe"]["httpGet"]["path"] == "/v2/health/live"
    assert predictor["startupProbe"]["httpGet"]["path"] == "/v2/health/live"
    # Ready once the models of its active deployments are loaded.
    assert predictor["readinessProbe"]["httpGet"]["path"] == "/v2/health/ready"
