"""TLS to the dependencies: a private CA bundle reaches every Skyulf container.

That rediss:// verifies certificates against it is shown on a real TLS connection in
libs/platform/tests/tasks/test_broker_tls.py.
"""

from __future__ import annotations

from pathlib import Path

from .chart import SECRET_VALUES, Rendered, containers, env_of, merged, pod_spec, render

CA = "/etc/skyulf/ca/ca.crt"
DEPENDENCY_WORKLOADS = {"skyulf-postgresql", "skyulf-redis", "skyulf-minio"}


def test_the_ca_bundle_reaches_every_skyulf_container(production: Rendered) -> None:
    skyulf = [
        w for w in production.workloads() if w["metadata"]["name"] not in DEPENDENCY_WORKLOADS
    ]
    assert skyulf
    for workload in skyulf:
        name = workload["metadata"]["name"]
        volumes = {v["name"]: v for v in pod_spec(workload)["volumes"]}
        assert volumes["ca-bundle"]["configMap"]["name"] == "corporate-ca", name
        for container in containers(workload):
            mounts = {m["name"]: m for m in container["volumeMounts"]}
            assert mounts["ca-bundle"]["mountPath"] == str(Path(CA).parent), name
            assert mounts["ca-bundle"]["readOnly"] is True
            env = env_of(container)
            if "SKYULF_DATABASE_URL" not in env:
                continue  # wait-for-database opens a TCP socket only
            for var in ("SKYULF_CA_BUNDLE", "PGSSLROOTCERT", "AWS_CA_BUNDLE"):
                assert env[var]["value"] == CA, (name, container["name"], var)


def test_production_connections_verify_their_peers(production: Rendered) -> None:
    env = env_of(pod_spec(production.get("Deployment", "skyulf-registry"))["containers"][0])
    assert env["SKYULF_DATABASE_URL"]["value"].endswith("?sslmode=verify-full")
    assert env["SKYULF_BROKER_URL"]["value"].startswith("rediss://")


def test_no_ca_bundle_by_default(default: Rendered) -> None:
    for workload in default.workloads():
        for container in containers(workload):
            assert "SKYULF_CA_BUNDLE" not in env_of(container)
            assert all(m["name"] != "ca-bundle" for m in container.get("volumeMounts", []))


def test_extra_volumes_and_a_secret_ca(helm: Path, tmp_path: Path) -> None:
    values = merged(
        SECRET_VALUES,
        {
            "caBundle": {"secret": "db-ca", "key": "root.pem"},
            "extraVolumes": [{"name": "client-certs", "secret": {"secretName": "pg-client"}}],
            "extraVolumeMounts": [{"name": "client-certs", "mountPath": "/etc/skyulf/pg"}],
        },
    )
    rendered = render(helm, values, tmp_path)
    worker = rendered.get("Deployment", "skyulf-worker-train")
    volumes = {v["name"]: v for v in pod_spec(worker)["volumes"]}
    assert volumes["ca-bundle"]["secret"] == {
        "secretName": "db-ca",
        "items": [{"key": "root.pem", "path": "ca.crt"}],
    }
    assert volumes["client-certs"]["secret"]["secretName"] == "pg-client"
    for container in containers(worker):
        assert {"ca-bundle", "client-certs"} <= {m["name"] for m in container["volumeMounts"]}
