"""How a model node trains, next to its hyperparameters: the cross-validation settings.

They sit in the model node's params beside the hyperparameters (``cv_enabled``, ``cv_folds``,
...); :meth:`ModelDefinition.parse_params` takes them out and checks them here, so the
hyperparameter models stay those of the estimators.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from skyulf_core.errors import NodeError
from skyulf_core.nodes.base import Seed

MAX_FOLDS = 20

CvType = Literal["k_fold", "stratified_k_fold", "time_series_split", "shuffle_split", "nested_cv"]


class CrossValidationSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cv_enabled: bool = False
    cv_folds: int = Field(5, ge=2, le=MAX_FOLDS)
    cv_type: CvType = "k_fold"
    cv_shuffle: bool = True
    cv_random_state: Seed | None = 42
    cv_time_column: str | None = Field(
        None, description="time_series_split: the column that orders the rows (else row order)"
    )

    @model_validator(mode="after")
    def _time_column_for_time_series(self) -> CrossValidationSettings:
        if self.cv_time_column is not None and self.cv_type != "time_series_split":
            raise ValueError("cv_time_column applies to cv_type 'time_series_split' only")
        return self


TRAINING_KEYS = frozenset(CrossValidationSettings.model_fields)


def training_properties() -> dict[str, Any]:
    """The settings' JSON Schema properties, each marked ``"x-group": "training"``."""
    schema = CrossValidationSettings.model_json_schema()
    return {name: {**prop, "x-group": "training"} for name, prop in schema["properties"].items()}


def split_training(raw: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(hyperparameters, training settings)`` of a model node's params."""
    hyper = {k: v for k, v in raw.items() if k not in TRAINING_KEYS}
    training = {k: v for k, v in raw.items() if k in TRAINING_KEYS}
    return hyper, training


def parse_training(
    raw: Mapping[str, Any] | None, node_id: str | None = None, model_type: str | None = None
) -> CrossValidationSettings:
    """The node's cross-validation settings; an error names the node and the field."""
    _, training = split_training(dict(raw or {}))
    try:
        return CrossValidationSettings.model_validate(training)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "cv_type"
        who = f"node '{node_id}' ({model_type})" if node_id else f"model {model_type}"
        raise NodeError(
            f"{who}: parameter '{where}': {first['msg']}",
            node_id=node_id,
            node_type=model_type,
            field=where,
        ) from exc
