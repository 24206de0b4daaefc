"""The Helm chart renders, passes `helm lint`, and every manifest is valid Kubernetes.

Rendering is offline: `helm template` plus kubernetes-validate's bundled OpenAPI schemas.
"""

from __future__ import annotations

from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from .chart import (
    CHART,
    EXTERNAL_VALUES,
    GRPC_SERVICES,
    KUBE_VERSION,
    QUEUES,
    SECRET_VALUES,
    SECRETS,
    Rendered,
    containers,
    env_of,
    example_values,
    merged,
    pod_spec,
    render,
    run_helm,
)

# --- lint and schema validity -----------------------------------------------------------------


@pytest.mark.parametrize("example", [None, "keda", "production"])
def test_helm_lint_passes(helm: Path, tmp_path: Path, example: str | None) -> None:
    values = SECRET_VALUES if example is None else merged(SECRET_VALUES, example_values(example))
    result = run_helm(helm, "lint", values, tmp_path, "--strict")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "rendered_set", ["default", "external", "with_ingress", "keda", "production"]
)
def test_every_manifest_is_valid_kubernetes(
    rendered_set: str, request: pytest.FixtureRequest
) -> None:
    rendered: Rendered = request.getfixturevalue(rendered_set)
    assert rendered.docs
    errors = []
    for doc in rendered.docs:
        if doc["apiVersion"].startswith(("keda.sh/", "monitoring.coreos.com/")):
            continue  # CRDs: checked in test_worker_scaling and test_metrics_chart
        try:
            kubernetes_validate.validate(doc, KUBE_VERSION, strict=True)
        except kubernetes_validate.ValidationError as e:
            errors.append(f"{doc['kind']}/{doc['metadata']['name']}: {e.message} at {list(e.path)}")
    assert not errors, "\n".join(errors)


# --- what a user would notice -----------------------------------------------------------------


def test_default_install_has_every_part(default: Rendered) -> None:
    deployments = default.names("Deployment")
    for name in [*GRPC_SERVICES, "gateway", "predictor", "redis"]:
        assert f"skyulf-{name}" in deployments
    assert default.names("StatefulSet") == {"skyulf-postgresql", "skyulf-minio"}
    assert {
        "skyulf-gateway",
        "skyulf-predictor",
        "skyulf-predictor-headless",
        "skyulf-postgresql",
        "skyulf-minio",
    } <= default.names("Service")
    assert not default.of_kind("Ingress")


def test_workload_images(default: Rendered) -> None:
    images = {
        (w["metadata"]["name"], c["name"]): c["image"]
        for w in default.workloads()
        for c in containers(w)
    }
    dependencies = {
        ("skyulf-postgresql", "postgresql"): "postgres:16.",
        ("skyulf-redis", "redis"): "redis:7.",
        ("skyulf-minio", "minio"): "minio/minio:RELEASE.",
        ("skyulf-minio", "provision"): "minio/mc:RELEASE.",
    }
    for key, image in images.items():
        expected = dependencies.get(key, "skyulf/skyulf:9.9.9-test")
        assert image.startswith(expected), f"{key} runs {image}, expected {expected}"
    assert set(dependencies) <= set(images)


def test_image_defaults_to_app_version(helm: Path, tmp_path: Path) -> None:
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    values = {**SECRET_VALUES, "image": {"repository": "registry.example/skyulf"}}
    gateway = render(helm, values, tmp_path).get("Deployment", "skyulf-gateway")
    assert (
        pod_spec(gateway)["containers"][0]["image"]
        == f"registry.example/skyulf:{chart['appVersion']}"
    )


