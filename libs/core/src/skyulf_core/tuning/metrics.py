"""The metrics a search may optimise, per task, and which way is better."""

from __future__ import annotations

from typing import Literal

Direction = Literal["maximize", "minimize"]

_CLASSIFICATION_UP = (
    "accuracy",
    "balanced_accuracy",
    "precision",
    "recall",
    "f1",
    "precision_weighted",
    "recall_weighted",
    "f1_weighted",
    "matthews_corrcoef",
    "g_score",
    "roc_auc",
    "pr_auc",
    "pr_auc_weighted",
    "roc_auc_ovr",
    "roc_auc_ovr_weighted",
    "roc_auc_ovo",
    "roc_auc_ovo_weighted",
)
TASK_METRICS: dict[str, dict[str, Direction]] = {
    "classification": {
        **{m: "maximize" for m in _CLASSIFICATION_UP},
        "log_loss": "minimize",
    },
    "regression": {
        "r2": "maximize",
        "explained_variance": "maximize",
        "mae": "minimize",
        "mse": "minimize",
        "rmse": "minimize",
        "mape": "minimize",
    },
    "clustering": {
        "silhouette": "maximize",
        "calinski_harabasz": "maximize",
        "davies_bouldin": "minimize",
        "inertia": "minimize",
    },
}
DEFAULT_METRIC = {"classification": "accuracy", "regression": "r2", "clustering": "silhouette"}


def metric_for(task: str, metric: str | None) -> str:
    return metric or DEFAULT_METRIC[task]


def direction(task: str, metric: str) -> Direction:
    return TASK_METRICS[task][metric]
