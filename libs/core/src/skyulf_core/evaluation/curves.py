"""Classification evaluation data: confusion matrix, ROC/PR/calibration curves, thresholds."""

from __future__ import annotations

import math

import numpy as np

from skyulf_core.evaluation.schema import (
    MAX_POINTS,
    CalibrationCurve,
    ConfusionMatrix,
    PrCurve,
    RocCurve,
    ThresholdAnalysis,
)
from skyulf_core.metrics import Ranking

CALIBRATION_BINS = 10
THRESHOLDS = 99  # 0.01 .. 0.99


def downsample(n: int, limit: int = MAX_POINTS) -> np.ndarray:
    """At most ``limit`` evenly spaced indices into ``n`` points, the first and last kept."""
    if n <= limit:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, limit).round().astype(int))


def floats(values: np.ndarray) -> list[float]:
    """Finite floats for JSON (NaN/inf become 0; curves never need them)."""
    arr = np.nan_to_num(np.asarray(values, dtype="float64"), nan=0.0, posinf=0.0, neginf=0.0)
    return [float(v) for v in arr]


def confusion(y_true: np.ndarray, y_pred: np.ndarray, labels: list[str]) -> ConfusionMatrix:
    k = len(labels)
    # Class codes 0..k-1 on both sides: the matrix is one count of (truth, prediction) pairs.
    valid = (y_true >= 0) & (y_true < k) & (y_pred >= 0) & (y_pred < k)
    pairs = y_true[valid] * k + y_pred[valid]
    counts = np.bincount(pairs, minlength=k * k).reshape(k, k)
    totals = counts.sum(axis=1, keepdims=True)
    normalized = np.divide(counts, totals, out=np.zeros(counts.shape), where=totals > 0)
    return ConfusionMatrix(
        labels=labels,
        counts=[[int(v) for v in row] for row in counts],
        normalized=[floats(row) for row in normalized],
    )


def _curve_classes(n_classes: int) -> list[int]:
    # Binary: the positive (second) class only; multiclass: one-vs-rest per class.
    return [1] if n_classes == 2 else list(range(n_classes))


def _ovr(y_true: np.ndarray, proba: np.ndarray, code: int) -> tuple[np.ndarray, np.ndarray]:
    return (y_true == code).astype(int), proba[:, code]


def roc_curves(y_true: np.ndarray, proba: np.ndarray, labels: list[str]) -> list[RocCurve]:
    out = []
    for code in _curve_classes(len(labels)):
        positive, score = _ovr(y_true, proba, code)
        if positive.min() == positive.max():
            continue  # undefined with a single class in the test split
        fpr, tpr = Ranking.of(positive, score).roc_curve()
        keep = downsample(len(fpr))
        out.append(
            RocCurve(
                label=labels[code],
                fpr=floats(fpr[keep]),
                tpr=floats(tpr[keep]),
                auc=float(np.trapezoid(tpr, fpr)),
            )
        )
    return out


def pr_curves(y_true: np.ndarray, proba: np.ndarray, labels: list[str]) -> list[PrCurve]:
    out = []
    for code in _curve_classes(len(labels)):
        positive, score = _ovr(y_true, proba, code)
        if positive.max() == 0:
            continue
        ranking = Ranking.of(positive, score)
        precision, recall = ranking.pr_curve()
        keep = downsample(len(precision))
        ap = ranking.average_precision()
        out.append(
            PrCurve(
                label=labels[code],
                precision=floats(precision[keep]),
                recall=floats(recall[keep]),
                average_precision=ap if math.isfinite(ap) else 0.0,
            )
        )
    return out


def calibration(y_true: np.ndarray, proba: np.ndarray, labels: list[str]) -> list[CalibrationCurve]:
    """Reliability per class: in each probability bin with rows, the mean predicted probability
    against the share of rows truly in the class."""
    edges = np.linspace(0.0, 1.0, CALIBRATION_BINS + 1)
    out = []
    for code in _curve_classes(len(labels)):
        positive, score = _ovr(y_true, proba, code)
        bins = np.clip(np.digitize(score, edges[1:-1]), 0, CALIBRATION_BINS - 1)
        mean_pred, frac, count = [], [], []
        for b in range(CALIBRATION_BINS):
            mask = bins == b
            if mask.any():
                mean_pred.append(float(score[mask].mean()))
                frac.append(float(positive[mask].mean()))
                count.append(int(mask.sum()))
        out.append(
            CalibrationCurve(
                label=labels[code], mean_predicted=mean_pred, fraction_positive=frac, count=count
            )
        )
    return out


def threshold_analysis(y_true: np.ndarray, proba: np.ndarray) -> ThresholdAnalysis:
    """Binary targets: precision, recall and F1 of the positive class as the cut-off moves."""
    positive = y_true == 1
    score = proba[:, 1]
    thresholds = np.round(np.linspace(0.01, 0.99, THRESHOLDS), 2)
    predicted = score[None, :] >= thresholds[:, None]
    tp = (predicted & positive[None, :]).sum(axis=1).astype("float64")
    n_pred = predicted.sum(axis=1).astype("float64")
    n_pos = float(positive.sum())
    precision = np.divide(tp, n_pred, out=np.zeros_like(tp), where=n_pred > 0)
    recall = tp / n_pos if n_pos else np.zeros_like(tp)
    denom = precision + recall
    f1 = np.divide(2 * precision * recall, denom, out=np.zeros_like(tp), where=denom > 0)
    return ThresholdAnalysis(
        thresholds=floats(thresholds),
        precision=floats(precision),
        recall=floats(recall),
        f1=floats(f1),
    )
