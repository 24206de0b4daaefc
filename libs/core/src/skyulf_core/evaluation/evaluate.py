"""Evaluation data of one trained model on its test split (see :mod:`.schema` for the shape)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn import metrics as skm

from skyulf_core.bundle.target import TargetDecoder, decode_target
from skyulf_core.evaluation import curves
from skyulf_core.evaluation.importance import native_importances, permutation_importances
from skyulf_core.evaluation.regression import residuals
from skyulf_core.evaluation.schema import (
    FeatureImportances,
    ModelEvaluation,
    SplitMetrics,
    Task,
)

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
    if task == "classification":
        return lambda m, y: float(skm.accuracy_score(y, predictor.predict(m)))
    return lambda m, y: float(-skm.mean_squared_error(y, predictor.predict(m)))


def _importances(
    predictor: Predictor,
    task: Task,
    features: list[str],
    matrix: np.ndarray | None,
    y_true: np.ndarray | None,
) -> FeatureImportances | None:
    native = native_importances(predictor.estimator, features)
    permutation = None
    if matrix is not None and y_true is not None and len(matrix) > 1:
        permutation = permutation_importances(
            matrix, y_true, features, _score(task, predictor), native=native
        )
    if native is None and permutation is None:
        return None
    return FeatureImportances(native=native, permutation=permutation)


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
    if task != "clustering":
        out.feature_importances = _importances(
            predictor, task, features, test_matrix if has_test else None, y_test
        )
    return out
