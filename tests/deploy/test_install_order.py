"""`helm install --wait` converges: nothing Ready-gated waits on something that runs after it.

Helm runs post-install hooks only once every resource is Ready, so a readiness that needs what a
post-install hook creates never comes: the chart once created the bucket that way while the
services checked the bucket before becoming Ready. These tests model the install as a graph of
"starts or becomes Ready only after" edges, read from the rendered objects, and check it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .chart import (
    EXTERNAL_VALUES,
    SECRET_VALUES,
    Rendered,
    containers,
    env_of,
    example_values,
    merged,
    pod_spec,
    render,
)

DATABASE_OWNERS = ("ingestion", "pipeline", "registry", "deployment")
# train also runs the deployment service's batch scoring and drift tasks.
QUEUE_SCHEMAS = {
    "ingest": ["ingestion"],
    "train": ["pipeline", "deployment"],
    "tune": ["pipeline"],
}
HOOK_PHASES_AFTER_READY = {"post-install", "post-upgrade"}


def _hooks(doc: dict[str, Any]) -> set[str]:
    value = doc["metadata"].get("annotations", {}).get("helm.sh/hook", "")
    return {h.strip() for h in value.split(",") if h.strip()}


def _init_names(workload: dict[str, Any]) -> list[str]:
    return [c["name"] for c in pod_spec(workload).get("initContainers", [])]


@pytest.mark.parametrize("rendered_set", ["default", "external", "keda", "production"])
def test_nothing_is_created_after_the_release_is_ready(
    rendered_set: str, request: pytest.FixtureRequest
) -> None:
    """No object waits for the whole release: no post-install/post-upgrade hook exists."""
    rendered: Rendered = request.getfixturevalue(rendered_set)
    late = [
        f"{d['kind']}/{d['metadata']['name']}"
        for d in rendered.docs
        if _hooks(d) & HOOK_PHASES_AFTER_READY
    ]
    assert not late


@pytest.mark.parametrize("rendered_set", ["default", "external", "production"])
def test_schemas_are_migrated_before_their_users_start(
    rendered_set: str, request: pytest.FixtureRequest
) -> None:
    """Init containers run to completion before the main container starts (and so before any
    readiness probe): a service can only report Ready on a migrated schema, for the in-chart and
    an external database alike."""
    rendered: Rendered = request.getfixturevalue(rendered_set)
    for svc in DATABASE_OWNERS:
        deployment = rendered.get("Deployment", f"skyulf-{svc}")
        assert _init_names(deployment) == ["wait-for-database", f"migrate-{svc}"], svc
        (migrate,) = [c for c in containers(deployment) if c["name"] == f"migrate-{svc}"]
        assert migrate["command"] == ["python", "-m", f"skyulf_{svc}", "migrate"]
        main = pod_spec(deployment)["containers"][0]
        # Migrations and service read the same database.
        assert env_of(migrate)["SKYULF_DATABASE_URL"] == env_of(main)["SKYULF_DATABASE_URL"], svc
    for queue, schemas in QUEUE_SCHEMAS.items():
        worker = rendered.get("Deployment", f"skyulf-worker-{queue}")
        assert _init_names(worker) == ["wait-for-database", *(f"migrate-{s}" for s in schemas)]
    # Services without tables start at once.
    assert not _init_names(rendered.get("Deployment", "skyulf-advisor"))
    assert not _init_names(rendered.get("Deployment", "skyulf-gateway"))


def test_the_wait_targets_the_configured_database(default: Rendered, external: Rendered) -> None:
    for rendered, host, port in ((default, "skyulf-postgresql", "5432"), (external, None, None)):
        init = pod_spec(rendered.get("Deployment", "skyulf-registry"))["initContainers"][0]
        if host is None:
            host = EXTERNAL_VALUES["externalDatabase"]["host"]
            port = str(EXTERNAL_VALUES["externalDatabase"]["port"])
        assert init["command"][-2:] == [host, port]


def test_the_bucket_exists_before_minio_is_ready(default: Rendered) -> None:
    """The services' readiness checks the bucket through MinIO's Service, which only routes to
    a Ready MinIO pod; that pod's `provision` container creates the bucket (and Skyulf's user)
    over localhost and only then reports ready. So the bucket exists before anyone can see
    MinIO at all, with no hook in between."""
    minio = default.get("StatefulSet", "skyulf-minio")
    provision = next(c for c in pod_spec(minio)["containers"] if c["name"] == "provision")
    script = provision["command"][-1]
    assert "http://127.0.0.1:9000" in script
    mb = script.index("mc mb") if "mc mb" in script else script.index("$mc mb")
    ready_marker = script.index("touch /tmp/provisioned")
    assert mb < ready_marker
    assert provision["readinessProbe"]["exec"]["command"] == ["test", "-f", "/tmp/provisioned"]
    env = env_of(provision)
    bucket = env["S3_BUCKET"]["value"]
    service_env = env_of(pod_spec(default.get("Deployment", "skyulf-ingestion"))["containers"][0])
    assert service_env["SKYULF_ARTIFACT_URL"]["value"].startswith(f"s3://{bucket}/")
    service = default.get("Service", "skyulf-minio")
    # A Service routes to Ready pods only, unless told otherwise.
    assert not service["spec"].get("publishNotReadyAddresses", False)
    assert (
        service["spec"]["selector"].items()
        <= minio["spec"]["template"]["metadata"]["labels"].items()
    )


def test_migrations_can_be_switched_off(helm: Path, tmp_path: Path) -> None:
    rendered = render(helm, merged(SECRET_VALUES, {"migrations": {"enabled": False}}), tmp_path)
    for svc in DATABASE_OWNERS:
        assert not _init_names(rendered.get("Deployment", f"skyulf-{svc}"))


def test_keda_set_keeps_the_order(keda: Rendered) -> None:
    assert example_values("keda")["keda"]["enabled"] is True
    assert _init_names(keda.get("Deployment", "skyulf-worker-tune"))[-1] == "migrate-pipeline"
