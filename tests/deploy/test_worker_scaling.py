"""Workers scale on their own queue's depth, and scaling down never cuts a task short.

KEDA's CRDs are not among kubernetes-validate's schemas: the ScaledObject is checked against the
subset of the KEDA v2 ScaledObject schema the chart uses (keda.sh/docs, "ScaledObject
specification" and "Redis Lists" scaler), with unknown fields refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest

from .chart import (
    QUEUES,
    SECRET_VALUES,
    Rendered,
    example_values,
    merged,
    pod_spec,
    render,
    run_helm,
    worker_env,
)

_INT_STRING = {"type": "string", "pattern": "^[0-9]+$"}

SCALED_OBJECT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "keda.sh/v1alpha1"},
        "kind": {"const": "ScaledObject"},
        "metadata": {"type": "object", "required": ["name"]},
        "spec": {
            "type": "object",
            "additionalProperties": False,
            "required": ["scaleTargetRef", "triggers"],
            "properties": {
                "scaleTargetRef": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["name"],
                    "properties": {
                        "apiVersion": {"type": "string"},
                        "kind": {"type": "string"},
                        "name": {"type": "string"},
                        "envSourceContainerName": {"type": "string"},
                    },
                },
                "pollingInterval": {"type": "integer", "minimum": 1},
                "cooldownPeriod": {"type": "integer", "minimum": 0},
                "idleReplicaCount": {"type": "integer", "minimum": 0},
                "minReplicaCount": {"type": "integer", "minimum": 0},
                "maxReplicaCount": {"type": "integer", "minimum": 1},
                "advanced": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "restoreToOriginalReplicaCount": {"type": "boolean"},
                        "horizontalPodAutoscalerConfig": {
                            "type": "object",
                            "additionalProperties": False,
                            "properties": {
                                "name": {"type": "string"},
                                "behavior": {"type": "object"},
                            },
                        },
                    },
                },
                "triggers": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["type", "metadata"],
                        "properties": {
                            "type": {"const": "redis"},
                            "name": {"type": "string"},
                            "metadata": {
                                "type": "object",
                                "additionalProperties": False,
                                "required": ["listName", "listLength"],
                                "properties": {
                                    "address": {"type": "string", "pattern": "^[^:/]+:[0-9]+$"},
                                    "addressFromEnv": {"type": "string"},
                                    "host": {"type": "string"},
                                    "port": _INT_STRING,
                                    "usernameFromEnv": {"type": "string"},
                                    "passwordFromEnv": {"type": "string"},
                                    "listName": {"type": "string", "minLength": 1},
                                    "listLength": _INT_STRING,
                                    "activationListLength": _INT_STRING,
                                    "enableTLS": {"enum": ["true", "false"]},
                                    "unsafeSsl": {"enum": ["true", "false"]},
                                    "databaseIndex": _INT_STRING,
                                },
                            },
                            "authenticationRef": {"type": "object"},
                        },
                    },
                },
            },
        },
    },
}


def _worker_container(rendered: Rendered, queue: str) -> dict[str, Any]:
    container: dict[str, Any] = pod_spec(rendered.get("Deployment", f"skyulf-worker-{queue}"))[
        "containers"
    ][0]
    return container


# --- queue-depth scaling ----------------------------------------------------------------------


def test_keda_scales_each_queue_on_its_redis_list(keda: Rendered) -> None:
    assert keda.names("ScaledObject") == {f"skyulf-worker-{q}" for q in QUEUES}
    # Only the predictor keeps its CPU HPA: no worker is scaled twice.
    assert keda.names("HorizontalPodAutoscaler") == {"skyulf-predictor"}
    keda_values = example_values("keda")["workers"]["queues"]
    for queue in QUEUES:
        scaled = keda.get("ScaledObject", f"skyulf-worker-{queue}")
        jsonschema.validate(scaled, SCALED_OBJECT_SCHEMA)
        spec = scaled["spec"]
        assert spec["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": f"skyulf-worker-{queue}",
        }
        wanted = keda_values[queue]["autoscaling"]
        assert spec["minReplicaCount"] == wanted["minReplicas"]
        assert spec["maxReplicaCount"] == wanted["maxReplicas"]
        assert spec["cooldownPeriod"] > 0
        (trigger,) = spec["triggers"]
        meta = trigger["metadata"]
        # Celery's Redis transport keeps a queue's waiting tasks in a list named after it.
        assert meta["listName"] == queue
        assert meta["listLength"] == str(wanted["targetQueueDepth"])
        # Resolvable from KEDA's own namespace.
        assert meta["address"] == "skyulf-redis.ml.svc:6379"
        assert meta["databaseIndex"] == "0"
        assert meta["enableTLS"] == "false"
        # KEDA resolves passwordFromEnv from the scale target's container: it must be there.
        assert meta["passwordFromEnv"] in worker_env(keda, queue)
        assert "secretKeyRef" in worker_env(keda, queue)[meta["passwordFromEnv"]]["valueFrom"]
        # The scaler owns the replica count.
        assert "replicas" not in keda.get("Deployment", f"skyulf-worker-{queue}")["spec"]
    assert keda.get("ScaledObject", "skyulf-worker-tune")["spec"]["minReplicaCount"] == 0


def test_keda_reaches_an_external_tls_broker(helm: Path, tmp_path: Path) -> None:
    values = merged(
        merged(SECRET_VALUES, example_values("keda")),
        {
            "redis": {"enabled": False},
            "externalRedis": {
                "host": "cache.example.internal",
                "port": 6380,
                "db": 3,
                "auth": True,
                "password": "x-redis-password",
                "tls": True,
            },
            "networkPolicy": {"egress": {"external": [{"ipBlock": {"cidr": "10.9.0.0/16"}}]}},
        },
    )
    rendered = render(helm, values, tmp_path)
    meta = rendered.get("ScaledObject", "skyulf-worker-train")["spec"]["triggers"][0]["metadata"]
    assert meta["address"] == "cache.example.internal:6380"
    assert meta["databaseIndex"] == "3"
    assert meta["enableTLS"] == "true"
    broker = worker_env(rendered, "train")["SKYULF_BROKER_URL"]["value"]
    assert broker == "rediss://:$(REDIS_PASSWORD)@cache.example.internal:6380/3"


def test_cpu_hpa_is_the_fallback_without_keda(production: Rendered) -> None:
    assert not production.of_kind("ScaledObject")
    for queue in QUEUES:
        hpa = production.get("HorizontalPodAutoscaler", f"skyulf-worker-{queue}")
        assert hpa["spec"]["scaleTargetRef"]["name"] == f"skyulf-worker-{queue}"
        assert hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"
        assert hpa["spec"]["behavior"]["scaleDown"]["stabilizationWindowSeconds"] > 0
        assert "replicas" not in production.get("Deployment", f"skyulf-worker-{queue}")["spec"]


@pytest.mark.parametrize("rendered_set", ["default", "external", "keda", "production"])
def test_a_worker_has_at_most_one_scaler(rendered_set: str, request: pytest.FixtureRequest) -> None:
    rendered: Rendered = request.getfixturevalue(rendered_set)
    hpas = {
        d["spec"]["scaleTargetRef"]["name"] for d in rendered.of_kind("HorizontalPodAutoscaler")
    }
    scaled = {d["spec"]["scaleTargetRef"]["name"] for d in rendered.of_kind("ScaledObject")}
    assert not hpas & scaled
    for name in hpas | scaled:
        deployment = rendered.get("Deployment", name)
        assert "replicas" not in deployment["spec"], name


def test_scale_to_zero_needs_keda(helm: Path, tmp_path: Path) -> None:
    values = merged(
        SECRET_VALUES, {"workers": {"queues": {"tune": {"autoscaling": {"enabled": True}}}}}
    )
    result = run_helm(helm, "template", values, tmp_path)
    assert result.returncode != 0
    assert "workers.queues.tune.autoscaling.minReplicas 0 (scale to zero) needs keda.enabled" in (
        result.stderr
    )


# --- scale-down never kills a task halfway ----------------------------------------------------


@pytest.mark.parametrize("rendered_set", ["default", "external", "keda", "production"])
def test_grace_period_time_limits_and_visibility_timeout_agree(
    rendered_set: str, request: pytest.FixtureRequest
) -> None:
    """Per queue: soft limit < hard limit < grace period, and hard limit < visibility timeout.

    On SIGTERM a worker finishes its running task, which the hard limit bounds; the kubelet
    must wait longer than that. The broker re-delivers an unacknowledged task after the
    visibility timeout; re-delivering one still running would run it twice.
    """
    rendered: Rendered = request.getfixturevalue(rendered_set)
    visibility_timeouts = set()
    for workload in rendered.workloads():
        for container in pod_spec(workload)["containers"]:
            env = {e["name"]: e for e in container.get("env", [])}
            if "SKYULF_BROKER_URL" in env:
                visibility_timeouts.add(int(env["SKYULF_BROKER_VISIBILITY_TIMEOUT"]["value"]))
    # Redis applies the consumer's own setting: every process must use the same one.
    (visibility,) = visibility_timeouts
    for queue in QUEUES:
        deployment = rendered.get("Deployment", f"skyulf-worker-{queue}")
        grace = pod_spec(deployment)["terminationGracePeriodSeconds"]
        env = worker_env(rendered, queue)
        soft = int(env["SKYULF_TASK_SOFT_TIME_LIMIT"]["value"])
        hard = int(env["SKYULF_TASK_TIME_LIMIT"]["value"])
        assert soft < hard < grace, (queue, soft, hard, grace)
        assert hard < visibility, (queue, hard, visibility)


def test_workers_run_one_acknowledged_late_task_per_process(default: Rendered) -> None:
    for queue in QUEUES:
        command = _worker_container(default, queue)["command"]
        # The default prefork pool: SIGTERM is Celery's warm shutdown.
        assert "--pool" not in command and "-P" not in command
        assert command[command.index("-Q") + 1] == queue


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (
            {"workers": {"queues": {"train": {"terminationGracePeriodSeconds": 7200}}}},
            "workers.queues.train.terminationGracePeriodSeconds must exceed its timeLimitSeconds",
        ),
        (
            {"broker": {"visibilityTimeoutSeconds": 3600}},
            "broker.visibilityTimeoutSeconds must exceed workers.queues.train.timeLimitSeconds",
        ),
        (
            {"workers": {"queues": {"ingest": {"softTimeLimitSeconds": 1800}}}},
            "workers.queues.ingest.softTimeLimitSeconds must be below its timeLimitSeconds",
        ),
    ],
)
def test_inconsistent_limits_are_refused(
    helm: Path, tmp_path: Path, override: dict[str, Any], message: str
) -> None:
    result = run_helm(helm, "template", merged(SECRET_VALUES, override), tmp_path)
    assert result.returncode != 0
    assert message in result.stderr


# --- placement --------------------------------------------------------------------------------


def test_each_queue_has_its_own_placement(production: Rendered) -> None:
    wanted = example_values("production")["workers"]["queues"]
    train = pod_spec(production.get("Deployment", "skyulf-worker-train"))
    assert train["nodeSelector"] == wanted["train"]["nodeSelector"]
    assert train["tolerations"] == wanted["train"]["tolerations"]
    assert _worker_container(production, "train")["resources"] == wanted["train"]["resources"]
    ingest = pod_spec(production.get("Deployment", "skyulf-worker-ingest"))
    assert "nodeSelector" not in ingest and "tolerations" not in ingest
    gateway = pod_spec(production.get("Deployment", "skyulf-gateway"))
    assert "nodeSelector" not in gateway


def test_queue_placement_replaces_the_global_one(helm: Path, tmp_path: Path) -> None:
    affinity = {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {"matchExpressions": [{"key": "gpu", "operator": "In", "values": ["yes"]}]}
                ]
            }
        }
    }
    values = merged(
        SECRET_VALUES,
        {
            "nodeSelector": {"pool": "general"},
            "workers": {
                "queues": {"train": {"nodeSelector": {"pool": "big"}, "affinity": affinity}}
            },
        },
    )
    rendered = render(helm, values, tmp_path)
    train = pod_spec(rendered.get("Deployment", "skyulf-worker-train"))
    assert train["nodeSelector"] == {"pool": "big"}
    assert train["affinity"] == affinity
    tune = pod_spec(rendered.get("Deployment", "skyulf-worker-tune"))
    assert tune["nodeSelector"] == {"pool": "general"}
    assert "affinity" not in tune
