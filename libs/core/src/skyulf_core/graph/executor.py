"""train_pipeline: run a validated graph on a dataset and return the fitted, evaluated pipeline.

The target: a classification target is label-coded here (codes 0..k-1 in sorted label order, the
pipeline's ``classes``) before any node runs; a Label/OrdinalEncoder in target mode may re-encode
those codes (see :mod:`skyulf_core.bundle.target`) and predictions are decoded back through it.
A regression target must be numeric — unless an OrdinalEncoder encodes it: the nodes then get the
raw labels and the model learns the ordinal codes, which its predictions are (not decoded).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from skyulf_core.bundle import FittedPipeline, OutputSpec, Signature
from skyulf_core.bundle.signature import describe_inputs
from skyulf_core.bundle.target import TargetDecoder, decode_target, target_decoders
from skyulf_core.errors import Cancelled, InvalidArgument, NodeError
from skyulf_core.evaluation import ModelEvaluation, Predictor, evaluate_model
from skyulf_core.graph.runner import (
    Frames,
    ModelStep,
    Plan,
    Step,
    build_plan,
    guard_memory,
    run_steps,
)
from skyulf_core.graph.spec import PipelineGraph, parse_graph
from skyulf_core.graph.validation import check_graph
from skyulf_core.metrics import compute_metrics
from skyulf_core.models.base import Task
from skyulf_core.models.matrix import feature_matrix
from skyulf_core.nodes import FittedRecord
from skyulf_core.nodes.columns import json_scalar
from skyulf_core.nodes.encoding_ordinal import encodes_target
from skyulf_core.nodes.splitting import Split

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class StepEvent:
    """A node starting (``running``) or finishing (``done``) at train time."""

    node_id: str
    node_type: str
    status: Literal["running", "done"]


StepCallback = Callable[[StepEvent], None]


@dataclass
class TrainResult:
    fitted: FittedPipeline
    metrics: dict[str, float]
    task: Task
    target: str
    model_type: str
    n_train: int
    n_test: int
    n_val: int
    warnings: list[str] = field(default_factory=list)
    evaluation: ModelEvaluation | None = None


@dataclass(frozen=True)
class EncodedTarget:
    y: pd.Series
    classes: list[Any] | None


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


def _needed_inputs(records: list[FittedRecord], features: list[str]) -> set[str]:
    # Walk back from the model: a column is needed if a record reads it, or it reaches the
    # model untouched; columns a record creates are not inputs.
    needed = set(features)
    for record in reversed(records):
        needed = (needed - set(record.created_columns())) | set(record.columns)
    return needed


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
        self.total = len(plan.steps) + 2
        self.on_progress = on_progress
        self.should_cancel = should_cancel
        self.on_step = on_step

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
        self.step(step.node_id, step.definition.id, "done")


def _fit_model(model: ModelStep, train: Split, task: Task) -> tuple[Any, list[str]]:
    features = [str(c) for c in train.X.columns]
    matrix = feature_matrix(
        train.X,
        features,
        allows_nan=model.definition.allows_nan,
        node_id=model.node_id,
        model_type=model.definition.id,
    )
    assert train.y is not None
    if task == "classification" and train.y.nunique() < 2:
        raise NodeError(
            f"node '{model.node_id}' ({model.definition.id}): the train split has a single "
            "class; a classifier needs at least two",
            node_id=model.node_id,
            node_type=model.definition.id,
        )
    model.definition.check_rows(model.params, len(matrix), model.node_id)
    estimator = model.definition.build(model.params)
    target = train.y.to_numpy()
    try:
        guard_memory(
            model.node_id, model.definition.id, lambda: estimator.fit(matrix, target), model=True
        )
    except (ValueError, TypeError) as exc:
        raise NodeError(
            f"node '{model.node_id}' ({model.definition.id}) failed to train: {exc}",
            node_id=model.node_id,
            node_type=model.definition.id,
        ) from exc
    return estimator, features


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
        if part is None or part.y is None or len(part.X) == 0:
            continue
        matrix = feature_matrix(
            part.X,
            features,
            allows_nan=model.definition.allows_nan,
            node_id=model.node_id,
            model_type=model.definition.id,
        )
        pred = decode_target(decoders, estimator.predict(matrix))
        proba = None
        if task == "classification" and hasattr(estimator, "predict_proba"):
            # Align probability columns to every class, even ones absent from the train split.
            proba = np.zeros((len(matrix), n_classes))
            proba[:, np.asarray(model_classes).astype(int)] = estimator.predict_proba(matrix)
        classes = list(range(n_classes)) if task == "classification" else None
        y_true = decode_target(decoders, part.y.to_numpy())
        metrics.update(compute_metrics(task, y_true, pred, proba, classes, prefix))
    return metrics


def _evaluation(
    estimator: Any,
    model: ModelStep,
    features: list[str],
    test: Split | None,
    metrics: dict[str, float],
    classes: list[Any] | None,
    decoders: list[TargetDecoder],
) -> ModelEvaluation:
    matrix = y_test = None
    if test is not None and test.y is not None and len(test.X) > 0:
        matrix = feature_matrix(
            test.X,
            features,
            allows_nan=model.definition.allows_nan,
            node_id=model.node_id,
            model_type=model.definition.id,
        )
        y_test = decode_target(decoders, test.y.to_numpy())
    return evaluate_model(
        Predictor(estimator, len(classes or []), decoders),
        task=model.definition.task,
        node_id=model.node_id,
        model_type=model.definition.id,
        features=features,
        metrics=metrics,
        test_matrix=matrix,
        y_test=y_test,
        classes=classes,
    )


def train_pipeline(
    graph: PipelineGraph | dict[str, Any],
    df: pd.DataFrame,
    *,
    on_progress: Progress | None = None,
    should_cancel: Callable[[], bool] | None = None,
    on_step: StepCallback | None = None,
) -> TrainResult:
    """Fit every node on the train split, train the model, evaluate on each split.

    ``on_step`` hears each node (the model included) start and finish; a node that raised was
    the last one reported ``running``.
    """
    graph = parse_graph(graph)
    check_graph(graph, [str(c) for c in df.columns])
    plan = build_plan(graph)
    assert plan.model is not None and plan.target is not None
    model, target, task = plan.model, plan.target, plan.model.definition.task
    warnings: list[str] = []
    missing_target = df[target].isna()
    if missing_target.any():
        warnings.append(f"dropped {int(missing_target.sum())} rows with no '{target}' value")
        df = df.loc[~missing_target]
    if len(df) == 0:
        raise InvalidArgument(
            "the dataset has no rows with a target value", details={"column": target}
        )
    # A regression target encoded by a node reaches the nodes raw and is checked numeric after.
    node_encoded = task == "regression" and any(
        encodes_target(s.definition.id, s.params, target) for s in plan.steps
    )
    encoded = (
        EncodedTarget(df[target], None) if node_encoded else encode_target(df[target], task, target)
    )
    X = df.drop(columns=[target])
    hooks = _Hooks(plan, on_progress, should_cancel, on_step)
    run = run_steps(
        plan, X, encoded.y, before=hooks.before, after=hooks.after, target_classes=encoded.classes
    )
    hooks.poll(len(plan.steps), f"model '{model.node_id}' ({model.definition.id})")
    hooks.step(model.node_id, model.definition.id, "running")
    frames = run.frames
    decoders = target_decoders(run.records)
    _check_decoders(decoders, model, task)
    if node_encoded:
        frames = _numeric_targets(frames, target)
    # Only class codes are decoded: a regression model's predictions stay on the ordinal scale.
    if task != "classification":
        decoders = []
    estimator, features = _fit_model(model, frames.train, task)
    hooks.poll(len(plan.steps) + 1, "evaluation")
    n_classes = len(encoded.classes or [])
    parts = {"train_": frames.train, "test_": frames.test, "val_": frames.val}
    metrics = guard_memory(
        model.node_id,
        model.definition.id,
        lambda: _evaluate(estimator, model, features, parts, task, n_classes, decoders),
        model=True,
    )
    evaluation = guard_memory(
        model.node_id,
        model.definition.id,
        lambda: _evaluation(
            estimator, model, features, frames.test, metrics, encoded.classes, decoders
        ),
        model=True,
    )
    hooks.step(model.node_id, model.definition.id, "done")
    needed = _needed_inputs(run.records, features)
    signature = Signature(
        inputs=describe_inputs(X, [str(c) for c in X.columns if c in needed]),
        output=OutputSpec(
            name=target,
            task=task,
            classes=encoded.classes,
            probabilities=task == "classification" and hasattr(estimator, "predict_proba"),
        ),
    )
    fitted = FittedPipeline(
        records=run.records,
        model=estimator,
        model_type=model.definition.id,
        model_node_id=model.node_id,
        model_params=model.params.model_dump(mode="json"),
        task=task,
        target=target,
        classes=encoded.classes,
        feature_columns=features,
        signature=signature,
    )
    if on_progress is not None:
        on_progress(1.0, "done")
    return TrainResult(
        fitted=fitted,
        metrics=metrics,
        task=task,
        target=target,
        model_type=model.definition.id,
        n_train=len(frames.train.X),
        n_test=len(frames.test.X) if frames.test else 0,
        n_val=len(frames.val.X) if frames.val else 0,
        warnings=warnings,
        evaluation=evaluation,
    )
