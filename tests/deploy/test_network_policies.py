"""Default deny, then exactly the calls the platform makes: a reachability matrix derived from
the rendered NetworkPolicies (evaluated as the Kubernetes NetworkPolicy semantics define them,
ingress at the callee and egress at the caller) must equal the intended one, in both
directions: every needed path open, every other closed.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

import pytest

from .chart import (
    EXTERNAL_VALUES,
    QUEUES,
    SECRET_VALUES,
    Rendered,
    example_values,
    merged,
    pod_spec,
    render,
    run_helm,
)

NAMESPACE = "ml"  # the namespace the tests render into
WORKERS = {f"worker-{q}" for q in QUEUES}
SERVICES = {"ingestion", "pipeline", "registry", "deployment", "advisor"}
SKYULF = {"gateway", *SERVICES, "predictor", *WORKERS}  # its own processes, egress-restricted


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


def _egress_peer_matches(peer: dict[str, Any], dst: Source | str) -> bool:
    """Whether an egress peer covers ``dst``: a pod (as a Source) or an address outside."""
    if "ipBlock" in peer:
        # ipBlock is for addresses outside the cluster, never pods (as the API documents it).
        if isinstance(dst, Source):
            return False
        address = ipaddress.ip_address(dst)
        block = peer["ipBlock"]
        inside = ipaddress.ip_network(block["cidr"])
        if address.version != inside.version or address not in inside:
            return False
        return not any(
            address.version == ipaddress.ip_network(e).version
            and address in ipaddress.ip_network(e)
            for e in block.get("except", [])
        )
    if isinstance(dst, str):
        return False
    return _peer_matches(peer, dst)


def egress_allowed(
    rendered: Rendered, src: Source, dst: Source | str, port: int, protocol: str = "TCP"
) -> bool:
    """Whether the source's egress policies (if any select it) let it open this connection."""
    if src.namespace != NAMESPACE:
        return True  # the release's policies select only its own namespace
    selecting = [
        p
        for p in rendered.of_kind("NetworkPolicy")
        if "Egress" in p["spec"].get("policyTypes", [])
        and _selector_matches(p["spec"]["podSelector"], src.labels)
    ]
    if not selecting:
        return True
    for policy in selecting:
        for rule in policy["spec"].get("egress", []):
            ports = rule.get("ports")
            if ports and not any(
                p["port"] == port and p.get("protocol", "TCP") == protocol for p in ports
            ):
                continue
            peers = rule.get("to")
            if not peers or any(_egress_peer_matches(peer, dst) for peer in peers):
                return True
    return False


def reachable(rendered: Rendered, src: Source, dst_labels: dict[str, str], port: int) -> bool:
    dst = Source("callee", dst_labels, NAMESPACE, {"kubernetes.io/metadata.name": NAMESPACE})
    if not egress_allowed(rendered, src, dst, port):
        return False
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
        "ingestion": {"gateway", "pipeline", "advisor", "deployment", *WORKERS},
        "pipeline": {"gateway"},
        "registry": {"gateway", "deployment", "predictor", *WORKERS},
        "deployment": {"gateway", "predictor"},
        "advisor": {"gateway"},
        "predictor": {"gateway", "deployment"},
        "postgresql": {"ingestion", "pipeline", "registry", "deployment", *WORKERS},
        "redis": {"ingestion", "pipeline", "deployment", *WORKERS}
        | ({"keda-operator"} if keda else set()),
        "minio": {"ingestion", "pipeline", "predictor", *WORKERS},
    }
    paths = {
        (src, dst, port) for dst, srcs in callers.items() for src in srcs for port in ports[dst]
    }
    # Every Skyulf process serves metrics; the default admits any scraper on that port only.
    # Skyulf's own processes scrape nothing: their egress stops them.
    scrapers = (everyone if metrics_from is None else metrics_from) - SKYULF
    return paths | {(src, dst, METRICS) for dst in SKYULF for src in scrapers}


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
    # Skyulf's own processes never call the gateway.
    want = _expected(gateway_from=everyone - SKYULF, keda=False, ports=PORTS, everyone=everyone)
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


# --- egress ------------------------------------------------------------------------------------

DNS = Source(
    "kube-dns",
    {"k8s-app": "kube-dns"},
    "kube-system",
    {"kubernetes.io/metadata.name": "kube-system"},
)
STRANGER = Source(
    "stranger", {"app": "other"}, NAMESPACE, {"kubernetes.io/metadata.name": NAMESPACE}
)
INGESTING = {"ingestion", "worker-ingest"}


def _release_sources(rendered: Rendered) -> dict[str, Source]:
    pods = _pods(rendered)
    return {s.name: s for s in _sources(rendered) if s.namespace == NAMESPACE and s.name in pods}


def test_every_skyulf_process_resolves_names_and_nothing_else_leaves_but_data_sources(
    default: Rendered,
) -> None:
    sources = _release_sources(default)
    assert set(sources) >= SKYULF
    for name in SKYULF:
        src = sources[name]
        assert egress_allowed(default, src, DNS, 53, "UDP"), name
        assert egress_allowed(default, src, DNS, 53, "TCP"), name
        # A data source on the internet: only the ingesting processes read from one.
        assert egress_allowed(default, src, "203.0.113.7", 5432) == (name in INGESTING), name
        assert egress_allowed(default, src, "2001:db8::7", 443) == (name in INGESTING), name
        # Cloud metadata, by every spelling a CIDR can take: never.
        for metadata in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "fe80::1"):
            assert not egress_allowed(default, src, metadata, 80), (name, metadata)
        # A stranger in the namespace is not a callee of anyone.
        assert not egress_allowed(default, src, STRANGER, 8000), name


def test_the_in_chart_dependencies_keep_their_egress(default: Rendered) -> None:
    sources = _release_sources(default)
    for dep in ("postgresql", "redis", "minio"):
        assert egress_allowed(default, sources[dep], "203.0.113.7", 443), dep


def test_external_dependencies_are_reached_through_the_listed_peers(external: Rendered) -> None:
    sources = _release_sources(external)
    for name in SKYULF:
        assert egress_allowed(external, sources[name], "10.20.3.4", 5432), name
        assert egress_allowed(external, sources[name], "203.0.113.7", 5432) == (
            name in INGESTING
        ), name


def test_egress_without_peers_for_external_dependencies_is_refused(
    helm: Path, tmp_path: Path
) -> None:
    values = merged(EXTERNAL_VALUES, {"networkPolicy": {"egress": {"external": []}}})
    result = run_helm(helm, "template", values, tmp_path)
    assert result.returncode != 0
    assert "networkPolicy.egress.external" in result.stderr
    values = merged(values, {"networkPolicy": {"egress": {"enabled": False}}})
    rendered = render(helm, values, tmp_path)
    assert all("Egress" not in p["spec"]["policyTypes"] for p in rendered.of_kind("NetworkPolicy"))
