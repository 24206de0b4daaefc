"""Feature importances: the model's own (trees, linear coefficients) and permutation importance
on the test split, at a bounded cost (rows, features and repeats are capped)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from skyulf_core.evaluation.schema import (
    NativeImportance,
    PermutationImportance,
    PermutationSample,
)

PERMUTATION_ROWS = 2000
PERMUTATION_FEATURES = 50
PERMUTATION_REPEATS = 3
SEED = 0

Score = Callable[[np.ndarray, np.ndarray], float]


def native_importances(estimator: Any, features: list[str]) -> list[NativeImportance] | None:
    """``feature_importances_`` or the mean absolute ``coef_``; None if the model has neither."""
    values = getattr(estimator, "feature_importances_", None)
    if values is None:
        coef = getattr(estimator, "coef_", None)
        if coef is None:
            return None
        coef = np.abs(np.asarray(coef, dtype="float64"))
        values = coef.mean(axis=0) if coef.ndim == 2 else coef
    arr = np.nan_to_num(np.asarray(values, dtype="float64").ravel())
    if len(arr) != len(features):
        return None
    ranked = sorted(zip(features, arr, strict=True), key=lambda fv: -fv[1])
    return [NativeImportance(feature=f, importance=float(v)) for f, v in ranked]


def permutation_importances(
    matrix: np.ndarray,
    y_true: np.ndarray,
    features: list[str],
    score: Score,
    *,
    native: list[NativeImportance] | None = None,
) -> tuple[list[PermutationImportance], PermutationSample]:
    """The drop in ``score(matrix, y_true)`` (higher is better) when one column is shuffled,
    averaged over a few repeats, on at most :data:`PERMUTATION_ROWS` test rows. On wide data
    only the first :data:`PERMUTATION_FEATURES` features by native importance (else in column
    order) are shuffled. Returns the importances and the sample they were measured on (as
    scikit-learn users do by hand on large test sets: its ``permutation_importance`` takes
    ``max_samples`` for this)."""
    rng = np.random.default_rng(SEED)
    test_rows = len(matrix)
    if test_rows > PERMUTATION_ROWS:
        rows = np.sort(rng.choice(len(matrix), PERMUTATION_ROWS, replace=False))
        matrix, y_true = matrix[rows], y_true[rows]
    order = [features.index(n.feature) for n in native] if native else list(range(len(features)))
    base = score(matrix, y_true)
    out = []
    for j in order[:PERMUTATION_FEATURES]:
        drops = []
        for _ in range(PERMUTATION_REPEATS):
            shuffled = matrix.copy()
            shuffled[:, j] = rng.permutation(shuffled[:, j])
            drops.append(base - score(shuffled, y_true))
        out.append(
            PermutationImportance(
                feature=features[j], mean=float(np.mean(drops)), std=float(np.std(drops))
            )
        )
    sample = PermutationSample(rows=len(matrix), test_rows=test_rows, repeats=PERMUTATION_REPEATS)
    return sorted(out, key=lambda p: -p.mean), sample
