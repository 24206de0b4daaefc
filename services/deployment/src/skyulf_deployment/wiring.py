"""Builds the deployment service's parts for the gRPC process and for the workers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from skyulf_deployment.alerts import WebhookAlerts
from skyulf_deployment.peers import IngestionClient, PredictorClient, RegistryClient
from skyulf_deployment.service import DeploymentService
from skyulf_deployment.settings import DeploymentSettings, get_settings
from skyulf_platform.artifacts import open_store
from skyulf_platform.db.engine import make_engine
from skyulf_platform.db.uow import UnitOfWork
from skyulf_platform.settings import PlatformSettings
from skyulf_platform.tasks.app import create_celery_app

if TYPE_CHECKING:
    from skyulf_deployment.batch import BatchScoring, Enqueue
    from skyulf_deployment.drift import DriftReports

# Task names: the contract between this service and the workers that run them.
SCORE_BATCH = "skyulf.deployment.score_batch"
DRIFT_REPORT = "skyulf.deployment.drift_report"
QUEUE = "train"
_PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}


def celery_enqueue(settings: PlatformSettings, task: str) -> Enqueue:
    app = create_celery_app(settings, include_tasks=False)

    def enqueue(object_id: str) -> None:
        app.send_task(task, args=[object_id], queue=QUEUE, retry=True, retry_policy=_PUBLISH_RETRY)

    return enqueue


def build_service(settings: PlatformSettings) -> DeploymentService:
    return DeploymentService(
        UnitOfWork(make_engine(settings.resolved_database_url())),
        RegistryClient.connect(settings.registry_addr),
        PredictorClient.connect(settings.predictor_addr),
    )


@dataclass
class WorkerServices:
    deployments: DeploymentService
    batch: BatchScoring
    drift: DriftReports


def build_worker(settings: DeploymentSettings | None = None) -> WorkerServices:
    # Scoring and drift load the ML core: imported here, so that a worker loads it only when
    # it runs one of their tasks (an ingest-only worker never does).
    from skyulf_deployment.batch import BatchScoring
    from skyulf_deployment.drift import DriftReports

    settings = settings or get_settings()
    webhook = settings.alert_webhook_url
    alerts = WebhookAlerts(webhook.get_secret_value()) if webhook else None
    deployments = DeploymentService(
        UnitOfWork(make_engine(settings.resolved_database_url())),
        RegistryClient.connect(settings.registry_addr),
    )
    ingestion = IngestionClient.connect(settings.ingestion_addr)
    store = open_store(settings)
    key = settings.signing_key()
    batch = BatchScoring(deployments, ingestion, None, store, key)
    drift = DriftReports(deployments, ingestion, None, store, key, alerts)
    return WorkerServices(deployments, batch, drift)
