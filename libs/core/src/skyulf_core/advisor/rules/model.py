"""A model family and a metric for the task and the size; cross-validation when data is small."""

from __future__ import annotations

from typing import Any

from skyulf_core.advisor.context import Advice, Task, node

ID = "model"
LARGE = 10_000  # rows: above, gradient boosting; below, a regularised linear model
SMALL = 1_000  # rows: below, cross-validate (one test split is too noisy to judge by)


def default_model(task: Task, n_rows: int) -> str:
    if task == "classification":
        return "logistic_regression" if n_rows < LARGE else "hist_gradient_boosting_classifier"
    return "ridge_regression" if n_rows < LARGE else "hist_gradient_boosting_regressor"


def default_metric(adv: Advice, n_classes: int) -> str:
    if adv.task == "regression":
        return "r2"
    return "roc_auc" if n_classes == 2 else "f1"


def apply(adv: Advice) -> None:
    if adv.task is None or adv.model is None:
        return
    n = adv.profile.n_rows
    params: dict[str, Any] = dict(adv.model_params)
    col = adv.profile.column(adv.target) if adv.target else None
    classes = col.unique_count if col is not None else 0
    adv.metric = adv.metric or default_metric(adv, classes)
    cv = ""
    if n < SMALL:
        params |= {
            "cv_enabled": True,
            "cv_folds": 5,
            "cv_type": "stratified_k_fold" if adv.task == "classification" else "k_fold",
        }
        cv = f" With {n} rows, one test split is noisy: 5-fold cross-validation reports a mean."
    family = {
        "logistic_regression": "a regularised linear model is a strong, stable start",
        "ridge_regression": "a regularised linear model is a strong, stable start",
    }.get(adv.model, "gradient-boosted trees handle mixed features at this size")
    adv.add(
        ID,
        f"Train {adv.model}, judged by {adv.metric}",
        f"A {adv.task} task on {n} rows: {family}. Judge it by {adv.metric}.{cv}",
        [adv.target] if adv.target else [],
        "info",
        [node(adv.model, params, ID)],
        statistic=n,
    )
