"""Metric names, prefixes and values against scikit-learn."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn import metrics as skm

from skyulf_core.errors import InvalidArgument
from skyulf_core.metrics import compute_metrics


def test_binary_classification_metrics_match_sklearn() -> None:
    y = np.array([0, 1, 1, 0, 1, 0, 0, 1])
    pred = np.array([0, 1, 0, 0, 1, 1, 0, 1])
    p1 = np.array([0.1, 0.9, 0.4, 0.2, 0.8, 0.6, 0.3, 0.7])
    proba = np.column_stack([1 - p1, p1])
    m = compute_metrics("classification", y, pred, proba, [0, 1], prefix="test_")
    assert m["test_accuracy"] == pytest.approx(0.75)
    assert m["test_f1"] == pytest.approx(skm.f1_score(y, pred))
    assert m["test_precision"] == pytest.approx(skm.precision_score(y, pred))
    assert m["test_roc_auc"] == pytest.approx(skm.roc_auc_score(y, p1))
    assert m["test_log_loss"] == pytest.approx(skm.log_loss(y, proba))
    assert m["test_matthews_corrcoef"] == pytest.approx(skm.matthews_corrcoef(y, pred))
    assert all(k.startswith("test_") for k in m)


def test_multiclass_uses_weighted_scores_and_ovr_auc() -> None:
    y = np.array([0, 1, 2, 2, 1, 0, 2, 1])
    pred = np.array([0, 2, 2, 2, 1, 0, 1, 1])
    proba = np.eye(3)[pred] * 0.8 + 0.2 / 3
    m = compute_metrics("classification", y, pred, proba, [0, 1, 2], prefix="val_")
    assert m["val_f1"] == pytest.approx(skm.f1_score(y, pred, average="weighted"))
    assert m["val_roc_auc"] == pytest.approx(
        skm.roc_auc_score(y, proba, multi_class="ovr", average="weighted")
    )


def test_undefined_metrics_are_left_out_not_nan() -> None:
    y = np.array([1, 1, 1])
    m = compute_metrics("classification", y, y, np.array([[0.1, 0.9]] * 3), [0, 1], "train_")
    assert "train_roc_auc" not in m
    assert all(math.isfinite(v) for v in m.values())


def test_regression_metrics() -> None:
    y = np.array([1.0, 2.0, 3.0, 4.0])
    pred = np.array([1.5, 2.0, 2.5, 4.5])
    m = compute_metrics("regression", y, pred, prefix="test_")
    assert m["test_mae"] == pytest.approx(0.375)
    assert m["test_rmse"] == pytest.approx(math.sqrt(m["test_mse"]))
    assert m["test_r2"] == pytest.approx(skm.r2_score(y, pred))
    assert set(m) == {
        f"test_{k}" for k in ("mae", "mse", "rmse", "r2", "explained_variance", "mape")
    }


def test_mismatched_lengths_are_refused() -> None:
    with pytest.raises(InvalidArgument, match="y_pred"):
        compute_metrics("regression", [1.0, 2.0], [1.0])
