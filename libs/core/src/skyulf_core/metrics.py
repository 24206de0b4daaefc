"""Evaluation metrics by task, named as in NODES.md and prefixed per split (``test_accuracy``).

A metric that is undefined for the data at hand (ROC AUC when a split holds one class, MAPE
with a zero target) is left out rather than reported as NaN: every value returned is a finite
float that can go into JSON and a database.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from sklearn import metrics as skm

from skyulf_errors import InvalidArgument

Prefix = str


# The metrics a caller wants (None: all). A search scores each fold on one metric only: the
# others would cost it a quarter of each trial.
_WANTED: ContextVar[frozenset[str] | None] = ContextVar("skyulf_wanted_metrics", default=None)


@contextmanager
def only_metrics(names: Iterable[str]) -> Iterator[None]:
    """Within the block, compute only ``names`` (multiclass ``roc_auc`` brings its source)."""
    wanted = set(names)
    if "roc_auc" in wanted:
        wanted.add("roc_auc_ovr_weighted")
    token = _WANTED.set(frozenset(wanted))
    try:
        yield
    finally:
        _WANTED.reset(token)


# What a classifier's probabilities give alone, without its predicted labels.
PROBABILITY_METRICS = frozenset(
    {"roc_auc", "pr_auc", "pr_auc_weighted", "log_loss"}
    | {f"roc_auc_{scheme}{avg}" for scheme in ("ovr", "ovo") for avg in ("", "_weighted")}
)


def labels_wanted() -> bool:
    """Whether a wanted metric needs the predicted labels (a search on ROC AUC needs only the
    probabilities, and a forest would compute them twice to predict)."""
    wanted = _WANTED.get()
    return wanted is None or not wanted <= PROBABILITY_METRICS


def _safe(name: str, fn: Callable[[], float], out: dict[str, float], prefix: str) -> None:
    wanted = _WANTED.get()
    if wanted is not None and name not in wanted:
        return
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = float(fn())
    except ValueError:
        return
    if math.isfinite(value):
        out[prefix + name] = value


def _classification(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    y_proba: np.ndarray | None,
    classes: Sequence[Any],
    prefix: str,
) -> dict[str, float]:
    out: dict[str, float] = {}
    labels = list(classes)
    binary = len(labels) == 2
    counts = _counts(y_true, y_pred, labels)
    if counts is not None:
        _count_scores(counts, binary, out, prefix)
    else:
        _label_scores(y_true, y_pred, labels, binary, out, prefix)
    if y_proba is None:
        return out
    proba = np.asarray(y_proba, dtype="float64")
    if len(y_true) and (y_true != y_true[0]).any():  # two classes at least
        _probability_scores(y_true, proba, labels, out, prefix)
    _safe("log_loss", lambda: skm.log_loss(y_true, proba, labels=labels), out, prefix)
    return out


def _counts(y_true: np.ndarray, y_pred: np.ndarray, labels: list[Any]) -> np.ndarray | None:
    """The confusion matrix over ``labels`` (rows: truth), or None when a value is none of them
    (then scikit-learn's own label handling decides)."""
    try:
        index = pd.Index(labels)
        if not index.is_unique:
            return None
        t, p = index.get_indexer(y_true), index.get_indexer(y_pred)
    except (TypeError, ValueError):
        return None
    if (t < 0).any() or (p < 0).any():
        return None
    k = len(labels)
    return np.bincount(t * k + p, minlength=k * k).reshape(k, k)


def _count_scores(cm: np.ndarray, binary: bool, out: dict[str, float], prefix: str) -> None:
    """The label metrics from one confusion matrix: what scikit-learn's functions give (with
    zero_division=0), without each of them re-validating and re-encoding the labels."""
    n = float(cm.sum())
    tp = np.diag(cm).astype("float64")
    support = cm.sum(axis=1).astype("float64")
    predicted = cm.sum(axis=0).astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(predicted > 0, tp / predicted, 0.0)
        recall = np.where(support > 0, tp / support, 0.0)
        f1 = np.where(predicted + support > 0, 2 * tp / (predicted + support), 0.0)
    present = support > 0
    weights = support / n
    _safe("accuracy", lambda: tp.sum() / n, out, prefix)
    _safe("balanced_accuracy", lambda: recall[present].mean(), out, prefix)
    per_class = (("precision", precision), ("recall", recall), ("f1", f1))
    for name, values in per_class:
        # Binary scores are about the positive (second) class; otherwise weighted by support.
        main = float(values[1]) if binary else float((weights * values).sum())
        _safe(name, partial(float, main), out, prefix)
        if binary:
            _safe(f"{name}_weighted", partial(float, (weights * values).sum()), out, prefix)
    cov_tp = tp.sum() * n - support @ predicted
    cov_pp = n * n - predicted @ predicted
    cov_tt = n * n - support @ support
    mcc = 0.0 if cov_pp * cov_tt == 0 else cov_tp / math.sqrt(cov_tt * cov_pp)
    _safe("matthews_corrcoef", lambda: mcc, out, prefix)
    _safe("g_score", lambda: np.prod(recall[present]) ** (1.0 / present.sum()), out, prefix)


def _label_scores(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    labels: list[Any],
    binary: bool,
    out: dict[str, float],
    prefix: str,
) -> None:
    # Binary scores are about the positive (second) class; otherwise weight classes by support.
    avg: dict[str, Any] = (
        {"average": "binary", "pos_label": labels[1]} if binary else {"average": "weighted"}
    )
    _safe("accuracy", lambda: skm.accuracy_score(y_true, y_pred), out, prefix)
    _safe("balanced_accuracy", lambda: skm.balanced_accuracy_score(y_true, y_pred), out, prefix)
    scores: tuple[tuple[str, Callable[..., float]], ...] = (
        ("precision", skm.precision_score),
        ("recall", skm.recall_score),
        ("f1", skm.f1_score),
    )
    for name, score in scores:
        _safe(
            name, partial(score, y_true, y_pred, labels=labels, zero_division=0, **avg), out, prefix
        )
    _safe("matthews_corrcoef", lambda: skm.matthews_corrcoef(y_true, y_pred), out, prefix)
    _safe("g_score", lambda: g_score(y_true, y_pred, labels), out, prefix)
    if binary:
        # The support-weighted averages over both classes, next to the positive-class scores.
        for name, score in scores:
            _safe(
                f"{name}_weighted",
                partial(score, y_true, y_pred, labels=labels, zero_division=0, average="weighted"),
                out,
                prefix,
            )


def g_score(y_true: np.ndarray, y_pred: np.ndarray, labels: Sequence[Any]) -> float:
    """Geometric mean of the per-class recalls, over the classes present in ``y_true``."""
    present = [label for label in labels if np.any(y_true == label)]
    recalls = skm.recall_score(y_true, y_pred, labels=present, average=None, zero_division=0)
    return float(np.prod(recalls) ** (1.0 / len(present))) if present else math.nan


def _probability_scores(
    y_true: np.ndarray, proba: np.ndarray, labels: list[Any], out: dict[str, float], prefix: str
) -> None:
    onehot = (y_true[:, None] == np.asarray(labels)[None, :]).astype(int)
    if len(labels) == 2:
        # One ranking per class, each giving its ROC AUC and average precision: scikit-learn's
        # functions would validate, re-encode and sort the same scores once per metric.
        ranked = [Ranking.of(onehot[:, k], proba[:, k]) for k in (0, 1)]
        precisions = [r.average_precision() for r in ranked]
        support = onehot.sum(axis=0)
        weighted = float(np.average(precisions, weights=support))
        _safe("pr_auc_weighted", partial(float, weighted), out, prefix)
        _safe("roc_auc", ranked[1].roc_auc, out, prefix)
        _safe("pr_auc", partial(float, precisions[1]), out, prefix)
        return
    weighted_ap = partial(skm.average_precision_score, onehot, proba, average="weighted")
    _safe("pr_auc_weighted", weighted_ap, out, prefix)
    for scheme in ("ovr", "ovo"):
        for average in ("macro", "weighted"):
            name = f"roc_auc_{scheme}" + ("_weighted" if average == "weighted" else "")
            _safe(
                name,
                partial(
                    skm.roc_auc_score,
                    y_true,
                    proba,
                    multi_class=scheme,
                    average=average,
                    labels=labels,
                ),
                out,
                prefix,
            )
    if prefix + "roc_auc_ovr_weighted" in out:
        out[prefix + "roc_auc"] = out[prefix + "roc_auc_ovr_weighted"]


@dataclass(frozen=True)
class Ranking:
    """True and false positives counted down to each distinct score, highest first: scikit-
    learn's ``_binary_clf_curve``, from which its ROC and PR curves, ROC AUC and average
    precision all follow; sorted once here for all of them. (Rows of equal score count
    together, so the order of ties, and the sort used, cannot change a result.)"""

    tps: np.ndarray
    fps: np.ndarray

    @classmethod
    def of(cls, positive: np.ndarray, score: np.ndarray) -> Ranking:
        order = np.argsort(score)[::-1]
        ranked, hits = score[order], np.asarray(positive)[order].astype("float64")
        ends = np.r_[np.flatnonzero(np.diff(ranked)), ranked.size - 1]
        tps = np.cumsum(hits)[ends]
        return cls(tps, 1 + ends - tps)

    def roc_curve(self) -> tuple[np.ndarray, np.ndarray]:
        """(fpr, tpr) as ``sklearn.metrics.roc_curve`` gives them (collinear points dropped)."""
        tps, fps = self.tps, self.fps
        if len(fps) > 2:
            corners = np.flatnonzero(
                np.r_[True, (np.diff(fps, 2) != 0) | (np.diff(tps, 2) != 0), True]
            )
            tps, fps = tps[corners], fps[corners]
        tps, fps = np.r_[0.0, tps], np.r_[0.0, fps]
        with np.errstate(divide="ignore", invalid="ignore"):
            return fps / fps[-1], tps / tps[-1]

    def roc_auc(self) -> float:
        if self.tps[-1] == 0 or self.fps[-1] == 0:
            raise ValueError("ROC AUC needs both classes")
        fpr, tpr = self.roc_curve()
        return float(np.trapezoid(tpr, fpr))

    def pr_curve(self) -> tuple[np.ndarray, np.ndarray]:
        """(precision, recall) as ``sklearn.metrics.precision_recall_curve`` gives them."""
        precision = self.tps / (self.tps + self.fps)
        recall = self.tps / self.tps[-1] if self.tps[-1] else np.ones_like(self.tps)
        return np.r_[precision[::-1], 1.0], np.r_[recall[::-1], 0.0]

    def average_precision(self) -> float:
        """The precision at each threshold weighted by the recall gained there."""
        if self.tps[-1] == 0:
            return 0.0
        recall = np.r_[0.0, self.tps / self.tps[-1]]
        return max(0.0, float(np.sum(np.diff(recall) * (self.tps / (self.tps + self.fps)))))


def _regression(y_true: np.ndarray, y_pred: np.ndarray, prefix: str) -> dict[str, float]:
    out: dict[str, float] = {}
    t = y_true.astype("float64")
    p = y_pred.astype("float64")
    _safe("mae", lambda: skm.mean_absolute_error(t, p), out, prefix)
    _safe("mse", lambda: skm.mean_squared_error(t, p), out, prefix)
    _safe("rmse", lambda: skm.root_mean_squared_error(t, p), out, prefix)
    if len(t) > 1:
        _safe("r2", lambda: skm.r2_score(t, p), out, prefix)
        _safe("explained_variance", lambda: skm.explained_variance_score(t, p), out, prefix)
    if not np.any(t == 0):
        _safe("mape", lambda: skm.mean_absolute_percentage_error(t, p), out, prefix)
    return out


def compute_metrics(
    task: str,
    y_true: Sequence[Any] | np.ndarray,
    y_pred: Sequence[Any] | np.ndarray,
    y_proba: np.ndarray | None = None,
    classes: Sequence[Any] | None = None,
    prefix: Prefix = "",
) -> dict[str, float]:
    """Metrics for one split. ``y_proba`` columns follow ``classes``; ``prefix`` e.g. "test_"."""
    t = np.asarray(y_true)
    p = np.asarray(y_pred)
    if t.shape[0] != p.shape[0]:
        raise InvalidArgument(
            f"y_true has {t.shape[0]} rows but y_pred has {p.shape[0]}", details={"field": "y_pred"}
        )
    if t.shape[0] == 0:
        return {}
    if task == "classification":
        labels = list(classes) if classes is not None else sorted(set(t) | set(p))
        if y_proba is not None and np.asarray(y_proba).shape != (t.shape[0], len(labels)):
            raise InvalidArgument(
                "y_proba must have one row per sample and one column per class",
                details={"field": "y_proba"},
            )
        return _classification(t, p, y_proba, labels, prefix)
    if task == "regression":
        return _regression(t, p, prefix)
    raise InvalidArgument(
        f"no metrics for task '{task}' here; expected classification or regression",
        details={"field": "task"},
    )


SILHOUETTE_ROWS = 2000  # silhouette is quadratic in rows: scored on a fixed sample beyond this


def clustering_metrics(
    X: np.ndarray, labels: np.ndarray, prefix: Prefix = "", inertia: float | None = None
) -> dict[str, float]:
    """Silhouette, Davies-Bouldin and Calinski-Harabasz of cluster ids on ``X`` (each defined
    for 2..n-1 clusters), and the model's inertia when it has one."""
    out: dict[str, float] = {}
    labels = np.asarray(labels)
    n_clusters = len(np.unique(labels))
    if 2 <= n_clusters < len(labels):
        sample = SILHOUETTE_ROWS if len(labels) > SILHOUETTE_ROWS else None
        _safe(
            "silhouette",
            lambda: skm.silhouette_score(X, labels, sample_size=sample, random_state=0),
            out,
            prefix,
        )
        _safe("davies_bouldin", lambda: skm.davies_bouldin_score(X, labels), out, prefix)
        _safe("calinski_harabasz", lambda: skm.calinski_harabasz_score(X, labels), out, prefix)
    if inertia is not None:
        _safe("inertia", lambda: inertia, out, prefix)
    return out
