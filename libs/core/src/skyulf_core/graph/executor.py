"""train_pipeline: run a validated graph on a dataset and return the fitted, evaluated pipelines.

The preprocessing nodes run once each (a trunk shared by several models is fitted once); then
every model node trains on what reaches it and is evaluated, and gets its own bundle holding only
the records on its own path (see :mod:`skyulf_core.graph.paths`).

The target: a classification target is label-coded here (codes 0..k-1 in sorted label order, the
pipeline's ``classes``) before any node runs; a Label/OrdinalEncoder in target mode may re-encode
those codes (see :mod:`skyulf_core.bundle.target`) and predictions are decoded back through it.
A regression target must be numeric — unless an OrdinalEncoder encodes it: the nodes then get the
raw labels and the model learns the ordinal codes, which its predictions are (not decoded).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from skyulf_core.bundle import FittedPipeline, OutputSpec, Signature
from skyulf_core.bundle.compiled import SAMPLE_ROWS, compile_model
from skyulf_core.bundle.signature import describe_inputs
from skyulf_core.bundle.target import TargetDecoder, decode_target, relabel, target_decoders
from skyulf_core.drift import reference_statistics
from skyulf_core.evaluation import ModelEvaluation, Predictor, cluster_scores, evaluate_splits
from skyulf_core.graph.cross_validation import CvResult, ScoreFold, SelectFold, cross_validate
from skyulf_core.graph.isolation import FitCrashed, run_in_child
from skyulf_core.graph.paths import model_chain, needed_inputs
from skyulf_core.graph.runner import (
    Frames,
    ModelStep,
    Plan,
    RunOutput,
    Step,
    build_plan,
    guard_memory,
    run_steps,
)
from skyulf_core.graph.spec import PipelineGraph, ancestors, parse_graph
from skyulf_core.graph.validation import check_graph
from skyulf_core.metrics import compute_metrics, labels_wanted
from skyulf_core.models.base import Task
from skyulf_core.models.matrix import feature_matrix
from skyulf_core.models.training import CrossValidationSettings, parse_training
from skyulf_core.nodes import FittedRecord
from skyulf_core.nodes.columns import json_scalar
from skyulf_core.nodes.encoding_ordinal import encodes_target
from skyulf_core.nodes.splitting import SPLITTER_ID, Split
from skyulf_errors import Cancelled, InvalidArgument, NodeError

Progress = Callable[[float, str], None]
CLUSTER_OUTPUT = "cluster"  # the output's name when a clustering model predicts cluster ids


@dataclass(frozen=True)
class StepEvent:
    """A node starting (``running``) or finishing (``done``) at train time."""

    node_id: str
    node_type: str
    status: Literal["running", "done"]


StepCallback = Callable[[StepEvent], None]


@dataclass
class ModelResult:
    """One model node's outcome: its bundle and its metrics."""

    node_id: str
    fitted: FittedPipeline
    metrics: dict[str, float]
    task: Task
    model_type: str
    n_train: int
    n_test: int
    n_val: int
    evaluation: ModelEvaluation | None = None


@dataclass
class TrainResult:
    """Every model's result in ``models`` (graph order); the other fields are the first's."""

    fitted: FittedPipeline
    metrics: dict[str, float]
    task: Task
    target: str | None
    model_type: str
    n_train: int
    n_test: int
    n_val: int
    warnings: list[str] = field(default_factory=list)
    models: list[ModelResult] = field(default_factory=list)
    evaluation: ModelEvaluation | None = None


@dataclass(frozen=True)
class EncodedTarget:
    y: pd.Series | None
    classes: list[Any] | None


def _train_inputs(X: pd.DataFrame, train: Split) -> pd.DataFrame:
    """The raw input rows of the training split (the split keeps the row labels); all rows when
    the labels cannot be matched."""
    rows = X.index.intersection(train.X.index)
    return X.loc[rows] if len(rows) else X