def test_gateway_and_predictor_use_http_probes(default: Rendered) -> None:
    gateway = pod_spec(default.get("Deployment", "skyulf-gateway"))["containers"][0]
    assert gateway["command"] == ["python", "-m", "skyulf_gateway", "serve", "--migrate"]
    assert gateway["readinessProbe"]["httpGet"]["path"] == "/healthz"
    assert env_of(gateway)["SKYULF_HTTP_PORT"]["value"] == "8000"

    predictor = pod_spec(default.get("Deployment", "skyulf-predictor"))["containers"][0]
    assert predictor["command"] == ["python", "-m", "skyulf_deployment", "predictor"]
    assert predictor["readinessProbe"]["httpGet"]["path"] == "/v2/health/ready"
    assert predictor["livenessProbe"]["httpGet"]["path"] == "/v2/health/live"
    assert {p["name"]: p["containerPort"] for p in predictor["ports"]} == {
        "http": 8080,
        "grpc": 8081,
        "metrics": 9090,
    }


def test_predictor_autoscales_and_has_a_disruption_budget(default: Rendered) -> None:
    hpa = default.get("HorizontalPodAutoscaler", "skyulf-predictor")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "skyulf-predictor",
    }
    assert hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
    assert hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"
    # The HPA owns the replica count; a fixed one would fight it on every upgrade.
    assert "replicas" not in default.get("Deployment", "skyulf-predictor")["spec"]

    pdb = default.get("PodDisruptionBudget", "skyulf-predictor")
    predictor = default.get("Deployment", "skyulf-predictor")
    assert pdb["spec"]["selector"]["matchLabels"] == predictor["spec"]["selector"]["matchLabels"]


def test_each_queue_has_its_worker(default: Rendered, with_ingress: Rendered) -> None:
    for queue in QUEUES:
        worker = pod_spec(default.get("Deployment", f"skyulf-worker-{queue}"))["containers"][0]
        command = worker["command"]
        assert command[:4] == ["celery", "-A", "skyulf_platform.tasks.worker:app", "worker"]
        assert command[command.index("-Q") + 1] == queue
        assert "--concurrency" in command
        assert "SKYULF_BROKER_URL" in env_of(worker)
    # Worker HPAs are off by default; only the predictor scales.
    assert default.names("HorizontalPodAutoscaler") == {"skyulf-predictor"}
    hpa = with_ingress.get("HorizontalPodAutoscaler", "skyulf-worker-train")
    assert hpa["spec"]["scaleTargetRef"]["name"] == "skyulf-worker-train"
    assert hpa["spec"]["maxReplicas"] == 6


def test_a_named_secret_replaces_the_charts_own(helm: Path, tmp_path: Path) -> None:
    values = {**EXTERNAL_VALUES, "secrets": {"existingSecret": "skyulf-prod"}}
    rendered = render(helm, values, tmp_path)
    assert not rendered.of_kind("Secret"), "the chart must not create a Secret when one is named"
    refs = {
        e["valueFrom"]["secretKeyRef"]["name"]
        for w in rendered.workloads()
        for c in containers(w)
        for e in c.get("env", [])
        if "secretKeyRef" in e.get("valueFrom", {})
    }
    assert refs == {"skyulf-prod"}


def test_no_secret_value_outside_the_secret(default: Rendered, external: Rendered) -> None:
    for rendered in (default, external):
        secret = rendered.get("Secret", "skyulf-secrets")
        expected = set(SECRETS.values())
        if rendered is external:  # no in-chart MinIO, so no root user
            expected -= {SECRETS["minio_root"], SECRETS["minio_root_password"]}
        assert expected <= set(secret["stringData"].values())
        for doc in rendered.docs:
            if doc["kind"] == "Secret":
                continue
            text = yaml.safe_dump(doc)
            leaked = [name for name, value in SECRETS.items() if value in text]
            assert not leaked, f"{doc['kind']}/{doc['metadata']['name']} holds {leaked}"


