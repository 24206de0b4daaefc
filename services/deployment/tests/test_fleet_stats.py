"""Counters of several prediction servers summed, and where the servers are found."""

from __future__ import annotations

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from skyulf.deployment.v1 import deployment_pb2 as pb
from skyulf_deployment import fleet_stats
from skyulf_deployment.peers import PredictorClient, resolve_peers
from skyulf_errors import InvalidArgument, Unavailable


def _answer(server: str, started: int, *versions: pb.VersionStats) -> pb.GetEndpointStatsResponse:
    return pb.GetEndpointStatsResponse(
        name="churn", server=server, since=Timestamp(seconds=started), versions=versions
    )


def test_counts_add_up_the_mean_is_weighted_and_percentiles_span_every_window() -> None:
    a = _answer(
        "a",
        200,
        pb.VersionStats(
            version=1, requests=3, errors=1, rows=30, latency_mean_ms=2.0,
            recent_latency_ms=[1.0, 2.0, 3.0],
        ),
    )  # fmt: skip
    b = _answer(
        "b",
        100,
        pb.VersionStats(
            version=1, requests=1, rows=10, latency_mean_ms=10.0, recent_latency_ms=[10.0]
        ),
        pb.VersionStats(
            version=2, requests=2, rows=4, latency_mean_ms=5.0, recent_latency_ms=[4.0, 6.0]
        ),
    )
    versions, since = fleet_stats.merge([a, b])
    assert [v.version for v in versions] == [1, 2]
    v1, v2 = versions
    assert (v1.requests, v1.errors, v1.rows) == (4, 1, 40)
    assert v1.latency_mean_ms == pytest.approx((3 * 2.0 + 10.0) / 4)
    assert (v1.latency_p50_ms, v1.latency_p95_ms) == (3.0, 10.0)
    assert (v2.requests, v2.latency_p50_ms) == (2, 6.0)
    assert since is not None and since.seconds == 100


def test_no_answers_are_no_counters() -> None:
    assert fleet_stats.merge([]) == ([], None)


def test_a_headless_service_address_means_every_server_it_resolves_to() -> None:
    assert PredictorClient(grpc.insecure_channel("x:1"), "dns:///localhost:7001").peers == (
        "localhost:7001"
    )
    assert PredictorClient(grpc.insecure_channel("x:1"), "127.0.0.1:7001").peers == ""


def test_peers_resolve_each_name_to_its_addresses() -> None:
    assert resolve_peers("localhost:7001, 127.0.0.1:7002") == [
        "127.0.0.1:7001",
        "127.0.0.1:7002",
    ]
    assert resolve_peers("[::1]:7003") == ["[::1]:7003"]


@pytest.mark.parametrize("bad", ["predictor", "predictor:http", ":7001"])
def test_a_malformed_peer_names_the_setting(bad: str) -> None:
    with pytest.raises(InvalidArgument) as e:
        resolve_peers(bad)
    assert e.value.details["field"] == "predictor_addr"


def test_an_unknown_host_is_unavailable_naming_it() -> None:
    with pytest.raises(Unavailable, match=r"no-such-host\.invalid"):
        resolve_peers("no-such-host.invalid:7001")