def encode_target(y: pd.Series, task: Task, target: str) -> EncodedTarget:
    """Classification labels become codes 0..k-1 (decoded at prediction); regression floats."""
    if task == "regression":
        values = pd.to_numeric(y, errors="coerce")
        if values.isna().any():
            raise InvalidArgument(
                f"target '{target}' has non-numeric values; a regression model needs numbers",
                details={"column": target},
            )
        return EncodedTarget(values.astype("float64"), None)
    if pd.api.types.is_float_dtype(y.dtype):
        arr = y.to_numpy(dtype="float64")
        if not np.all(arr == np.round(arr)):
            raise InvalidArgument(
                f"target '{target}' holds fractional numbers; pick a regression model",
                details={"column": target},
            )
        if np.all(np.abs(arr) < 2**53):
            y = pd.Series(arr.astype("int64"), index=y.index, name=y.name)
    try:
        uniques, codes = np.unique(y.to_numpy(), return_inverse=True)
    except TypeError:
        # Mixed types (e.g. 1 and "1"): compare them as text rather than fail.
        uniques, codes = np.unique(y.astype(str).to_numpy(), return_inverse=True)
    classes = [json_scalar(v) for v in uniques]
    return EncodedTarget(pd.Series(codes.astype("int64"), index=y.index, name=y.name), classes)


def _rows_with_target(df: pd.DataFrame, target: str) -> tuple[pd.DataFrame, int]:
    """The rows with a target value, and how many were dropped; none left is an error."""
    missing = df[target].isna()
    if missing.any():
        df = df.loc[~missing]
    if len(df) == 0:
        raise InvalidArgument(
            "the dataset has no rows with a target value", details={"column": target}
        )
    return df, int(missing.sum())


def _numeric_targets(frames: Frames, target: str) -> Frames:
    """A regression target the nodes encoded (ordinal codes) as float64, checked numeric."""

    def numeric(part: Split | None) -> Split | None:
        if part is None or part.y is None:
            return part
        return Split(part.X, encode_target(part.y, "regression", target).y)

    train = numeric(frames.train)
    assert train is not None
    return Frames(train=train, test=numeric(frames.test), val=numeric(frames.val))


def _check_decoders(decoders: list[TargetDecoder], model: ModelStep, task: Task) -> None:
    # Class names (a LabelEncoder's codes) are no scale for a regression model; ordinal codes are.
    for record in decoders:
        if task != "classification" and not record.ordered_codes:
            raise NodeError(
                f"node '{record.node_id}' ({record.node_type}) encodes the target as class codes, "
                f"but model '{model.node_id}' ({model.definition.id}) is a {task} model; remove "
                "it, use an OrdinalEncoder for an ordered target, or pick a classifier",
                node_id=record.node_id,
                node_type=record.node_type,
            )


class _Hooks:
    def __init__(
        self,
        plan: Plan,
        on_progress: Progress | None,
        should_cancel: Any,
        on_step: StepCallback | None = None,
    ) -> None:
        self.total = len(plan.steps) + 2 * len(plan.models)
        self.on_progress = on_progress
        self.should_cancel = should_cancel
        self.on_step = on_step
        self.split_train: Split | None = None  # the folds of cross-validation cut these rows

    def step(self, node_id: str, node_type: str, status: Literal["running", "done"]) -> None:
        if self.on_step is not None:
            self.on_step(StepEvent(node_id, node_type, status))

    def poll(self, index: int, what: str) -> None:
        if self.should_cancel is not None and self.should_cancel():
            raise Cancelled(f"training cancelled before {what}")
        if self.on_progress is not None:
            self.on_progress(index / self.total, what)

    def before(self, index: int, step: Step) -> None:
        self.poll(index, f"node '{step.node_id}' ({step.definition.id})")
        self.step(step.node_id, step.definition.id, "running")

    def after(self, step: Step, frames: Frames) -> None:
        if step.definition.id == SPLITTER_ID:
            self.split_train = frames.train
        self.step(step.node_id, step.definition.id, "done")

    def cancelled(self) -> bool:
        return self.should_cancel is not None and bool(self.should_cancel())


FitRunner = Callable[[Callable[[], Any]], Any]


def fit_crashed(model: ModelStep, exc: FitCrashed) -> NodeError:
    """The error of a model whose fitting process died."""
    return NodeError(
        f"node '{model.node_id}' ({model.definition.id}): the process fitting it was killed "
        f"(signal {exc.signal}), most likely out of memory; lower its hyperparameters "
        "(trees, neighbours, iterations) or use fewer rows or columns",
        node_id=model.node_id,
        node_type=model.definition.id,
        details={"reason": "out_of_memory"},
    )


def _fit_estimator(model: ModelStep, fit: Callable[[], Any], runner: FitRunner | None) -> Any:
    if runner is None:
        return fit()
    try:
        return runner(fit)
    except FitCrashed as exc:
        raise fit_crashed(model, exc) from exc


