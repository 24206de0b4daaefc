"""Strategies as Optuna samplers and pruners, and trials run against any Optuna storage.

- ``grid``: a grid sampler over each parameter's grid values; ``random``: a random sampler.
- ``halving_grid`` / ``halving_random``: the same samplers with successive halving over the
  folds (Optuna's asynchronous successive halving: a trial goes on to the next rung of folds
  only while its running mean is among the best ``1/reduction_factor`` that reached the rung),
  which, unlike scikit-learn's synchronous rounds, needs no barrier between workers.
- ``optuna``: TPE or random sampler; no, median or hyperband pruning over the folds.

Each process runs trials while ``claim()`` grants one (the platform's atomic budget counter, so
a study never runs more than ``n_trials``, however many workers share it). With an RDB storage
that has a heartbeat, a trial whose process died is marked FAIL by the next trial any worker
starts (Optuna's stale-trial check), and never run again.
"""

from __future__ import annotations

import logging
import time
import zlib
from collections.abc import Callable
from typing import Any

import optuna
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from optuna.trial import FrozenTrial, TrialState

from skyulf_core.models.training import SearchSpec, TuningConfig
from skyulf_core.tuning.objective import TuningProblem
from skyulf_core.tuning.records import Intermediate, StudyRecord, TrialRecord
from skyulf_core.tuning.space import GRID_STRATEGIES, SearchSpace
from skyulf_errors import Cancelled, SkyulfError

log = logging.getLogger(__name__)
optuna.logging.set_verbosity(optuna.logging.WARNING)

WORKER_ATTR = "worker"
ERROR_ATTR = "error"  # why a trial failed (a user attr: the message a person reads)


def distribution(spec: SearchSpec) -> BaseDistribution:
    if spec.type == "categorical":
        return CategoricalDistribution(list(spec.choices or []))
    assert spec.low is not None and spec.high is not None
    if spec.type == "int":
        return IntDistribution(
            int(spec.low), int(spec.high), log=spec.log, step=int(spec.step or 1)
        )
    return FloatDistribution(spec.low, spec.high, log=spec.log, step=spec.step)


def distributions(config: TuningConfig, space: SearchSpace) -> dict[str, BaseDistribution]:
    """What each trial suggests: grid strategies pick among the grid values."""
    if config.strategy in GRID_STRATEGIES:
        return {name: CategoricalDistribution(values) for name, values in space.grid.items()}
    return {name: distribution(spec) for name, spec in space.specs.items()}


def make_sampler(
    config: TuningConfig, space: SearchSpace, worker: str = ""
) -> optuna.samplers.BaseSampler:
    """The strategy's sampler. The seed is mixed with ``worker``: processes sharing a study with
    one seed would otherwise all propose the same parameters."""
    sp = config.strategy_params
    seed = None if sp.seed is None else (sp.seed + zlib.crc32(worker.encode())) % 2**32
    if config.strategy in GRID_STRATEGIES:
        return optuna.samplers.GridSampler(space.grid, seed=seed)
    if config.strategy in ("random", "halving_random") or sp.sampler == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    return optuna.samplers.TPESampler(seed=seed, n_startup_trials=sp.n_startup_trials)


def make_pruner(config: TuningConfig, n_folds: int) -> optuna.pruners.BasePruner:
    sp = config.strategy_params
    if config.strategy.startswith("halving_"):
        return optuna.pruners.SuccessiveHalvingPruner(
            min_resource=1, reduction_factor=sp.reduction_factor
        )
    if config.strategy != "optuna" or sp.pruner == "none":
        return optuna.pruners.NopPruner()
    if sp.pruner == "median":
        return optuna.pruners.MedianPruner(n_startup_trials=sp.n_startup_trials)
    return optuna.pruners.HyperbandPruner(
        min_resource=1, max_resource=max(n_folds, 2), reduction_factor=sp.reduction_factor
    )


def open_study(
    problem: TuningProblem,
    name: str,
    storage: optuna.storages.BaseStorage | str | None = None,
    worker: str = "",
) -> optuna.Study:
    """The node's study in ``storage`` (created by the first process to ask)."""
    space = problem.space
    folds = problem.config.cv_folds if problem.config.cv_enabled else 1
    return optuna.create_study(
        study_name=name,
        storage=storage,
        direction=problem.direction,
        sampler=make_sampler(problem.config, space, worker),
        pruner=make_pruner(problem.config, folds),
        load_if_exists=True,
    )


