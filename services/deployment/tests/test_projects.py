"""A deployment, batch job or drift report of another project is not found, exactly like a
missing one; an active deployment's name is unique per project."""

from __future__ import annotations

import uuid

import pytest

from skyulf_deployment.batch import BatchScoring
from skyulf_deployment.drift import DriftReports
from skyulf_deployment.service import DeploymentService
from skyulf_errors import NotFound
from skyulf_platform.projects import acting_in


class _Datasets:
    def version_columns(self, dataset_id: str, version: int) -> list[str]:
        return ["age", "plan"]

    def read_parquet(self, dataset_id: str, version: int) -> bytes:
        raise AssertionError("not read in this test")

    def upload_parquet(self, name: str, data: bytes) -> object:
        raise AssertionError("not written in this test")


def test_deployments_batches_and_drift_are_seen_in_their_project_only(
    service: DeploymentService,
) -> None:
    queued: list[str] = []
    batches = BatchScoring(service, _Datasets(), queued.append)
    drift = DriftReports(service, _Datasets(), queued.append)
    with acting_in("team-a"):
        mine = service.create_deployment("churn", 1, "endpoint")
        batch = batches.create(deployment_ref="endpoint", dataset_id="d1")
        report = drift.create("endpoint", dataset_id="d1")
    missing = str(uuid.uuid4())
    with acting_in("team-b"):
        assert service.list_deployments(include_deleted=True) == []
        assert batches.list() == []
        for ref in (mine.id, "endpoint", missing):
            with pytest.raises(NotFound, match=repr(ref)):
                service.get_deployment(ref)
            with pytest.raises(NotFound, match=repr(ref)):
                service.update_deployment(ref, model_version=2)
            with pytest.raises(NotFound, match=repr(ref)):
                service.rollback_deployment(ref)
            with pytest.raises(NotFound, match=repr(ref)):
                service.delete_deployment(ref)
            with pytest.raises(NotFound, match=repr(ref)):
                batches.create(deployment_ref=ref, dataset_id="d1")
            with pytest.raises(NotFound, match=repr(ref)):
                batches.list(deployment_ref=ref)
            with pytest.raises(NotFound, match=repr(ref)):
                drift.create(ref, dataset_id="d1")
            with pytest.raises(NotFound, match=repr(ref)):
                drift.list(ref)
        for job_id in (batch.id, missing):
            with pytest.raises(NotFound, match=f"batch job {job_id!r} not found"):
                batches.get(job_id)
        for report_id in (report.id, missing):
            with pytest.raises(NotFound, match=f"drift report {report_id!r} not found"):
                drift.get(report_id)
        # The name is free in this project.
        theirs = service.create_deployment("churn", 2, "endpoint")
        assert theirs.id != mine.id and [d.id for d in service.list_deployments()] == [theirs.id]
        # Prediction servers warming up list every project's, each with its project.
        every = {(d.project_id, d.id) for d in service.list_deployments(all_projects=True)}
        assert every == {("team-a", mine.id), ("team-b", theirs.id)}
    with acting_in("team-a"):
        assert service.get_deployment("endpoint") == mine
        assert [b.id for b in batches.list()] == [batch.id]
        assert [r.id for r in drift.list("endpoint")] == [report.id]