def _fit_model(
    model: ModelStep, train: Split, task: Task, runner: FitRunner | None = None
) -> tuple[Any, list[str], np.ndarray]:
    """The fitted estimator, its feature columns, and the matrix it was fitted on."""
    features = [str(c) for c in train.X.columns]
    matrix = feature_matrix(
        train.X,
        features,
        allows_nan=model.definition.allows_nan,
        node_id=model.node_id,
        model_type=model.definition.id,
    )
    if task == "classification" and train.y is not None and train.y.nunique() < 2:
        raise NodeError(
            f"node '{model.node_id}' ({model.definition.id}): the train split has a single "
            "class; a classifier needs at least two",
            node_id=model.node_id,
            node_type=model.definition.id,
        )
    model.definition.check_rows(model.params, len(matrix), model.node_id)
    estimator = model.definition.build(model.params)
    # Clustering models learn from the features alone.
    args = (matrix,) if train.y is None or task == "clustering" else (matrix, train.y.to_numpy())
    try:
        estimator = guard_memory(
            model.node_id,
            model.definition.id,
            lambda: _fit_estimator(model, lambda: estimator.fit(*args), runner),
            model=True,
        )
    except (ValueError, TypeError) as exc:
        raise NodeError(
            f"node '{model.node_id}' ({model.definition.id}) failed to train: {exc}",
            node_id=model.node_id,
            node_type=model.definition.id,
        ) from exc
    return estimator, features, matrix


def _evaluate(
    estimator: Any,
    model: ModelStep,
    features: list[str],
    parts: dict[str, Split | None],
    task: Task,
    n_classes: int,
    decoders: list[TargetDecoder],
) -> dict[str, float]:
    metrics: dict[str, float] = {}
    # Scores compare labels in the executor's code space: undo any node that re-encoded the target.
    model_classes = getattr(estimator, "classes_", None)
    if model_classes is not None:
        model_classes = decode_target(decoders, model_classes)
    for prefix, part in parts.items():
        if part is None or (part.y is None and task != "clustering") or len(part.X) == 0:
            continue
        matrix = feature_matrix(
            part.X,
            features,
            allows_nan=model.definition.allows_nan,
            node_id=model.node_id,
            model_type=model.definition.id,
        )
        if task == "clustering":
            metrics.update(cluster_scores(estimator, matrix, prefix))
            continue
        assert part.y is not None
        proba = None
        if task == "classification" and hasattr(estimator, "predict_proba"):
            # Align probability columns to every class, even ones absent from the train split.
            proba = np.zeros((len(matrix), n_classes))
            proba[:, np.asarray(model_classes).astype(int)] = estimator.predict_proba(matrix)
        if proba is None or labels_wanted():
            pred = decode_target(decoders, estimator.predict(matrix))
        else:  # no label is scored: the most probable class stands in
            pred = proba.argmax(axis=1)
        classes = list(range(n_classes)) if task == "classification" else None
        y_true = decode_target(decoders, part.y.to_numpy())
        metrics.update(compute_metrics(task, y_true, pred, proba, classes, prefix))
    return metrics


def train_pipeline(
    graph: PipelineGraph | dict[str, Any],
    df: pd.DataFrame,
    *,
    on_progress: Progress | None = None,
    should_cancel: Callable[[], bool] | None = None,
    on_step: StepCallback | None = None,
    isolate_fit: bool = False,
) -> TrainResult:
    """Fit every node on the train split, train each model, evaluate each on every split.

    ``on_step`` hears each node (the models included) start and finish; a node that raised was
    the last one reported ``running``. ``isolate_fit``: fit each model in a child process (see
    :mod:`skyulf_core.graph.isolation`) so that ``should_cancel`` stops a fit in progress, not
    only between nodes. This process then runs OpenMP code (predictions, clustering metrics)
    on one thread: a child forked after OpenMP started a thread pool hangs at its first
    parallel region (GNU libgomp), and evaluation runs between the fits.
    """
    limits = threadpool_limits(limits=1, user_api="openmp") if isolate_fit else nullcontext()
    with limits:
        return _train_pipeline(graph, df, on_progress, should_cancel, on_step, isolate_fit)


def _train_pipeline(
    graph: PipelineGraph | dict[str, Any],
    df: pd.DataFrame,
    on_progress: Progress | None,
    should_cancel: Callable[[], bool] | None,
    on_step: StepCallback | None,
    isolate_fit: bool,
) -> TrainResult:
    context, warnings = prepare_training(
        graph, df, on_progress, should_cancel, on_step, isolate_fit
    )
    plan, target = context.plan, context.target
    models = [context.train(index, model) for index, model in enumerate(plan.models)]
    if on_progress is not None:
        on_progress(1.0, "done")
    first = models[0]
    return TrainResult(
        fitted=first.fitted,
        metrics=first.metrics,
        task=first.task,
        target=target,
        model_type=first.model_type,
        n_train=first.n_train,
        n_test=first.n_test,
        n_val=first.n_val,
        warnings=warnings,
        models=models,
        evaluation=first.evaluation,
    )


