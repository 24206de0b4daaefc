"""Metric names, prefixes and values against scikit-learn."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn import metrics as skm

import skyulf_core.metrics as metrics_module
from skyulf_core.metrics import Ranking, compute_metrics
from skyulf_errors import InvalidArgument


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


def _noisy(n_classes: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, n_classes, 300)
    pred = np.where(rng.random(300) < 0.7, y, rng.integers(0, n_classes, 300))
    proba = rng.dirichlet([1.0] * n_classes, 300)
    proba[np.arange(300), y] += rng.random(300)
    return y, pred, proba / proba.sum(axis=1, keepdims=True)


def test_binary_targets_also_get_weighted_variants() -> None:
    y, pred, proba = _noisy(2)
    m = compute_metrics("classification", y, pred, proba, [0, 1])
    assert m["f1"] == pytest.approx(skm.f1_score(y, pred))
    assert m["f1_weighted"] == pytest.approx(skm.f1_score(y, pred, average="weighted"))
    assert m["precision_weighted"] != m["precision"]
    onehot = np.eye(2)[y]
    assert m["pr_auc_weighted"] == pytest.approx(
        skm.average_precision_score(onehot, proba, average="weighted")
    )


def test_multiclass_auc_one_vs_rest_and_one_vs_one() -> None:
    y, pred, proba = _noisy(3)
    m = compute_metrics("classification", y, pred, proba, [0, 1, 2], "test_")
    for scheme in ("ovr", "ovo"):
        assert m[f"test_roc_auc_{scheme}"] == pytest.approx(
            skm.roc_auc_score(y, proba, multi_class=scheme, average="macro")
        )
        assert m[f"test_roc_auc_{scheme}_weighted"] == pytest.approx(
            skm.roc_auc_score(y, proba, multi_class=scheme, average="weighted")
        )
    assert m["test_roc_auc"] == m["test_roc_auc_ovr_weighted"]  # the stable name keeps its meaning
    assert "test_f1_weighted" not in m  # multiclass scores are already weighted


def test_g_score_is_the_geometric_mean_of_class_recalls() -> None:
    from imblearn.metrics import geometric_mean_score

    y, pred, _ = _noisy(3, seed=4)
    m = compute_metrics("classification", y, pred)
    assert m["g_score"] == pytest.approx(geometric_mean_score(y, pred, average="multiclass"))
    perfect = compute_metrics("classification", y, y)
    assert perfect["g_score"] == 1.0


def test_clustering_metrics() -> None:
    from skyulf_core.metrics import clustering_metrics

    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(0, 0.1, (50, 2)), rng.normal(5, 0.1, (50, 2))])
    good = np.repeat([0, 1], 50)
    bad = rng.integers(0, 2, 100)
    g = clustering_metrics(X, good, "test_", inertia=1.5)
    b = clustering_metrics(X, bad, "test_")
    assert g["test_silhouette"] > 0.9 > b["test_silhouette"]
    assert g["test_davies_bouldin"] < b["test_davies_bouldin"]
    assert g["test_calinski_harabasz"] > b["test_calinski_harabasz"]
    assert g["test_inertia"] == 1.5 and "test_inertia" not in b
    assert clustering_metrics(X, np.zeros(100, dtype=int)) == {}  # one cluster: undefined


@pytest.mark.parametrize("seed", range(6))
def test_label_metrics_from_the_confusion_matrix_equal_sklearns(seed: int) -> None:
    """The counted path gives what scikit-learn's functions give, class by class edge included:
    a class never predicted, a class absent from the truth, string and integer labels."""
    rng = np.random.default_rng(seed)
    labels: list[object] = [0, 1] if seed % 2 == 0 else ["a", "b", "c", "d"]
    n = 400
    y_true = rng.choice(labels[:-1] if seed == 3 else labels, size=n)  # 3: "d" never true
    y_pred = np.where(rng.random(n) < 0.7, y_true, rng.choice(labels, size=n))
    if seed == 4:
        y_pred = np.zeros(n, dtype=int)  # one class never predicted
    counted = compute_metrics("classification", y_true, y_pred, classes=labels)
    assert metrics_module._counts(np.asarray(y_true), np.asarray(y_pred), list(labels)) is not None
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(metrics_module, "_counts", lambda *a: None)
        reference = compute_metrics("classification", y_true, y_pred, classes=labels)
    assert counted.keys() == reference.keys()
    for name, value in reference.items():
        assert counted[name] == pytest.approx(value, abs=1e-12), name


@pytest.mark.parametrize(("rows", "decimals"), [(7, None), (500, 1), (5000, 2), (20000, None)])
def test_binary_ranking_scores_equal_sklearns(rows: int, decimals: int | None) -> None:
    # Tied scores (rounded probabilities) are where a ranking is easiest to get wrong.
    rng = np.random.default_rng(rows)
    y = rng.integers(0, 2, rows)
    y[:2] = [0, 1]
    p1 = np.clip(0.3 * y + rng.random(rows) * 0.7, 0, 1)
    if decimals is not None:
        p1 = np.round(p1, decimals)
    proba = np.c_[1 - p1, p1]
    got = compute_metrics("classification", y, (p1 > 0.5).astype(int), proba, [0, 1])
    onehot = np.c_[1 - y, y]
    assert got["roc_auc"] == pytest.approx(skm.roc_auc_score(y, p1), abs=1e-12)
    assert got["pr_auc"] == pytest.approx(skm.average_precision_score(y, p1), abs=1e-12)
    weighted = skm.average_precision_score(onehot, proba, average="weighted")
    assert got["pr_auc_weighted"] == pytest.approx(weighted, abs=1e-12)


@pytest.mark.parametrize(("rows", "decimals"), [(3, None), (400, 1), (5000, 2), (5000, None)])
def test_ranking_curves_equal_sklearns(rows: int, decimals: int | None) -> None:
    rng = np.random.default_rng(rows + (decimals or 0))
    y = rng.integers(0, 2, rows)
    y[:2] = [0, 1]
    score = rng.random(rows) if decimals is None else np.round(rng.random(rows), decimals)
    ranking = Ranking.of(y, score)
    fpr, tpr = ranking.roc_curve()
    want_fpr, want_tpr, _ = skm.roc_curve(y, score)
    np.testing.assert_allclose(fpr, want_fpr, rtol=0, atol=1e-12)
    np.testing.assert_allclose(tpr, want_tpr, rtol=0, atol=1e-12)
    precision, recall = ranking.pr_curve()
    want_precision, want_recall, _ = skm.precision_recall_curve(y, score)
    np.testing.assert_allclose(precision, want_precision, rtol=0, atol=1e-12)
    np.testing.assert_allclose(recall, want_recall, rtol=0, atol=1e-12)
