"""Drift reports of a deployment: its served version's reference statistics (written into the
bundle at training) against current data, an uploaded dataset or the inputs the endpoint
logged (``input-logs/<endpoint>/<day>/*.parquet`` in the artifact store). The report row is
the deployment service's; the comparison runs on the workers; the statistics are
``skyulf_core.drift``'s. A report at severity medium or high is raised as an alert: logged at
WARNING with the drifted columns, flagged on the report, and pushed to the alert webhook when
one is set (``alerts.py``; the report says whether it was delivered)."""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd

from skyulf_core.drift import DriftResult, compare
from skyulf_deployment import jobs_repository as jobs
from skyulf_deployment.alerts import WebhookAlerts
from skyulf_deployment.batch import Datasets, Enqueue, load_pipeline
from skyulf_deployment.endpoints import endpoint_key
from skyulf_deployment.models import DriftReport
from skyulf_deployment.service import DeploymentService
from skyulf_errors import FailedPrecondition, InvalidArgument, NotFound, SkyulfError
from skyulf_platform.artifacts.base import ArtifactStore
from skyulf_platform.db.base import utcnow
from skyulf_platform.db.uow import UnitOfWork

log = logging.getLogger(__name__)

INPUT_LOGS = "input-logs"
MAX_DAYS = 90
ALERT_SEVERITIES = ("medium", "high")


def _alert_body(report: DriftReport, report_id: str, result: DriftResult) -> dict[str, Any]:
    drifted = ", ".join(result.drifted) or "no single column"
    return {
        "kind": "drift",
        "severity": result.severity,
        "deployment_id": report.deployment_id,
        "model": report.model_name,
        "version": report.model_version,
        "report_id": report_id,
        "drifted": list(result.drifted),
        "text": (
            f"Skyulf drift alert ({result.severity}): {report.model_name} version "
            f"{report.model_version} drifted in {drifted} (report {report_id})"
        ),
    }


def input_log_prefix(endpoint: str, day: str = "") -> str:
    return f"{INPUT_LOGS}/{endpoint}/{day + '/' if day else ''}"


