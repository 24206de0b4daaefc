"""recommend(): run every registered rule over a profile (and, when given, rows of the data)."""

from __future__ import annotations

import polars as pl

from skyulf_core.advisor.context import Advice, Task
from skyulf_core.advisor.registry import RULES
from skyulf_core.advisor.rules.model import default_model
from skyulf_core.advisor.schema import Recommendation
from skyulf_core.models import get_model, is_model
from skyulf_core.profiling import ColumnProfile, DatasetProfile
from skyulf_core.profiling.target import analyse_target
from skyulf_errors import InvalidArgument, NotFound

MAX_CLASSES = 20


def infer_task(col: ColumnProfile) -> Task:
    if col.kind in ("categorical", "boolean", "id", "text", "datetime"):
        return "classification"
    whole = isinstance(col.min, float) and col.min.is_integer()
    return "classification" if whole and col.unique_count <= MAX_CLASSES else "regression"


def _model(model: str | None, task: Task, n_rows: int) -> str:
    if model is None:
        return default_model(task, n_rows)
    if not is_model(model):
        raise InvalidArgument(f"unknown model '{model}'", details={"field": "model"})
    if get_model(model).task != task:
        raise InvalidArgument(
            f"model '{model}' is for {get_model(model).task}, but the task is {task}",
            details={"field": "model"},
        )
    return model


def advise(
    profile: DatasetProfile,
    target: str | None = None,
    *,
    sample: pl.DataFrame | None = None,
    task: Task | None = None,
    model: str | None = None,
) -> Advice:
    """Run the rules; the returned state holds the recommendations, the model and the metric."""
    target_col = None
    if target is not None:
        target_col = profile.column(target)
        if target_col is None:
            raise NotFound(
                f"target column '{target}' is not in the dataset", details={"column": target}
            )
        inferred = infer_task(target_col)
        if task == "regression" and target_col.kind != "numeric":
            raise InvalidArgument(
                f"target column '{target}' is {target_col.kind}, not numeric: it cannot be "
                "a regression target",
                details={"column": target, "field": "task"},
            )
        task = task or inferred
    elif task is not None or model is not None:
        raise InvalidArgument(
            "a task or a model needs a target column", details={"field": "target"}
        )
    analysis = profile.target if profile.target and profile.target.target == target else None
    if analysis is None and target is not None and sample is not None and target in sample.columns:
        analysis, _ = analyse_target(sample, profile.columns, target)
    adv = Advice(
        profile=profile,
        target=target,
        task=task,
        model=_model(model, task, profile.n_rows) if task else None,
        sample=sample,
        analysis=analysis,
    )
    for rule in RULES.values():
        rule(adv)
    return adv


def recommend(
    profile: DatasetProfile,
    target: str | None = None,
    *,
    sample: pl.DataFrame | None = None,
    task: Task | None = None,
    model: str | None = None,
) -> list[Recommendation]:
    """Suggestions for ``profile`` in canvas order, each with ready node configurations."""
    return advise(profile, target, sample=sample, task=task, model=model).out
