"""Skyulf uses its own MinIO user; every pod pulls with the pull secrets; images are pinned."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .chart import (
    SECRET_VALUES,
    SECRETS,
    Rendered,
    containers,
    merged,
    pod_spec,
    render,
    run_helm,
)


def _secret_keys_used(rendered: Rendered, workload_name: str) -> set[str]:
    workload = next(w for w in rendered.workloads() if w["metadata"]["name"] == workload_name)
    return {
        e["valueFrom"]["secretKeyRef"]["key"]
        for c in containers(workload)
        for e in c.get("env", [])
        if "secretKeyRef" in e.get("valueFrom", {})
    }


def test_skyulf_uses_its_own_minio_user_not_root(default: Rendered) -> None:
    secret = default.get("Secret", "skyulf-secrets")["stringData"]
    assert secret["s3-access-key"] == SECRETS["s3_user"]
    assert secret["minio-root-user"] == SECRETS["minio_root"]
    root_keys = {"minio-root-user", "minio-root-password"}
    for workload in default.workloads():
        name = workload["metadata"]["name"]
        used = _secret_keys_used(default, name)
        if name == "skyulf-minio":
            assert root_keys <= used
        else:
            assert not used & root_keys, name
    gateway = pod_spec(default.get("Deployment", "skyulf-ingestion"))["containers"][0]
    keys = {
        e["name"]: e["valueFrom"]["secretKeyRef"]["key"]
        for e in gateway["env"]
        if "secretKeyRef" in e.get("valueFrom", {})
    }
    assert keys["SKYULF_S3_ACCESS_KEY"] == "s3-access-key"
    minio = default.get("StatefulSet", "skyulf-minio")
    provision = next(c for c in pod_spec(minio)["containers"] if c["name"] == "provision")
    script = provision["command"][-1]
    # The user's policy names the artifact bucket only.
    assert '"arn:aws:s3:::$S3_BUCKET", "arn:aws:s3:::$S3_BUCKET/*"' in script
    assert "admin user add" in script and "admin policy attach" in script


def test_the_root_user_cannot_double_as_skyulfs(helm: Path, tmp_path: Path) -> None:
    values = merged(SECRET_VALUES, {"minio": {"auth": {"accessKey": SECRETS["minio_root"]}}})
    result = run_helm(helm, "template", values, tmp_path)
    assert result.returncode != 0
    assert "minio.auth.accessKey must differ from minio.auth.rootUser" in result.stderr


def test_image_pull_secrets_reach_every_pod(helm: Path, tmp_path: Path) -> None:
    pull = [{"name": "registry-credentials"}]
    rendered = render(helm, merged(SECRET_VALUES, {"imagePullSecrets": pull}), tmp_path)
    workloads = rendered.workloads()
    assert {"skyulf-postgresql", "skyulf-redis", "skyulf-minio"} <= {
        w["metadata"]["name"] for w in workloads
    }
    for workload in workloads:
        assert pod_spec(workload).get("imagePullSecrets") == pull, workload["metadata"]["name"]


@pytest.mark.parametrize("rendered_set", ["default", "production"])
def test_every_image_is_pinned(rendered_set: str, request: pytest.FixtureRequest) -> None:
    """No floating tag: a patch release, a dated MinIO release, or a digest."""
    rendered: Rendered = request.getfixturevalue(rendered_set)
    pinned = re.compile(
        r"^[^:@]+(:(\d+\.\d+(\.\d+)?|RELEASE\.[0-9T:-]+Z|[0-9][\w.-]*))?(@sha256:[a-f0-9]{64})?$"
    )
    for workload in rendered.workloads():
        for container in containers(workload):
            image = container["image"]
            assert pinned.match(image), (workload["metadata"]["name"], image)
            assert not image.endswith(":latest")


def test_a_dependency_digest_pins_the_exact_image(helm: Path, tmp_path: Path) -> None:
    digest = "sha256:" + "ab" * 32
    values = merged(SECRET_VALUES, {"redis": {"image": {"digest": digest}}})
    redis = render(helm, values, tmp_path).get("Deployment", "skyulf-redis")
    assert pod_spec(redis)["containers"][0]["image"].endswith(f"@{digest}")


def test_the_gateway_can_run_its_slim_image(helm: Path, tmp_path: Path) -> None:
    values = merged(SECRET_VALUES, {"gateway": {"image": {"repository": "skyulf/gateway"}}})
    rendered = render(helm, values, tmp_path)
    gateway = pod_spec(rendered.get("Deployment", "skyulf-gateway"))["containers"][0]
    assert gateway["image"] == "skyulf/gateway:9.9.9-test"
    # Everything else keeps the full image.
    registry = pod_spec(rendered.get("Deployment", "skyulf-registry"))["containers"][0]
    assert registry["image"] == "skyulf/skyulf:9.9.9-test"
