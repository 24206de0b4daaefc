"""Running a tuning job: what the Celery ``tune`` and ``tune_trials`` tasks do.

A job with a tuned model node is a ``tune`` job. Its task (``TuningRunner``, a TrainingRunner:
the same attempts, heartbeat, time limits and registration) opens each tuned node's Optuna study
in the shared tuning storage, puts up to ``SKYULF_TUNING_PARALLEL_TASKS`` ``tune_trials`` tasks
on the ``tune`` queue and runs trials itself too. Every process takes a trial from the study's
budget with one atomic claim (:mod:`.study_repository`), so the study runs at most ``n_trials``
trials however many workers join, and a trial is never run twice. When the budget is spent the
job's worker waits for the trials still running elsewhere (a trial whose worker died is marked
FAIL after ``SKYULF_TUNING_GRACE_SECONDS``), then refits the best parameters on the whole train
split, evaluates and registers the model as a training job does, with the best parameters and
the study's summary as the version's tags. A job whose worker died is taken over by its next
attempt, which goes on with the same study.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
import warnings
from collections.abc import Callable
from typing import Any

import optuna
from optuna.trial import FrozenTrial, TrialState

from skyulf_core.graph import PipelineGraph
from skyulf_core.tuning.objective import TuningProblem, refit_graph, tuned_nodes
from skyulf_core.tuning.study import (
    ERROR_ATTR,
    best_of,
    importances,
    open_study,
    run_trials,
    trial_record,
)
from skyulf_errors import Cancelled, NodeError
from skyulf_pipeline.models import Job, JobStatus, TuningStudy
from skyulf_pipeline.repository import JobRepository
from skyulf_pipeline.runner import TrainingRunner
from skyulf_pipeline.study_repository import StudyRepository

log = logging.getLogger(__name__)

SEARCH_SHARE = 0.6  # of the job's progress; the refit, bundle and registration follow
WAIT_POLL_SECONDS = 0.5
# The search's progress is written at most this often: each trial is an event of its own, and
# a write (and a count of the study's trials) after every trial of a short fit would cost the
# search a tenth of its pace.
PROGRESS_SECONDS = 1.0
# fan_out(job_id, node_id, count): put ``count`` trial tasks of the node's study on the queue.
FanOut = Callable[[str, str, int], None]


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def study_name(job_id: str, node_id: str) -> str:
    return f"skyulf-{job_id}-{node_id}"


class TrialEvents:
    """``on_trial``: each finished trial as a ``trial`` event of the job."""

    def __init__(self, jobs: JobRepository, job_id: str, node_id: str) -> None:
        self.jobs, self.job_id, self.node_id = jobs, job_id, node_id
        self.sent: set[int] = set()

    def __call__(self, trial: FrozenTrial) -> None:
        if trial.number in self.sent or trial.state == TrialState.RUNNING:
            return
        self.sent.add(trial.number)
        record = trial_record(trial)
        value = f" = {record.value:.6g}" if record.value is not None else ""
        message = f"trial {record.number} of node '{self.node_id}' {record.state}{value}"
        try:
            self.jobs.trial_event(
                self.job_id, self.node_id, record.model_dump(mode="json"), message
            )
        except Exception:
            # An event is a view of progress; losing one must not fail the trial.
            log.warning("could not record %s", message, exc_info=True)


def version_tags(study: TuningStudy, best: FrozenTrial, counts: dict[str, int]) -> dict[str, str]:
    """The registered version's summary of the search (each tag value at most 256 chars)."""
    tags = {
        "tuning.strategy": study.strategy,
        "tuning.metric": study.metric,
        "tuning.direction": study.direction,
        "tuning.best_trial": str(best.number),
        "tuning.best_value": f"{best.value:.10g}",
        "tuning.trials": json.dumps(counts, sort_keys=True),
    }
    for name, value in best.params.items():
        tags[f"tuning.best_params.{name}"[:256]] = json.dumps(value)[:256]
    return tags


