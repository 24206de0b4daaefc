"""Rendering the Helm chart offline: helm from tools/bin/helm, manifests as Python objects.

helm comes from tools/bin/helm, installed by scripts/install-helm.sh when missing.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "deploy" / "helm" / "skyulf"
HELM = REPO / "tools" / "bin" / "helm"
INSTALL_HELM = REPO / "scripts" / "install-helm.sh"
KUBE_VERSION = "1.33.0"

GRPC_SERVICES = {
    "ingestion": 50051,
    "pipeline": 50052,
    "registry": 50053,
    "deployment": 50054,
    "advisor": 50055,
}
QUEUES = ("ingest", "train", "tune")
WORKLOAD_KINDS = {"Deployment", "StatefulSet", "Job"}

# Distinctive values, so a leak into any rendered field other than the Secret is findable.
SECRETS = {
    "database": "pgpass-4c1e9b7d",
    "redis": "redispass-8a2f61e0",
    "s3_user": "minio-user-5d03",
    "s3_password": "minio-pass-93b7c2aa",
    "minio_root": "minio-root-7e21",
    "minio_root_password": "minio-root-pass-1f9c44d0",
    "signing": "signing-key-0f7d1c2b9e8a4f3d6b5c7e9a1d2f4b6c",
}

SECRET_VALUES: dict[str, Any] = {
    "image": {"tag": "9.9.9-test"},
    "secrets": {"bundleSigningKey": SECRETS["signing"]},
    "postgresql": {"auth": {"password": SECRETS["database"]}},
    "redis": {"auth": {"password": SECRETS["redis"]}},
    "minio": {
        "auth": {
            "rootUser": SECRETS["minio_root"],
            "rootPassword": SECRETS["minio_root_password"],
            "accessKey": SECRETS["s3_user"],
            "secretKey": SECRETS["s3_password"],
        }
    },
}

EXTERNAL_VALUES: dict[str, Any] = {
    "image": {"tag": "9.9.9-test"},
    "secrets": {"bundleSigningKey": SECRETS["signing"]},
    "postgresql": {"enabled": False},
    "redis": {"enabled": False},
    "minio": {"enabled": False},
    "externalDatabase": {
        "host": "db.example.internal",
        "port": 6432,
        "password": SECRETS["database"],
        "sslmode": "require",
    },
    "externalRedis": {"host": "redis.example.internal", "auth": True, "password": SECRETS["redis"]},
    "externalS3": {
        "endpointUrl": "https://s3.example.internal",
        "accessKey": SECRETS["s3_user"],
        "secretKey": SECRETS["s3_password"],
    },
    "artifacts": {"bucket": "ml-artifacts", "prefix": "skyulf/prod", "region": "eu-west-1"},
    "networkPolicy": {"egress": {"external": [{"ipBlock": {"cidr": "10.20.0.0/16"}}]}},
}


# --- helm -------------------------------------------------------------------------------------


def helm_runs() -> bool:
    if not HELM.exists():
        return False
    try:
        subprocess.run(
            [str(HELM), "version", "--short"], capture_output=True, timeout=30, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return True


def run_helm(
    helm: Path, command: str, values: dict[str, Any], tmp_path: Path, *extra: str
) -> subprocess.CompletedProcess[str]:
    values_file = tmp_path / f"values-{command}.yaml"
    values_file.write_text(yaml.safe_dump(values))
    args = [str(helm), command]
    if command == "template":
        args += ["skyulf", str(CHART), "--namespace", "ml", "--kube-version", KUBE_VERSION]
    else:
        args += [str(CHART)]
    args += ["--values", str(values_file), *extra]
    return subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)


class Rendered:
    """The manifests of one `helm template` run, with look-ups by kind and name."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.docs: list[dict[str, Any]] = [d for d in yaml.safe_load_all(text) if d]

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [d for d in self.docs if d["kind"] == kind]

    def get(self, kind: str, name: str) -> dict[str, Any]:
        matches = [d for d in self.of_kind(kind) if d["metadata"]["name"] == name]
        assert matches, f"no {kind} named {name}; have {self.names(kind)}"
        return matches[0]

    def names(self, kind: str) -> set[str]:
        return {d["metadata"]["name"] for d in self.of_kind(kind)}

    def workloads(self) -> list[dict[str, Any]]:
        return [d for d in self.docs if d["kind"] in WORKLOAD_KINDS]


def render(helm: Path, values: dict[str, Any], tmp_path: Path) -> Rendered:
    result = run_helm(helm, "template", values, tmp_path)
    assert result.returncode == 0, result.stderr
    return Rendered(result.stdout)


def pod_spec(workload: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = workload["spec"]["template"]["spec"]
    return spec


def containers(workload: dict[str, Any]) -> Iterator[dict[str, Any]]:
    spec = pod_spec(workload)
    yield from spec.get("initContainers", [])
    yield from spec["containers"]


def env_of(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["name"]: e for e in container.get("env", [])}


def example_values(name: str) -> dict[str, Any]:
    """One of the chart's example value files (deploy/helm/skyulf/examples/values-<name>.yaml)."""
    loaded: dict[str, Any] = yaml.safe_load(
        (CHART / "examples" / f"values-{name}.yaml").read_text()
    )
    return loaded


def merged(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``override`` deep-merged into a copy of ``base`` (as helm merges value files)."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


def worker_env(rendered: Rendered, queue: str) -> dict[str, dict[str, Any]]:
    deployment = rendered.get("Deployment", f"skyulf-worker-{queue}")
    return env_of(pod_spec(deployment)["containers"][0])