def test_platform_env_points_at_the_in_cluster_services(default: Rendered) -> None:
    env = env_of(pod_spec(default.get("Deployment", "skyulf-pipeline"))["containers"][0])
    assert env["SKYULF_DATABASE_URL"]["value"] == (
        "postgresql+psycopg://skyulf:$(PGPASSWORD)@skyulf-postgresql:5432/skyulf"
    )
    assert env["SKYULF_BROKER_URL"]["value"] == "redis://:$(REDIS_PASSWORD)@skyulf-redis:6379/0"
    assert env["SKYULF_ARTIFACT_URL"]["value"] == "s3://skyulf/artifacts"
    assert env["SKYULF_S3_ENDPOINT_URL"]["value"] == "http://skyulf-minio:9000"
    assert env["SKYULF_LOG_FORMAT"]["value"] == "json"
    # Production mode refuses embedded defaults; servers must listen beyond loopback.
    assert env["SKYULF_ENV"]["value"] == "production"
    assert env["SKYULF_HOST"]["value"] == "0.0.0.0"
    for name, port in GRPC_SERVICES.items():
        assert (
            env[f"SKYULF_{name.upper()}_ADDR"]["value"] == f"dns:///skyulf-{name}-headless:{port}"
        )
    assert env["SKYULF_PREDICTOR_ADDR"]["value"] == "dns:///skyulf-predictor-headless:8081"
    for key in (
        "SKYULF_BUNDLE_SIGNING_KEY",
        "SKYULF_S3_ACCESS_KEY",
        "SKYULF_S3_SECRET_KEY",
        "PGPASSWORD",
    ):
        assert env[key]["valueFrom"]["secretKeyRef"]["name"] == "skyulf-secrets"
    # $(VAR) only expands from variables defined earlier in the list.
    names = list(env)
    assert names.index("PGPASSWORD") < names.index("SKYULF_DATABASE_URL")
    assert names.index("REDIS_PASSWORD") < names.index("SKYULF_BROKER_URL")


def test_external_dependencies_replace_the_bundled_ones(external: Rendered) -> None:
    kinds_and_names = {(d["kind"], d["metadata"]["name"]) for d in external.docs}
    for bundled in ("postgresql", "redis", "minio", "minio-bucket"):
        assert not any(name == f"skyulf-{bundled}" for _, name in kinds_and_names), bundled
    env = env_of(pod_spec(external.get("Deployment", "skyulf-worker-train"))["containers"][0])
    assert env["SKYULF_DATABASE_URL"]["value"] == (
        "postgresql+psycopg://skyulf:$(PGPASSWORD)@db.example.internal:6432/skyulf?sslmode=require"
    )
    assert env["SKYULF_BROKER_URL"]["value"] == (
        "redis://:$(REDIS_PASSWORD)@redis.example.internal:6379/0"
    )
    assert env["SKYULF_ARTIFACT_URL"]["value"] == "s3://ml-artifacts/skyulf/prod"
    assert env["SKYULF_S3_ENDPOINT_URL"]["value"] == "https://s3.example.internal"
    assert env["SKYULF_S3_REGION"]["value"] == "eu-west-1"


def test_ingress_routes_to_the_gateway(with_ingress: Rendered) -> None:
    ingress = with_ingress.get("Ingress", "skyulf-gateway")
    assert ingress["spec"]["ingressClassName"] == "nginx"
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "ml.example.org"
    backend = rule["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": "skyulf-gateway", "port": {"name": "http"}}
    service_ports = with_ingress.get("Service", "skyulf-gateway")["spec"]["ports"]
    assert any(p["name"] == "http" for p in service_ports)
    assert ingress["spec"]["tls"] == [{"secretName": "ml-tls", "hosts": ["ml.example.org"]}]


def test_pods_run_locked_down(default: Rendered) -> None:
    for workload in default.workloads():
        spec = pod_spec(workload)
        name = workload["metadata"]["name"]
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert spec["automountServiceAccountToken"] is False, name
        # Service links would inject SKYULF_*_PORT variables into the settings' namespace.
        assert spec["enableServiceLinks"] is False, name
        for container in containers(workload):
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["capabilities"]["drop"] == ["ALL"], name
            assert "resources" in container, (name, container["name"])


