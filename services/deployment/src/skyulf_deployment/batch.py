"""Batch scoring: a stored dataset (any version) scored by an endpoint's version or a named one.

The job row is the deployment service's (it knows which version an endpoint serves); the work
runs on the Celery workers (:mod:`skyulf_deployment.tasks`), which read the dataset from
ingestion as Parquet, load the bundle (signature and checksums verified), predict in chunks and
register the result with ingestion as a NEW dataset: the inputs' key columns, the prediction
and, for classifiers, one ``proba_<class>`` column per class.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from typing import Protocol

import pandas as pd

from skyulf_core.bundle import FittedPipeline
from skyulf_deployment import jobs_repository as jobs
from skyulf_deployment.models import BatchJob, JobStatus, ResolvedVersion
from skyulf_deployment.service import DeploymentService
from skyulf_errors import InvalidArgument, NotFound, SkyulfError
from skyulf_platform.artifacts.base import ArtifactStore
from skyulf_platform.bundles import read_bundle
from skyulf_platform.db.base import utcnow
from skyulf_platform.db.uow import UnitOfWork

log = logging.getLogger(__name__)

PREDICTION = "prediction"
CHUNK_ROWS = 50_000
MAX_KEY_COLUMNS = 32

Enqueue = Callable[[str], None]


class Datasets(Protocol):
    def version_columns(self, dataset_id: str, version: int) -> list[str]: ...

    def read_parquet(self, dataset_id: str, version: int) -> bytes: ...

    def upload_parquet(self, name: str, data: bytes) -> object: ...


def load_pipeline(store: ArtifactStore, key: bytes, version: ResolvedVersion) -> FittedPipeline:
    files = read_bundle(store, version.bundle_uri, key, manifest_sha256=version.bundle_checksum)
    return FittedPipeline.from_files(files)


def score_frame(pipeline: FittedPipeline, frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Key columns, the prediction and the class probabilities, row for row."""
    parts = []
    for start in range(0, len(frame), CHUNK_ROWS):
        chunk = frame.iloc[start : start + CHUNK_ROWS]
        result = pipeline.predict(chunk)
        out = chunk[keys].reset_index(drop=True).copy()
        out[PREDICTION] = result.predictions
        if result.probabilities is not None:
            proba = pd.DataFrame(result.probabilities).add_prefix("proba_")
            out = pd.concat([out, proba], axis=1)
        parts.append(out)
    if not parts:
        return pd.DataFrame({**{k: frame[k] for k in keys}, PREDICTION: []})
    return pd.concat(parts, ignore_index=True)


class BatchScoring:
    def __init__(
        self,
        deployments: DeploymentService,
        datasets: Datasets,
        enqueue: Enqueue | None,
        store: ArtifactStore | None = None,
        signing_key: bytes = b"",
    ) -> None:
        self.deployments = deployments
        self.datasets = datasets
        self.enqueue = enqueue
        self.store = store
        self.signing_key = signing_key

    @property
    def uow(self) -> UnitOfWork:
        return self.deployments.uow

    def create(
        self,
        *,
        deployment_ref: str = "",
        model_name: str = "",
        model_version: int = 0,
        dataset_id: str,
        dataset_version: int = 0,
        key_columns: list[str] | None = None,
        output_name: str = "",
    ) -> BatchJob:
        if not dataset_id:
            raise InvalidArgument("dataset_id is required", details={"field": "dataset_id"})
        if dataset_version < 0:
            raise InvalidArgument(
                "dataset_version must be 0 (current) or positive",
                details={"field": "dataset_version"},
            )
        if bool(deployment_ref) == bool(model_name):
            raise InvalidArgument(
                "give deployment_id or model_name (not both)", details={"field": "deployment_id"}
            )
        deployment_id = alias = ""
        if deployment_ref:
            deployment = self.deployments.get_active(deployment_ref)
            deployment_id = deployment.id
            model_name, model_version = deployment.model_name, deployment.model_version
            # An endpoint following an alias serves where the alias points now.
            alias = deployment.model_alias
        resolved = self.deployments.registry.resolve(
            model_name, 0 if alias else model_version, alias
        )
        keys = list(dict.fromkeys(key_columns or []))
        if len(keys) > MAX_KEY_COLUMNS:
            raise InvalidArgument(
                f"at most {MAX_KEY_COLUMNS} key columns", details={"field": "key_columns"}
            )
        columns = self.datasets.version_columns(dataset_id, dataset_version)
        for key in keys:
            if key not in columns:
                raise InvalidArgument(
                    f"key column {key!r} is not a column of dataset {dataset_id}",
                    details={"field": "key_columns", "column": key},
                )
            if key == PREDICTION or key.startswith("proba_"):
                raise InvalidArgument(
                    f"key column {key!r} would clash with the output's prediction columns",
                    details={"field": "key_columns", "column": key},
                )
        with self.uow() as session:
            job = jobs.insert_batch(
                session,
                deployment_id=deployment_id,
                model_name=resolved.model_name,
                model_version=resolved.version,
                dataset_id=dataset_id,
                dataset_version=dataset_version,
                key_columns=keys,
                output_name=output_name.strip()
                or f"scored-{resolved.model_name}-v{resolved.version}",
                now=utcnow(),
            )
        if self.enqueue is not None:
            self.enqueue(job.id)
        return job

    def get(self, job_id: str) -> BatchJob:
        with self.uow() as session:
            job = jobs.batch_by_id(session, job_id)
        if job is None:
            raise NotFound(f"batch job {job_id!r} not found", details={"job_id": job_id})
        return job

    def list(
        self, deployment_ref: str = "", model_name: str = "", limit: int = 50
    ) -> list[BatchJob]:
        deployment_id = self.deployments.get_deployment(deployment_ref).id if deployment_ref else ""
        with self.uow() as session:
            return jobs.list_batches(session, deployment_id, model_name, limit or 50)

    def run(self, job_id: str) -> BatchJob:
        """The task's body: idempotent (a finished job is returned as it is)."""
        assert self.store is not None
        with self.uow() as session:
            job = jobs.start_batch(session, job_id, utcnow())
        if job is None:
            return self.get(job_id)
        try:
            resolved = self.deployments.registry.resolve(job.model_name, job.model_version)
            pipeline = load_pipeline(self.store, self.signing_key, resolved)
            frame = pd.read_parquet(
                io.BytesIO(self.datasets.read_parquet(job.dataset_id, job.dataset_version))
            )
            scored = score_frame(pipeline, frame, job.key_columns)
            buffer = io.BytesIO()
            scored.to_parquet(buffer, index=False)
            out = self.datasets.upload_parquet(job.output_name, buffer.getvalue())
            output_id = str(getattr(out, "id", ""))
        except SkyulfError as e:
            return self._finish(job_id, error=e.message)
        except Exception as e:
            log.exception("batch job %s failed", job_id, extra={"job_id": job_id})
            return self._finish(job_id, error=f"{type(e).__name__}: {e}")
        return self._finish(job_id, n_rows=len(scored), output_dataset_id=output_id)

    def _finish(
        self, job_id: str, *, error: str = "", n_rows: int = 0, output_dataset_id: str = ""
    ) -> BatchJob:
        with self.uow() as session:
            return jobs.finish_batch(
                session,
                job_id,
                status=JobStatus.FAILED if error else JobStatus.SUCCEEDED,
                error=error,
                n_rows=n_rows,
                output_dataset_id=output_dataset_id,
                now=utcnow(),
            )
