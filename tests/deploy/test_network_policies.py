"""Default deny, then exactly the calls the platform makes: a reachability matrix derived from
the rendered NetworkPolicies (evaluated as the Kubernetes NetworkPolicy semantics define them)
must equal the intended one, in both directions: every needed path open, every other closed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .chart import QUEUES, SECRET_VALUES, Rendered, example_values, merged, pod_spec, render

NAMESPACE = "ml"  # the namespace the tests render into
WORKERS = {f"worker-{q}" for q in QUEUES}
SERVICES = {"ingestion", "pipeline", "registry", "deployment", "advisor"}


class Source:
    def __init__(
        self, name: str, labels: dict[str, str], namespace: str, ns_labels: dict[str, str]
    ):
        self.name, self.labels, self.namespace, self.ns_labels = name, labels, namespace, ns_labels


def _selector_matches(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expr in selector.get("matchExpressions", []):
        key, op, values = expr["key"], expr["operator"], expr.get("values", [])
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def _peer_matches(peer: dict[str, Any], src: Source) -> bool:
    assert "ipBlock" not in peer
    if "namespaceSelector" in peer:
        if not _selector_matches(peer["namespaceSelector"], src.ns_labels):
            return False
    elif src.namespace != NAMESPACE:
        return False
    return _selector_matches(peer.get("podSelector", {}), src.labels)


def _rule_allows(rule: dict[str, Any], src: Source, port: int) -> bool:
    ports = rule.get("ports")
    if ports and not any(p["port"] == port and p.get("protocol", "TCP") == "TCP" for p in ports):
        return False
    peers = rule.get("from")
    return not peers or any(_peer_matches(peer, src) for peer in peers)


def reachable(rendered: Rendered, src: Source, dst_labels: dict[str, str], port: int) -> bool:
    selecting = [
        p
        for p in rendered.of_kind("NetworkPolicy")
        if "Ingress" in p["spec"].get("policyTypes", ["Ingress"])
        and _selector_matches(p["spec"]["podSelector"], dst_labels)
    ]
    if not selecting:
        return True  # not isolated
    return any(_rule_allows(r, src, port) for p in selecting for r in p["spec"].get("ingress", []))


def _pods(rendered: Rendered) -> dict[str, tuple[dict[str, str], set[int]]]:
    """component -> (pod labels, container ports) for every workload of the release."""
    pods = {}
    for w in rendered.workloads():
        labels = w["spec"]["template"]["metadata"]["labels"]
        ports = {p["containerPort"] for c in pod_spec(w)["containers"] for p in c.get("ports", [])}
        pods[labels["app.kubernetes.io/component"]] = (labels, ports)
    return pods


def _sources(rendered: Rendered) -> list[Source]:
    ns = {"kubernetes.io/metadata.name": NAMESPACE}
    inside = [Source(name, labels, NAMESPACE, ns) for name, (labels, _) in _pods(rendered).items()]
    return [
        *inside,
        Source("stranger-same-namespace", {"app": "other"}, NAMESPACE, ns),
        Source(
            "ingress-controller",
            {"app.kubernetes.io/name": "ingress-nginx"},
            "ingress-nginx",
            {"kubernetes.io/metadata.name": "ingress-nginx"},
        ),
        Source(
            "keda-operator",
            {"app": "keda-operator"},
            "keda",
            {"kubernetes.io/metadata.name": "keda"},
        ),
    ]


def matrix(rendered: Rendered) -> set[tuple[str, str, int]]:
    pods = _pods(rendered)
    return {
        (src.name, dst, port)
        for src in _sources(rendered)
        for dst, (labels, ports) in pods.items()
        for port in ports
        if reachable(rendered, src, labels, port)
    }


def _expected(
    *,
    gateway_from: set[str],
    keda: bool,
    ports: dict[str, list[int]],
    everyone: set[str],
    metrics_from: set[str] | None = None,
) -> set[tuple[str, str, int]]:
    callers = {
        # Prediction servers check API keys with the gateway.
        "gateway": gateway_from | {"predictor"},
        "ingestion": {"gateway", "pipeline", "advisor", *WORKERS},
        "pipeline": {"gateway"},
        "registry": {"gateway", "deployment", "predictor", *WORKERS},
        "deployment": {"gateway", "predictor"},
        "advisor": {"gateway"},
        "predictor": {"gateway", "deployment"},
        "postgresql": {"ingestion", "pipeline", "registry", "deployment", *WORKERS},
        "redis": {"ingestion", "pipeline", *WORKERS} | ({"keda-operator"} if keda else set()),
        "minio": {"ingestion", "pipeline", "predictor", *WORKERS},
    }
    paths = {
        (src, dst, port) for dst, srcs in callers.items() for src in srcs for port in ports[dst]
    }
    # Every Skyulf process serves metrics; the default admits any scraper on that port only.
    scrapers = everyone if metrics_from is None else metrics_from
    skyulf = {"gateway", *SERVICES, "predictor", *WORKERS}
    return paths | {(src, dst, METRICS) for dst in skyulf for src in scrapers}


METRICS = 9090

PORTS = {
    "gateway": [8000],
    "ingestion": [50051],
    "pipeline": [50052],
    "registry": [50053],
    "deployment": [50054],
    "advisor": [50055],
    "predictor": [8080, 8081],
    "postgresql": [5432],
    "redis": [6379],
    "minio": [9000],  # not the console (9001): nobody reaches it
}


def test_the_rendered_policies_allow_exactly_the_platforms_calls(default: Rendered) -> None:
    everyone = {s.name for s in _sources(default)}
    got = matrix(default)
    want = _expected(gateway_from=everyone, keda=False, ports=PORTS, everyone=everyone)
    assert got - want == set(), "open but not needed"
    assert want - got == set(), "needed but closed"


def test_keda_reads_redis_and_the_gateway_admits_only_the_ingress(
    helm: Path, tmp_path: Path
) -> None:
    ingress_ns = {
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}
    }
    # Only the ingress controller's namespace scrapes here, to tell the rule apart.
    values = merged(
        merged(SECRET_VALUES, example_values("keda")),
        {"networkPolicy": {"gatewayFrom": [ingress_ns]}, "metrics": {"from": [ingress_ns]}},
    )
    rendered = render(helm, values, tmp_path)
    got = matrix(rendered)
    want = _expected(
        gateway_from={"ingress-controller"},
        keda=True,
        ports=PORTS,
        everyone={s.name for s in _sources(rendered)},
        metrics_from={"ingress-controller"},
    )
    assert got - want == set(), "open but not needed"
    assert want - got == set(), "needed but closed"


def test_every_release_pod_is_isolated(default: Rendered) -> None:
    stranger = Source("nobody", {}, "elsewhere", {})
    for name, (labels, ports) in _pods(default).items():
        if name == "gateway":
            continue
        for port in ports - {METRICS}:
            assert not reachable(default, stranger, labels, port), (name, port)


def test_policies_can_be_switched_off(helm: Path, tmp_path: Path) -> None:
    rendered = render(helm, merged(SECRET_VALUES, {"networkPolicy": {"enabled": False}}), tmp_path)
    assert not rendered.of_kind("NetworkPolicy")


@pytest.mark.parametrize("rendered_set", ["external", "production"])
def test_external_dependencies_get_no_policy(
    rendered_set: str, request: pytest.FixtureRequest
) -> None:
    rendered: Rendered = request.getfixturevalue(rendered_set)
    names = rendered.names("NetworkPolicy")
    assert not {"skyulf-postgresql", "skyulf-redis", "skyulf-minio"} & names
    assert {f"skyulf-{s}" for s in SERVICES} <= names