class TuningRunner(TrainingRunner):
    def __init__(
        self,
        *args: Any,
        studies: StudyRepository,
        storage: Callable[[], optuna.storages.BaseStorage],
        fan_out: FanOut,
        parallel_tasks: int = 8,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.studies = studies
        self.storage = storage
        self.fan_out = fan_out
        self.parallel_tasks = parallel_tasks

    def _search(
        self, job: Job, frame: Any, graph: PipelineGraph, should_cancel: Any
    ) -> tuple[PipelineGraph, dict[str, dict[str, str]], float]:
        nodes = tuned_nodes(graph)
        if not nodes:
            return graph, {}, 0.0
        best: dict[str, dict[str, Any]] = {}
        tags: dict[str, dict[str, str]] = {}
        for index, node_id in enumerate(nodes):
            share = (SEARCH_SHARE * index / len(nodes), SEARCH_SHARE / len(nodes))
            params, tags[node_id] = self._search_node(
                job, frame, graph, node_id, should_cancel, share
            )
            best[node_id] = params
        return refit_graph(graph, best), tags, SEARCH_SHARE

    def _search_node(
        self,
        job: Job,
        frame: Any,
        graph: PipelineGraph,
        node_id: str,
        should_cancel: Callable[[], bool],
        share: tuple[float, float],
    ) -> tuple[dict[str, Any], dict[str, str]]:
        problem = TuningProblem(
            graph, frame, node_id, should_cancel=should_cancel, isolate_fit=self.isolate_fit
        )
        config = problem.config
        row = self.studies.ensure(
            job_id=job.id,
            node_id=node_id,
            study_name=study_name(job.id, node_id),
            strategy=config.strategy,
            metric=problem.metric,
            direction=problem.direction,
            n_trials=problem.n_trials,
            timeout=config.timeout,
        )
        worker = worker_name()
        study = open_study(problem, row.study_name, self.storage(), worker)
        helpers = min(self.parallel_tasks, row.n_trials - 1 - row.claimed)
        if helpers > 0:
            self.fan_out(job.id, node_id, helpers)
        events = TrialEvents(self.jobs, job.id, node_id)
        start, width = share
        written = [time.monotonic()]

        def progress() -> None:
            written[0] = time.monotonic()
            done = len(study.get_trials(deepcopy=False, states=_FINISHED))
            self._progress(
                job,
                start + width * min(done / row.n_trials, 1.0),
                f"tuning node '{node_id}': {done} of {row.n_trials} trials",
            )

        def on_trial(trial: FrozenTrial) -> None:
            events(trial)
            if time.monotonic() - written[0] >= PROGRESS_SECONDS:
                progress()

        run_trials(
            study,
            problem,
            claim=lambda: self.studies.claim(row.id),
            worker=worker,
            should_stop=should_cancel,
            on_trial=on_trial,
        )
        self._wait_for_others(study, should_cancel, events)
        progress()
        trial = best_of(study)
        counts = _counts(study)
        if trial is None:
            self.studies.finish(row.id, "FAILED", {})
            failed = study.get_trials(deepcopy=False, states=(TrialState.FAIL,))
            reason = failed[0].user_attrs.get(ERROR_ATTR, "") if failed else ""
            raise NodeError(
                f"node '{node_id}': no trial of the search completed ({counts}); "
                f"first failure: {reason}".rstrip(": "),
                node_id=node_id,
                field="tuning_config",
            )
        self.studies.finish(row.id, "COMPLETE", importances(study))
        return dict(trial.params), version_tags(row, trial, counts)

    def _wait_for_others(
        self, study: optuna.Study, should_cancel: Callable[[], bool], events: TrialEvents
    ) -> None:
        """Until no trial runs: those of live workers finish, those of dead ones are failed."""
        while True:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
                optuna.storages.fail_stale_trials(study)
            trials = study.get_trials(deepcopy=False)
            for trial in trials:
                if trial.state == TrialState.FAIL and ERROR_ATTR not in trial.user_attrs:
                    events(trial)  # failed as stale (or by a crash): no worker reported it
            if not any(t.state == TrialState.RUNNING for t in trials):
                return
            if should_cancel():
                raise Cancelled("tuning cancelled while trials were running")
            time.sleep(WAIT_POLL_SECONDS)


_FINISHED = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)


def _counts(study: optuna.Study) -> dict[str, int]:
    counts: dict[str, int] = {}
    for trial in study.get_trials(deepcopy=False):
        state = trial_record(trial).state
        counts[state] = counts.get(state, 0) + 1
    return counts


def _goes_on(job: Job) -> bool:
    """Whether a job's trials go on: while it runs, and while it is QUEUED between attempts
    (its worker died; the next attempt goes on with the same study, so stopping the trials
    other workers are running would only fail them). A finished or cancelled job stops them."""
    return job.status in (JobStatus.RUNNING, JobStatus.QUEUED) and not job.cancel_requested


class TrialWorker:
    """A ``tune_trials`` task: join a running study and take trials from its budget."""

    def __init__(
        self,
        jobs: JobRepository,
        studies: StudyRepository,
        storage: Callable[[], optuna.storages.BaseStorage],
        load: Callable[[Job], Any],
        cancel_poll_seconds: float = 1.0,
        isolate_fit: bool = False,
    ) -> None:
        self.jobs, self.studies, self.storage, self.load = jobs, studies, storage, load
        self.cancel_poll_seconds = cancel_poll_seconds
        self.isolate_fit = isolate_fit
        self._problem: tuple[tuple[str, str], TuningProblem] | None = None

    def run(self, job_id: str, node_id: str) -> int:
        job = self.jobs.get(job_id)
        row = next((s for s in self.studies.for_job(job_id) if s.node_id == node_id), None)
        if not _goes_on(job) or row is None or row.state != "RUNNING":
            return 0
        if row.claimed >= row.n_trials or self.studies.deadline_passed(row):
            return 0
        last = [0.0, False]

        def should_stop() -> bool:
            now = time.monotonic()
            if now - last[0] >= self.cancel_poll_seconds:
                last[:] = [now, not _goes_on(self.jobs.get(job_id))]
            return bool(last[1])

        problem = self._problem_for(job, node_id, should_stop)
        worker = worker_name()
        study = open_study(problem, row.study_name, self.storage(), worker)
        try:
            return run_trials(
                study,
                problem,
                claim=lambda: self.studies.claim(row.id),
                worker=worker,
                should_stop=should_stop,
                on_trial=TrialEvents(self.jobs, job_id, node_id),
            )
        except Cancelled:
            return 0

    def _problem_for(
        self, job: Job, node_id: str, should_stop: Callable[[], bool]
    ) -> TuningProblem:
        # The preprocessing is run once per worker and study, not once per trial.
        key = (job.id, node_id)
        if self._problem is None or self._problem[0] != key:
            self._problem = None
            problem = TuningProblem(
                job.graph,
                self.load(job),
                node_id,
                should_cancel=should_stop,
                isolate_fit=self.isolate_fit,
            )
            self._problem = (key, problem)
        self._problem[1].context.hooks.should_cancel = should_stop
        return self._problem[1]