def prepare_training(
    graph: PipelineGraph | dict[str, Any],
    df: pd.DataFrame,
    on_progress: Progress | None = None,
    should_cancel: Callable[[], bool] | None = None,
    on_step: StepCallback | None = None,
    isolate_fit: bool = False,
) -> tuple[TrainContext, list[str]]:
    """Check the graph, encode the target and run every preprocessing node: what the models
    train on (a search scores its trials on this too), and the run's warnings."""
    graph = parse_graph(graph)
    check_graph(graph, [str(c) for c in df.columns])
    plan = build_plan(graph)
    assert plan.models
    target, task = plan.target, plan.models[0].definition.task
    warnings: list[str] = []
    node_encoded = False
    if target is None:  # clustering models: no target (validation refuses one elsewhere)
        encoded = EncodedTarget(None, None)
        X = df
    else:
        df, dropped = _rows_with_target(df, target)
        if dropped:
            warnings.append(f"dropped {dropped} rows with no '{target}' value")
        # A regression target encoded by a node reaches the nodes raw and is checked numeric
        # after.
        node_encoded = task == "regression" and any(
            encodes_target(s.definition.id, s.params, target) for s in plan.steps
        )
        encoded = (
            EncodedTarget(df[target], None)
            if node_encoded
            else encode_target(df[target], task, target)
        )
        X = df.drop(columns=[target])
    hooks = _Hooks(plan, on_progress, should_cancel, on_step)
    run = run_steps(
        plan,
        X,
        encoded.y,
        before=hooks.before,
        after=hooks.after,
        target_classes=encoded.classes,
    )
    runner: FitRunner | None = None
    if isolate_fit:
        runner = lambda work: run_in_child(work, hooks.cancelled)  # noqa: E731
    context = TrainContext(graph, plan, run, X, target, encoded, node_encoded, hooks, runner)
    return context, warnings


