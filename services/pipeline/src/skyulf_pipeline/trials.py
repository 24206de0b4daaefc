"""A job's tuning studies and their trials, read from the study rows and the tuning storage."""

from __future__ import annotations

from collections.abc import Callable

import optuna

from skyulf_core.tuning.records import TrialList
from skyulf_core.tuning.study import study_record
from skyulf_pipeline.models import Job
from skyulf_pipeline.study_repository import StudyRepository


class TrialsReader:
    def __init__(
        self, studies: StudyRepository, storage: Callable[[], optuna.storages.BaseStorage]
    ) -> None:
        self.studies = studies
        self.storage = storage

    def trials(self, job: Job) -> TrialList:
        rows = self.studies.for_job(job.id)
        if not rows:
            return TrialList(job_id=job.id)
        storage = self.storage()
        records = []
        for row in rows:
            try:
                study: optuna.Study | None = optuna.load_study(
                    study_name=row.study_name, storage=storage
                )
            except KeyError:  # the job's worker has not created it in the storage yet
                study = None
            records.append(
                study_record(
                    study,
                    node_id=row.node_id,
                    strategy=row.strategy,
                    metric=row.metric,
                    direction=row.direction,
                    n_trials=row.n_trials,
                    timeout=row.timeout,
                    state=row.state,
                    param_importances=row.importances,
                )
            )
        return TrialList(job_id=job.id, studies=records)