class DriftReports:
    def __init__(
        self,
        deployments: DeploymentService,
        datasets: Datasets,
        enqueue: Enqueue | None,
        store: ArtifactStore | None = None,
        signing_key: bytes = b"",
        alerts: WebhookAlerts | None = None,
    ) -> None:
        self.deployments = deployments
        self.datasets = datasets
        self.enqueue = enqueue
        self.store = store
        self.signing_key = signing_key
        self.alerts = alerts

    @property
    def uow(self) -> UnitOfWork:
        return self.deployments.uow

    def create(
        self, deployment_ref: str, *, dataset_id: str = "", dataset_version: int = 0, days: int = 0
    ) -> DriftReport:
        deployment = self.deployments.get_active(deployment_ref)
        if dataset_version < 0:
            raise InvalidArgument(
                "dataset_version must be 0 (current) or positive",
                details={"field": "dataset_version"},
            )
        if dataset_id:
            self.datasets.version_columns(dataset_id, dataset_version)  # NotFound names it
        elif not 1 <= (days or 1) <= MAX_DAYS:
            raise InvalidArgument(
                f"days must be 1 to {MAX_DAYS}, not {days}", details={"field": "days"}
            )
        version = deployment.model_version
        if deployment.model_alias:  # where the alias points now
            version = self.deployments.registry.resolve(
                deployment.model_name, 0, deployment.model_alias
            ).version
        with self.uow() as session:
            report = jobs.insert_drift(
                session,
                {
                    "deployment_id": deployment.id,
                    "model_name": deployment.model_name,
                    "model_version": version,
                    "source": "dataset" if dataset_id else "logged_inputs",
                    "dataset_id": dataset_id or None,
                    "dataset_version": dataset_version,
                    "days": 0 if dataset_id else (days or 1),
                },
                utcnow(),
            )
        if self.enqueue is not None:
            self.enqueue(report.id)
        return report

    def get(self, report_id: str) -> DriftReport:
        with self.uow() as session:
            found = jobs.drift_by_id(session, report_id)
        if found is None:
            raise NotFound(
                f"drift report {report_id!r} not found", details={"report_id": report_id}
            )
        return found

    def list(self, deployment_ref: str, limit: int = 50) -> list[DriftReport]:
        deployment = self.deployments.get_deployment(deployment_ref)
        with self.uow() as session:
            return jobs.list_drift(session, deployment.id, limit or 50)

    def run(self, report_id: str) -> DriftReport:
        """The task's body: idempotent (a finished report is returned as it is)."""
        with self.uow() as session:
            report = jobs.start_drift(session, report_id)
        if report is None:
            return self.get(report_id)
        try:
            result = self._compare(report)
        except SkyulfError as e:
            return self._finish(report_id, error=e.message)
        except Exception as e:
            log.exception("drift report %s failed", report_id, extra={"report_id": report_id})
            return self._finish(report_id, error=f"{type(e).__name__}: {e}")
        alert = result.severity in ALERT_SEVERITIES
        if alert:
            log.warning(
                "drift alert: %s version %d drifted (%s) in %s",
                report.model_name,
                report.model_version,
                result.severity,
                ", ".join(result.drifted),
                extra={"deployment_id": report.deployment_id, "report_id": report_id},
            )
        body = result.model_dump(mode="json") | {"alert": alert, "drifted": result.drifted}
        if alert and self.alerts is not None:
            # Pushed before the report is finished: a worker lost in between sends it again on
            # the retry (at least once), rather than never.
            delivery = self.alerts.send(_alert_body(report, report_id, result))
            body["alert_delivery"] = delivery.to_dict()
        return self._finish(
            report_id, severity=result.severity, n_rows=result.n_current, result=body
        )

    def _compare(self, report: DriftReport):  # type: ignore[no-untyped-def]
        assert self.store is not None
        resolved = self.deployments.registry.resolve(report.model_name, report.model_version)
        pipeline = load_pipeline(self.store, self.signing_key, resolved)
        if pipeline.reference is None:
            raise FailedPrecondition(
                f"{report.model_name} version {report.model_version} has no reference "
                "statistics (trained before drift support): train it again",
                details={"model": report.model_name, "version": report.model_version},
            )
        if report.source == "dataset":
            data = self.datasets.read_parquet(report.dataset_id, report.dataset_version)
            current = pd.read_parquet(io.BytesIO(data))
        else:
            current = self._logged_inputs(report)
        return compare(pipeline.reference, current)

    def _logged_inputs(self, report: DriftReport) -> pd.DataFrame:
        assert self.store is not None
        name = self.deployments.get_deployment(report.deployment_id).name
        today = datetime.now(UTC).date()
        frames = []
        for back in range(report.days or 1):
            day = (today - timedelta(days=back)).isoformat()
            for key in self.store.list(input_log_prefix(endpoint_key(name), day)):
                frames.append(pd.read_parquet(io.BytesIO(self.store.get_bytes(key))))
        if not frames:
            raise FailedPrecondition(
                f"endpoint {name!r} logged no inputs in the last {report.days or 1} day(s): "
                "set its log_sample_rate above 0 and call it",
                details={"deployment_id": report.deployment_id, "field": "days"},
            )
        return pd.concat(frames, ignore_index=True)

    def _finish(
        self,
        report_id: str,
        *,
        error: str = "",
        severity: str = "",
        n_rows: int = 0,
        result: dict[str, object] | None = None,
    ) -> DriftReport:
        with self.uow() as session:
            return jobs.finish_drift(
                session,
                report_id,
                error=error,
                severity=severity,
                n_rows=n_rows,
                result=result,
                now=utcnow(),
            )
