"""Traffic reaches new pods: every gRPC client target is a dns:/// name of a headless Service.

A headless Service's name resolves to every Ready pod; the platform's channels balance
round-robin over what it resolves to (libs/platform/tests/test_grpc_balancing.py shows two
server processes behind one target both answering), and servers bound connection age so
clients re-resolve and reach the pods an autoscaler added.
"""

from __future__ import annotations

import re

import pytest

from .chart import GRPC_SERVICES, Rendered, env_of, pod_spec

TARGET = re.compile(r"^dns:///(?P<host>[a-z0-9-]+):(?P<port>\d+)$")


@pytest.mark.parametrize("rendered_set", ["default", "production", "keda"])
def test_every_grpc_target_is_a_headless_service_of_the_right_pods(
    rendered_set: str, request: pytest.FixtureRequest
) -> None:
    rendered: Rendered = request.getfixturevalue(rendered_set)
    env = env_of(pod_spec(rendered.get("Deployment", "skyulf-gateway"))["containers"][0])
    targets = {**{name: port for name, port in GRPC_SERVICES.items()}, "predictor": 8081}
    for component, port in targets.items():
        match = TARGET.match(env[f"SKYULF_{component.upper()}_ADDR"]["value"])
        assert match, (component, env[f"SKYULF_{component.upper()}_ADDR"])
        service = rendered.get("Service", match["host"])
        assert service["spec"]["clusterIP"] == "None", component
        assert not service["spec"].get("publishNotReadyAddresses", False)
        assert [p["port"] for p in service["spec"]["ports"]] == [int(match["port"])] == [port]
        workload = rendered.get("Deployment", f"skyulf-{component}")
        assert service["spec"]["selector"] == workload["spec"]["selector"]["matchLabels"]
        container_ports = {
            p["name"]: p["containerPort"] for p in pod_spec(workload)["containers"][0]["ports"]
        }
        assert container_ports[service["spec"]["ports"][0]["targetPort"]] == port


def test_every_skyulf_process_gets_the_same_targets(default: Rendered) -> None:
    seen = set()
    for workload in default.workloads():
        for container in pod_spec(workload)["containers"]:
            env = env_of(container)
            if "SKYULF_PREDICTOR_ADDR" in env:
                seen.add(
                    tuple(sorted((k, v["value"]) for k, v in env.items() if k.endswith("_ADDR")))
                )
    assert len(seen) == 1
