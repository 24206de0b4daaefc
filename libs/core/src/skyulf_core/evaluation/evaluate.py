"""Evaluation data of one trained model on its test split (see :mod:`.schema` for the shape)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from skyulf_core.bundle.target import TargetDecoder, decode_target
from skyulf_core.evaluation import curves
from skyulf_core.evaluation.clusters import cluster_summary
from skyulf_core.evaluation.importance import native_importances, permutation_importances
from skyulf_core.evaluation.regression import residuals
from skyulf_core.evaluation.schema import (
    FeatureImportances,
    ModelEvaluation,
    SplitMetrics,
    Task,
)
from skyulf_core.models.base import ModelDefinition
from skyulf_core.models.matrix import feature_matrix
from skyulf_core.nodes.splitting import Split

# The executor's metric prefixes and the evaluation's split names.
SPLIT_PREFIXES = {"train_": "train", "test_": "test", "val_": "validation"}


@dataclass(frozen=True)
class Predictor:
    """A fitted estimator seen in the executor's code space: predictions go back through the
    nodes that re-encoded the target, and probability columns cover every class code."""

    estimator: Any
    n_classes: int = 0
    decoders: Sequence[TargetDecoder] = field(default_factory=tuple)

    def predict(self, matrix: np.ndarray) -> np.ndarray:
        return decode_target(self.decoders, self.estimator.predict(matrix))

    def proba(self, matrix: np.ndarray) -> np.ndarray | None:
        if self.n_classes == 0 or not hasattr(self.estimator, "predict_proba"):
            return None
        codes = decode_target(self.decoders, self.estimator.classes_)
        out = np.zeros((len(matrix), self.n_classes))
        out[:, np.asarray(codes).astype(int)] = self.estimator.predict_proba(matrix)
        return out


def split_metrics(metrics: Mapping[str, float]) -> SplitMetrics:
    """The executor's flat ``test_accuracy``-style metrics grouped by split."""
    groups: dict[str, dict[str, float]] = {"train": {}, "test": {}, "validation": {}}
    for name, value in metrics.items():
        for prefix, split in SPLIT_PREFIXES.items():
            if name.startswith(prefix):
                groups[split][name[len(prefix) :]] = float(value)
    return SplitMetrics(
        train=groups["train"], test=groups["test"], validation=groups["validation"] or None
    )


def _score(task: Task, predictor: Predictor) -> Any:
    """Accuracy, or the negated mean squared error: scored once per shuffle, so plain numpy
    rather than scikit-learn's functions, which validate their inputs on every call."""
    if task == "classification":
        return lambda m, y: float(np.mean(predictor.predict(m) == y))
    return lambda m, y: float(-np.mean((np.asarray(y, "float64") - predictor.predict(m)) ** 2))


def _importances(
    predictor: Predictor,
    task: Task,
    features: list[str],
    matrix: np.ndarray | None,
    y_true: np.ndarray | None,
) -> FeatureImportances | None:
    native = native_importances(predictor.estimator, features)
    permutation = sample = None
    if matrix is not None and y_true is not None and len(matrix) > 1:
        permutation, sample = permutation_importances(
            matrix, y_true, features, _score(task, predictor), native=native
        )
    if native is None and permutation is None:
        return None
    return FeatureImportances(native=native, permutation=permutation, permutation_sample=sample)


def evaluate_model(
    predictor: Predictor,
    *,
    task: Task,
    node_id: str,
    model_type: str,
    features: list[str],
    metrics: Mapping[str, float],
    test_matrix: np.ndarray | None,
    y_test: np.ndarray | None,
    classes: Sequence[Any] | None = None,
    train_matrix: np.ndarray | None = None,
) -> ModelEvaluation:
    """Confusion matrix and curves (classification) or residuals (regression) on the test rows,
    plus feature importances. ``y_test`` is in the executor's code space (class codes)."""
    out = ModelEvaluation(
        node_id=node_id, model_type=model_type, task=task, metrics=split_metrics(metrics)
    )
    has_test = test_matrix is not None and y_test is not None and len(test_matrix) > 0
    if has_test and task == "classification":
        assert test_matrix is not None and y_test is not None
        labels = [str(c) for c in (classes or [])]
        y = np.asarray(y_test).astype(int)
        out.confusion_matrix = curves.confusion(
            y, predictor.predict(test_matrix).astype(int), labels
        )
        proba = predictor.proba(test_matrix)
        if proba is not None:
            out.roc_curves = curves.roc_curves(y, proba, labels)
            out.pr_curves = curves.pr_curves(y, proba, labels)
            out.calibration = curves.calibration(y, proba, labels)
            if len(labels) == 2:
                out.threshold_analysis = curves.threshold_analysis(y, proba)
    elif has_test and task == "regression":
        assert test_matrix is not None and y_test is not None
        out.residuals = residuals(y_test, predictor.predict(test_matrix))
    if task == "clustering" and train_matrix is not None and len(train_matrix) > 0:
        out.clusters = cluster_summary(predictor.estimator, train_matrix, features)
    if task != "clustering":
        out.feature_importances = _importances(
            predictor, task, features, test_matrix if has_test else None, y_test
        )
    return out


def evaluate_splits(
    predictor: Predictor,
    definition: ModelDefinition,
    node_id: str,
    features: list[str],
    train: Split,
    test: Split | None,
    metrics: Mapping[str, float],
    classes: Sequence[Any] | None,
) -> ModelEvaluation:
    """:func:`evaluate_model` on a trained model node's splits as the chain left them (targets
    in the executor's code space, decoded through ``predictor.decoders``)."""
    task = definition.task

    def matrix_of(part: Split) -> np.ndarray:
        return feature_matrix(
            part.X,
            features,
            allows_nan=definition.allows_nan,
            node_id=node_id,
            model_type=definition.id,
        )

    matrix = y_test = None
    if test is not None and len(test.X) > 0 and (test.y is not None or task == "clustering"):
        matrix = matrix_of(test)
        if test.y is not None:
            y_test = decode_target(predictor.decoders, test.y.to_numpy())
    return evaluate_model(
        predictor,
        task=task,
        node_id=node_id,
        model_type=definition.id,
        features=features,
        metrics=metrics,
        test_matrix=matrix,
        y_test=y_test,
        classes=classes,
        train_matrix=matrix_of(train) if task == "clustering" else None,
    )