def run_trials(
    study: optuna.Study,
    problem: TuningProblem,
    *,
    claim: Callable[[], bool],
    worker: str = "",
    deadline: float | None = None,
    should_stop: Callable[[], bool] | None = None,
    on_trial: Callable[[FrozenTrial], None] | None = None,
) -> int:
    """Run trials while ``claim()`` grants one and before ``deadline`` (``time.time()``);
    a trial that raised is recorded FAIL with its message and the search goes on. Returns how
    many trials this process ran."""
    dists = distributions(problem.config, problem.space)

    def objective(trial: optuna.Trial) -> float:
        trial.set_user_attr(WORKER_ATTR, worker)
        params = {name: trial._suggest(name, dist) for name, dist in dists.items()}

        def report(step: int, value: float) -> None:
            trial.report(value, step)
            if trial.should_prune():
                raise optuna.TrialPruned(f"pruned after fold {step + 1}")

        try:
            return problem.evaluate(params, report)
        except SkyulfError as exc:
            trial.set_user_attr(ERROR_ATTR, exc.message[:2000])
            raise

    callbacks = [] if on_trial is None else [lambda _s, t: on_trial(t)]
    ran = 0
    with problem.isolated():
        while True:
            if should_stop is not None and should_stop():
                break
            if deadline is not None and time.time() >= deadline:
                break
            if not claim():
                break
            try:
                study.optimize(objective, n_trials=1, callbacks=callbacks, gc_after_trial=False)
            except Cancelled:
                raise
            except SkyulfError as exc:
                # Recorded FAIL (with its message) by Optuna; the next trial may fare better.
                log.info("trial of node %s failed: %s", problem.node_id, exc.message)
                _report_failed(study, on_trial)
            ran += 1
    return ran


def _report_failed(study: optuna.Study, on_trial: Callable[[FrozenTrial], None] | None) -> None:
    # Optuna calls the callbacks of completed and pruned trials only.
    if on_trial is None:
        return
    failed = study.get_trials(deepcopy=False, states=(TrialState.FAIL,))
    if failed:
        on_trial(max(failed, key=lambda t: t.datetime_complete or t.datetime_start))  # type: ignore[arg-type,return-value]


_STATES = {
    TrialState.RUNNING: "RUNNING",
    TrialState.WAITING: "RUNNING",
    TrialState.COMPLETE: "COMPLETE",
    TrialState.PRUNED: "PRUNED",
    TrialState.FAIL: "FAIL",
}


def trial_record(trial: FrozenTrial) -> TrialRecord:
    duration = trial.duration.total_seconds() if trial.duration is not None else None
    error = trial.user_attrs.get(ERROR_ATTR)
    if error is None and trial.state == TrialState.FAIL:
        error = "the worker running it stopped responding or crashed; it is not run again"
    return TrialRecord(
        number=trial.number,
        state=_STATES[trial.state],  # type: ignore[arg-type]
        params=dict(trial.params),
        value=trial.value if trial.state == TrialState.COMPLETE else None,
        intermediate=[
            Intermediate(step=step, value=value)
            for step, value in sorted(trial.intermediate_values.items())
        ],
        duration_s=duration,
        started_at=trial.datetime_start,
        finished_at=trial.datetime_complete,
        worker=trial.user_attrs.get(WORKER_ATTR),
        error=str(error) if error else None,
    )


def best_of(study: optuna.Study) -> FrozenTrial | None:
    complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    return study.best_trial if complete else None


def importances(study: optuna.Study) -> dict[str, float]:
    """fANOVA importance of each parameter (Optuna's evaluator, on scikit-learn's forests);
    empty until two trials completed with differing parameters."""
    complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if len(complete) < 2:
        return {}
    try:
        evaluator = optuna.importance.FanovaImportanceEvaluator(seed=0)
        found = optuna.importance.get_param_importances(study, evaluator=evaluator)
    except (RuntimeError, ValueError, ZeroDivisionError):
        return {}
    return {name: float(v) for name, v in found.items()}


def study_record(
    study: optuna.Study | None,
    *,
    node_id: str,
    strategy: str,
    metric: str,
    direction: str,
    n_trials: int,
    timeout: float | None,
    state: str = "RUNNING",
    param_importances: dict[str, float] | None = None,
) -> StudyRecord:
    """The study's record; ``study`` None (not created in the storage yet) has no trials."""
    best = best_of(study) if study is not None else None
    return StudyRecord(
        node_id=node_id,
        strategy=strategy,
        metric=metric,
        direction=direction,  # type: ignore[arg-type]
        n_trials=n_trials,
        timeout=timeout,
        state=state,  # type: ignore[arg-type]
        best_trial=best.number if best else None,
        best_value=best.value if best else None,
        best_params=dict(best.params) if best else {},
        param_importances=param_importances or {},
        trials=[trial_record(t) for t in study.get_trials(deepcopy=False)] if study else [],
    )


def tune_in_process(
    problem: TuningProblem, storage: Any = None, name: str | None = None
) -> StudyRecord:
    """The whole search in this process (a notebook, a test): the record of the done study."""
    study = open_study(problem, name or f"skyulf-{problem.node_id}", storage)
    budget = [problem.n_trials]

    def claim() -> bool:
        budget[0] -= 1
        return budget[0] >= 0

    deadline = None if problem.config.timeout is None else time.time() + problem.config.timeout
    run_trials(study, problem, claim=claim, deadline=deadline)
    best = best_of(study)
    return study_record(
        study,
        node_id=problem.node_id,
        strategy=problem.config.strategy,
        metric=problem.metric,
        direction=problem.direction,
        n_trials=problem.n_trials,
        timeout=problem.config.timeout,
        state="COMPLETE" if best is not None else "FAILED",
        param_importances=importances(study),
    )