# --- refusals ---------------------------------------------------------------------------------


def test_schema_rejects_negative_replicas(helm: Path, tmp_path: Path) -> None:
    values = {**SECRET_VALUES, "services": {"registry": {"replicas": -1}}}
    result = run_helm(helm, "template", values, tmp_path)
    assert result.returncode != 0
    assert "services.registry.replicas" in result.stderr


def test_schema_rejects_unknown_queue(helm: Path, tmp_path: Path) -> None:
    values = {**SECRET_VALUES, "workers": {"queues": {"predict": {"enabled": True}}}}
    result = run_helm(helm, "template", values, tmp_path)
    assert result.returncode != 0
    assert "predict" in result.stderr


def test_refuses_to_render_without_a_signing_key(helm: Path, tmp_path: Path) -> None:
    result = run_helm(helm, "template", {}, tmp_path)
    assert result.returncode != 0
    assert "secrets.bundleSigningKey is required" in result.stderr


def test_refuses_a_short_signing_key(helm: Path, tmp_path: Path) -> None:
    values = {**SECRET_VALUES, "secrets": {"bundleSigningKey": "too-short"}}
    result = run_helm(helm, "template", values, tmp_path)
    assert result.returncode != 0
    assert "bundleSigningKey" in result.stderr


def test_insecure_defaults_render_only_when_asked(helm: Path, tmp_path: Path) -> None:
    rendered = render(helm, {"global": {"allowInsecureDefaults": True}}, tmp_path)
    secret = rendered.get("Secret", "skyulf-secrets")["stringData"]
    assert secret["bundle-signing-key"].startswith("skyulf-insecure-")
    # The development signing key is refused by value, not only when empty.
    values = {**SECRET_VALUES, "secrets": {"bundleSigningKey": secret["bundle-signing-key"]}}
    result = run_helm(helm, "template", values, tmp_path)
    assert result.returncode != 0
    assert "publicly known development value" in result.stderr


def test_predictor_hpa_needs_a_cpu_request(helm: Path, tmp_path: Path) -> None:
    values = {**SECRET_VALUES, "predictor": {"resources": {"requests": {"cpu": None}}}}
    result = run_helm(helm, "template", values, tmp_path)
    assert result.returncode != 0
    assert "predictor.resources.requests.cpu is required" in result.stderr


def test_an_alert_webhook_is_a_secret_every_pod_may_read(
    helm: Path, tmp_path: Path, default: Rendered
) -> None:
    url = "https://hooks.example.com/services/T0/B0/alert-webhook-secret"
    values = merged(SECRET_VALUES, {"secrets": {"alertWebhookUrl": url}})
    rendered = render(helm, values, tmp_path)
    assert rendered.get("Secret", "skyulf-secrets")["stringData"]["alert-webhook-url"] == url
    for doc in rendered.docs:
        if doc["kind"] != "Secret":
            assert url not in yaml.safe_dump(doc), f"{doc['kind']} holds the webhook URL"
    worker = rendered.get("Deployment", "skyulf-worker-train")
    ref = env_of(pod_spec(worker)["containers"][0])["SKYULF_ALERT_WEBHOOK_URL"]["valueFrom"]
    assert ref["secretKeyRef"] == {
        "name": "skyulf-secrets",
        "key": "alert-webhook-url",
        "optional": True,
    }
    # Without one, the key is absent and the reference optional: pods start all the same.
    assert "alert-webhook-url" not in default.get("Secret", "skyulf-secrets")["stringData"]


def test_schema_rejects_a_webhook_that_is_not_http(helm: Path, tmp_path: Path) -> None:
    values = merged(SECRET_VALUES, {"secrets": {"alertWebhookUrl": "ftp://hooks/x"}})
    result = run_helm(helm, "template", values, tmp_path)
    assert result.returncode != 0
    assert "secrets.alertWebhookUrl" in result.stderr
