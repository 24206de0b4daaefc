"""One trial of a search: the model node with the trial's parameters, scored by cross-validation
on the train split, the whole learned chain after the split refitted inside each fold (as the
node's own cross-validation does); nothing from the test split is seen.

A search with ``cv_enabled: false`` scores each trial on one hold-out fifth of the train split.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from skyulf_core.graph.executor import TrainContext, fit_crashed, prepare_training
from skyulf_core.graph.isolation import Child, FitCrashed
from skyulf_core.graph.runner import ModelStep
from skyulf_core.graph.spec import PipelineGraph, parse_graph
from skyulf_core.metrics import only_metrics
from skyulf_core.models.training import (
    CrossValidationSettings,
    TuningConfig,
    parse_training,
    split_training,
)
from skyulf_core.nodes.splitting import Split
from skyulf_core.tuning.metrics import Direction, direction, metric_for
from skyulf_core.tuning.space import GRID_STRATEGIES, resolve_space
from skyulf_errors import NodeError

# report(step, value): the running mean after each fold; it raises to prune the trial.
Report = Callable[[int, float], None]


def tuned_nodes(graph: PipelineGraph | dict[str, Any]) -> list[str]:
    """Ids of the model nodes whose params say ``run_mode: "tuned"``, in graph order."""
    graph = parse_graph(graph)
    return [n.id for n in graph.nodes if (n.params or {}).get("run_mode") == "tuned"]


def search_settings(config: TuningConfig) -> CrossValidationSettings:
    if not config.cv_enabled:
        # One hold-out fold (ShuffleSplit(1)): below the node-level minimum of two folds.
        return CrossValidationSettings.model_construct(
            cv_enabled=True,
            cv_folds=1,
            cv_type="shuffle_split",
            cv_shuffle=True,
            cv_random_state=config.cv_random_state,
            cv_time_column=None,
        )
    return CrossValidationSettings(
        cv_enabled=True,
        cv_folds=config.cv_folds,
        cv_type=config.cv_type,
        cv_shuffle=config.cv_shuffle,
        cv_random_state=config.cv_random_state if config.cv_shuffle else None,
    )


class TuningProblem:
    """What every trial of one tuned node shares: the prepared run (preprocessing done once
    per process) and the node's base parameters. ``isolate_fit``: a trial's folds are fitted
    and scored in a child process (:mod:`skyulf_core.graph.isolation`), so ``should_cancel``
    stops a trial in the middle of a fit, not only between folds; within :meth:`isolated`
    the trials share one child."""

    def __init__(
        self,
        graph: PipelineGraph | dict[str, Any],
        df: pd.DataFrame,
        node_id: str,
        *,
        should_cancel: Callable[[], bool] | None = None,
        isolate_fit: bool = False,
    ) -> None:
        self.graph = parse_graph(graph)
        self.isolate_fit = isolate_fit
        self.rows: Split | None = None  # the train split; nested_cv: one outer fold's rows
        self._child: Child | None = None
        self._keep_child = False
        if not any(n.id == node_id for n in self.graph.nodes):
            raise NodeError(f"node '{node_id}' is not in the graph", node_id=node_id)
        with self._limits():
            self.context, self.warnings = prepare_training(
                self.graph, df, should_cancel=should_cancel, isolate_fit=isolate_fit
            )
        self._take_node(node_id)

    @classmethod
    def within(cls, context: TrainContext, node_id: str, rows: Split) -> TuningProblem:
        """The node's search on ``rows`` of a run already prepared (nested_cv's inner search
        in one outer fold): nothing is run again before the folds."""
        problem = cls.__new__(cls)
        problem.graph, problem.context, problem.warnings = context.graph, context, []
        problem.isolate_fit, problem.rows = context.runner is not None, rows
        problem._child, problem._keep_child = None, False
        problem._take_node(node_id)
        return problem

    def _take_node(self, node_id: str) -> None:
        node = next(n for n in self.graph.nodes if n.id == node_id)
        model = next((m for m in self.context.plan.models if m.node_id == node_id), None)
        if model is None:
            raise NodeError(f"node '{node_id}' is not a model node", node_id=node_id)
        self.model: ModelStep = model
        self.node_id = node_id
        settings = parse_training(node.params, node_id, model.definition.id)
        self.config = settings.tuning()
        self.task = model.definition.task
        self.metric = metric_for(self.task, self.config.metric)
        self.direction: Direction = direction(self.task, self.metric)
        self.base, _ = split_training(dict(node.params or {}))
        self.space = resolve_space(model.definition, self.config, node_id)

    def _limits(self) -> AbstractContextManager[Any]:
        # Fitting in a child (as train_pipeline does), this process keeps OpenMP to one thread:
        # a child forked after an OpenMP pool started hangs at its first parallel region.
        if self.isolate_fit:
            return threadpool_limits(limits=1, user_api="openmp")
        return nullcontext()

    @property
    def n_trials(self) -> int:
        """The budget: ``n_trials``, and for a grid no more trials than the grid has points."""
        if self.config.strategy not in GRID_STRATEGIES:
            return self.config.n_trials
        points = math.prod(len(values) for values in self.space.grid.values())
        return min(self.config.n_trials, points)

    @contextmanager
    def isolated(self) -> Iterator[None]:
        """Within the block the trials share one child (``isolate_fit``), forked at the first
        trial and again after a trial that was cancelled, pruned or killed: a trial pays for
        no fork of its own. Outside it, each trial forks a child of its own."""
        if self._keep_child:
            yield
            return
        self._keep_child = True
        try:
            yield
        finally:
            self._keep_child = False
            if self._child is not None:
                self._child.stop()
                self._child = None

    def evaluate(self, params: Mapping[str, Any], report: Report | None = None) -> float:
        """The mean of the metric over the folds with ``params``; ``report`` hears the running
        mean after each fold."""
        if not self.isolate_fit:
            return self._evaluate(params, report)
        if self._child is None or not self._child.alive:
            with self._limits():  # the child keeps them for its life
                self._child = Child(self._in_child)
        child = self._child
        hooks = self.context.hooks

        def on_message(message: tuple[Any, ...]) -> None:
            if message[0] == "report" and report is not None:
                report(message[1], message[2])
            elif message[0] == "progress" and hooks.on_progress is not None:
                hooks.on_progress(message[1], message[2])

        try:
            return float(child.call(dict(params), hooks.cancelled, on_message))
        except FitCrashed as exc:
            raise fit_crashed(self.model, exc) from exc
        finally:
            if not self._keep_child:
                child.stop()
                self._child = None

    def _in_child(self, params: dict[str, Any], send: Callable[[Any], None]) -> float:
        # The parent polls for a cancel and writes the progress: the child neither fits in a
        # child of its own nor touches the parent's connections.
        hooks = self.context.hooks
        self.context.runner, hooks.should_cancel = None, None
        if hooks.on_progress is not None:
            hooks.on_progress = lambda fraction, what: send(("progress", fraction, what))
        return self._evaluate(params, lambda step, value: send(("report", step, value)))

    def _evaluate(self, params: Mapping[str, Any], report: Report | None) -> float:
        definition = self.model.definition
        step = self.step(params)
        scores: list[float] = []

        def after_fold(index: int, metrics: dict[str, float]) -> None:
            if self.metric not in metrics:
                raise NodeError(
                    f"node '{self.node_id}' ({definition.id}): metric '{self.metric}' is "
                    f"undefined on fold {index + 1} (a fold with a single class, or a model "
                    "without probabilities); pick another tuning_config.metric",
                    node_id=self.node_id,
                    node_type=definition.id,
                    field="tuning_config.metric",
                )
            scores.append(float(metrics[self.metric]))
            if report is not None:
                report(index, float(np.mean(scores)))

        with only_metrics([self.metric]):
            settings = search_settings(self.config)
            self.context.cross_validation(step, settings, after_fold, rows=self.rows)
        return float(np.mean(scores))

    def step(self, params: Mapping[str, Any]) -> ModelStep:
        """The model node with ``params`` over its base parameters."""
        merged = {**self.base, **dict(params)}
        parsed = self.model.definition.parse_params(merged, self.node_id)
        return dataclasses.replace(self.model, params=parsed)


def refit_graph(
    graph: PipelineGraph | dict[str, Any], best: Mapping[str, Mapping[str, Any]]
) -> PipelineGraph:
    """The graph with each tuned node fixed at its best parameters (``best[node_id]``): what is
    trained, evaluated and registered once the search is done. The node's own cross-validation
    settings stay; its run_mode and tuning_config go, unless its cross-validation is nested_cv,
    which runs the search again inside each outer fold."""
    graph = parse_graph(graph)
    nodes = []
    for node in graph.nodes:
        if node.id in best:
            params = dict(node.params or {})
            nested = params.get("cv_enabled") and params.get("cv_type") == "nested_cv"
            dropped = () if nested else ("run_mode", "tuning_config")
            kept = {k: v for k, v in params.items() if k not in dropped}
            kept.update(best[node.id])
            node = node.model_copy(update={"params": kept})
        nodes.append(node)
    return graph.model_copy(update={"nodes": nodes})
