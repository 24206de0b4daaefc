"""What a tuned node's ``tuning_config`` means for its model, checked when its params are parsed:
the metric must be one its task reports, the search space must fit the model's parameters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from skyulf_core.models.training import CrossValidationSettings
from skyulf_core.tuning.metrics import TASK_METRICS, metric_for
from skyulf_core.tuning.space import resolve_space
from skyulf_errors import NodeError

if TYPE_CHECKING:
    from skyulf_core.models.base import ModelDefinition


def check_tuning(
    definition: ModelDefinition[Any], settings: CrossValidationSettings, node_id: str | None
) -> None:
    if not settings.tuned:
        return
    config = settings.tuning()
    metric = metric_for(definition.task, config.metric)
    allowed = TASK_METRICS[definition.task]
    if metric not in allowed:
        who = f"node '{node_id}' ({definition.id})" if node_id else f"model {definition.id}"
        raise NodeError(
            f"{who}: tuning_config.metric: '{metric}' is not a {definition.task} metric; "
            f"use one of {', '.join(sorted(allowed))}",
            node_id=node_id,
            node_type=definition.id,
            field="tuning_config.metric",
        )
    if config.cv_type == "stratified_k_fold" and definition.task != "classification":
        raise NodeError(
            f"node '{node_id}' ({definition.id}): tuning_config.cv_type: stratified_k_fold "
            "needs a classification model",
            node_id=node_id,
            node_type=definition.id,
            field="tuning_config.cv_type",
        )
    resolve_space(definition, config, node_id)