@dataclass
class TrainContext:
    """What every model node of one run shares: the run, the raw features and the target."""

    graph: PipelineGraph
    plan: Plan
    run: RunOutput
    X: pd.DataFrame
    target: str | None
    encoded: EncodedTarget
    node_encoded: bool
    hooks: _Hooks
    runner: FitRunner | None = None

    def train(self, index: int, model: ModelStep) -> ModelResult:
        """Train and evaluate one model node on the output of its own path."""
        task = model.definition.task
        steps = len(self.plan.steps) + 2 * index
        self.hooks.poll(steps, f"model '{model.node_id}' ({model.definition.id})")
        self.hooks.step(model.node_id, model.definition.id, "running")
        chain = model_chain(self.plan, self.run, model)
        frames = self.run.model_inputs[model.node_id]
        decoders = target_decoders(chain.records)
        _check_decoders(decoders, model, task)
        if self.node_encoded and self.target is not None:
            frames = _numeric_targets(frames, self.target)
        # Only class codes are decoded: a regression model's predictions stay on the ordinal scale.
        if task != "classification":
            decoders = []
        estimator, features, train_matrix = _fit_model(model, frames.train, task, self.runner)
        self.hooks.poll(steps + 1, f"evaluation of '{model.node_id}'")
        n_classes = len(self.encoded.classes or [])
        parts = {"train_": frames.train, "test_": frames.test, "val_": frames.val}
        metrics = guard_memory(
            model.node_id,
            model.definition.id,
            lambda: _evaluate(estimator, model, features, parts, task, n_classes, decoders),
            model=True,
        )
        cv = self.cross_validation(model)
        if cv is not None:
            metrics |= cv.job_metrics()
        evaluation = guard_memory(
            model.node_id,
            model.definition.id,
            lambda: evaluate_splits(
                Predictor(estimator, n_classes, decoders),
                model.definition,
                model.node_id,
                features,
                frames.train,
                frames.test,
                metrics,
                self.encoded.classes,
            ),
            model=True,
        )
        if cv is not None:
            evaluation.cv = cv.evaluation()
        self.hooks.step(model.node_id, model.definition.id, "done")
        needed = needed_inputs(chain.records, chain.inputs, features)
        X = self.X
        signature = Signature(
            inputs=describe_inputs(X, [str(c) for c in X.columns if c in needed]),
            output=OutputSpec(
                name=self.target or CLUSTER_OUTPUT,
                task=task,
                classes=self.encoded.classes,
                probabilities=task == "classification" and hasattr(estimator, "predict_proba"),
            ),
        )
        fitted = FittedPipeline(
            records=chain.records,
            record_inputs=chain.inputs,
            model=estimator,
            model_type=model.definition.id,
            model_node_id=model.node_id,
            model_params=model.params.model_dump(mode="json"),
            task=task,
            target=self.target,
            classes=self.encoded.classes,
            feature_columns=features,
            signature=signature,
            compiled=compile_model(
                estimator, train_matrix[:SAMPLE_ROWS], classifier=task == "classification"
            ),
            reference=reference_statistics(
                _train_inputs(X, frames.train), [c.name for c in signature.inputs]
            ),
        )
        return ModelResult(
            node_id=model.node_id,
            fitted=fitted,
            metrics=metrics,
            task=task,
            model_type=model.definition.id,
            n_train=len(frames.train.X),
            n_test=len(frames.test.X) if frames.test else 0,
            n_val=len(frames.val.X) if frames.val else 0,
            evaluation=evaluation,
        )

    def cross_validation(
        self,
        model: ModelStep,
        settings: CrossValidationSettings | None = None,
        after_fold: Callable[[int, dict[str, float]], None] | None = None,
        rows: Split | None = None,
    ) -> CvResult | None:
        """Cross-validate the model node when its params ask for it (or with ``settings``, a
        search's): every node on its path after the split is refitted inside each fold (see
        :mod:`.cross_validation`). The folds cut ``rows`` (raw rows of the train split, e.g.
        one outer fold's of nested_cv), by default the whole train split."""
        if settings is None:
            node = next(n for n in self.graph.nodes if n.id == model.node_id)
            settings = parse_training(node.params, model.node_id, model.definition.id)
        if not settings.cv_enabled:
            return None
        split_train = rows if rows is not None else self.hooks.split_train
        assert split_train is not None
        task, target, classes = model.definition.task, self.target, self.encoded.classes
        parents = {s.node_id: list(s.inputs) for s in self.plan.steps}
        path = set() if model.input is None else ancestors(parents, model.input) | {model.input}
        order = [s.definition.id for s in self.plan.steps]
        after = order.index(SPLITTER_ID) + 1
        fold_steps = [s for s in self.plan.steps[after:] if s.node_id in path]
        merges = [s.node_id for s in fold_steps if len(s.inputs) > 1]
        if merges:
            raise NodeError(
                f"node '{model.node_id}' ({model.definition.id}): cross-validation cannot refit "
                f"the merge node '{merges[0]}' on its path yet; turn cv_enabled off",
                node_id=model.node_id,
                node_type=model.definition.id,
                field="cv_enabled",
            )
        # Labels of the codes as the nodes before the split left them (a target encoder there).
        labels = None if classes is None else tuple(classes)
        before_split = {s.node_id for s in self.plan.steps[:after]}
        for record in self.run.records:
            if record.node_id in before_split and record.node_id in path:
                labels = relabel(labels, record)

        def scorer(step: ModelStep) -> ScoreFold:
            def score(
                train: Split, held_out: Split, records: list[FittedRecord]
            ) -> dict[str, float]:
                decoders = target_decoders(records) if task == "classification" else []
                if self.node_encoded:
                    assert target is not None
                    frames = _numeric_targets(Frames(train=train, test=held_out), target)
                    train, held_out = frames.train, frames.test or held_out
                estimator, features, _ = _fit_model(step, train, task, self.runner)
                parts: dict[str, Split | None] = {"": held_out}
                n_classes = len(classes or [])
                return _evaluate(estimator, step, features, parts, task, n_classes, decoders)

            return score

        select: SelectFold | None = None
        if settings.cv_type == "nested_cv" and settings.tuned:
            # The tuning package builds on this module: imported where it is needed.
            from skyulf_core.tuning.nested import inner_search

            def select(index: int, outer_rows: Split) -> tuple[ScoreFold, dict[str, Any]]:
                chosen, params = inner_search(self, model, outer_rows)
                return scorer(chosen), params

        hooks, total = self.hooks, len(self.plan.steps)
        return cross_validate(
            fold_steps,
            split_train,
            settings,
            scorer(model),
            task=task,
            target=target,
            labels=labels,
            node_id=model.node_id,
            model_type=model.definition.id,
            before_fold=lambda i: hooks.poll(total, f"cross-validation fold {i + 1}"),
            after_fold=after_fold,
            select=select,
        )
