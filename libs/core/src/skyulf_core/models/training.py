"""How a model node trains, next to its hyperparameters: cross-validation and tuning settings.

They sit in the model node's params beside the hyperparameters (``cv_enabled``, ``cv_folds``,
..., ``run_mode`` and ``tuning_config``); :meth:`ModelDefinition.parse_params` takes them out and
checks them here, so the hyperparameter models stay those of the estimators. What a
``tuning_config`` means for one model (its search space, its metric) is checked in
:mod:`skyulf_core.tuning.checks`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from skyulf_core.nodes.base import Seed
from skyulf_errors import NodeError

MAX_FOLDS = 20

CvType = Literal["k_fold", "stratified_k_fold", "time_series_split", "shuffle_split", "nested_cv"]
RunMode = Literal["fixed", "tuned"]
Strategy = Literal["grid", "random", "halving_grid", "halving_random", "optuna"]
MAX_TRIALS = 10_000


class SearchSpec(BaseModel):
    """One parameter's range: ``int``/``float`` with ``low``/``high`` (``log``, ``step``), or
    ``categorical`` with ``choices``."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["int", "float", "categorical"]
    low: float | None = None
    high: float | None = None
    log: bool = False
    step: float | None = Field(default=None, gt=0)
    choices: list[Any] | None = None

    @model_validator(mode="after")
    def _shape(self) -> SearchSpec:
        if self.type == "categorical":
            if not self.choices:
                raise ValueError("a categorical range needs a non-empty 'choices' list")
            return self
        if self.low is None or self.high is None:
            raise ValueError(f"an {self.type} range needs 'low' and 'high'")
        if self.low > self.high:
            raise ValueError(f"'low' ({self.low:g}) is above 'high' ({self.high:g})")
        if self.log and self.low <= 0:
            raise ValueError(f"a log range needs 'low' above 0, got {self.low:g}")
        if self.log and self.step is not None:
            raise ValueError("'step' and 'log' cannot be used together")
        if self.type == "int" and not (
            float(self.low).is_integer() and float(self.high).is_integer()
        ):
            raise ValueError("an int range needs whole 'low' and 'high'")
        return self


class StrategyParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sampler: Literal["tpe", "random"] = "tpe"
    pruner: Literal["none", "median", "hyperband"] = "none"
    seed: Seed | None = 42
    # Successive halving (halving_grid, halving_random): a trial goes on to the next rung of
    # folds only if it is in the best 1/reduction_factor of those that reached it.
    reduction_factor: int = Field(default=3, ge=2, le=10)
    # TPE and the median pruner: trials before they start to act.
    n_startup_trials: int = Field(default=5, ge=0, le=1000)


class TuningConfig(BaseModel):
    """How a ``run_mode: "tuned"`` model node searches its hyperparameters."""

    model_config = ConfigDict(extra="forbid")

    strategy: Strategy = "optuna"
    metric: str | None = Field(
        default=None,
        description="the metric to optimise; default accuracy, r2 or silhouette by task",
    )
    n_trials: int = Field(default=20, ge=1, le=MAX_TRIALS)
    timeout: float | None = Field(
        default=None, gt=0, description="seconds; the search stops after it"
    )
    search_space: dict[str, SearchSpec] = Field(
        default_factory=dict, description="overrides the model's default search space"
    )
    strategy_params: StrategyParams = Field(default_factory=StrategyParams)
    cv_enabled: bool = True
    cv_folds: int = Field(default=3, ge=2, le=MAX_FOLDS)
    cv_type: CvType = "k_fold"
    cv_shuffle: bool = True
    cv_random_state: Seed | None = 42

    @model_validator(mode="after")
    def _search_folds_are_not_nested(self) -> TuningConfig:
        if self.cv_type == "nested_cv":
            raise ValueError(
                "the search's own folds cannot be nested; set the node's cv_type to nested_cv "
                "to run this search inside each outer fold"
            )
        return self


class CrossValidationSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cv_enabled: bool = False
    cv_folds: int = Field(default=5, ge=2, le=MAX_FOLDS)
    cv_type: CvType = "k_fold"
    cv_shuffle: bool = True
    cv_random_state: Seed | None = 42
    cv_time_column: str | None = Field(
        default=None,
        description="time_series_split: the column that orders the rows (else row order)",
    )
    run_mode: RunMode = "fixed"
    tuning_config: TuningConfig | None = None

    @model_validator(mode="after")
    def _time_column_for_time_series(self) -> CrossValidationSettings:
        if self.cv_time_column is not None and self.cv_type != "time_series_split":
            raise ValueError("cv_time_column applies to cv_type 'time_series_split' only")
        return self

    @model_validator(mode="after")
    def _nested_needs_a_search(self) -> CrossValidationSettings:
        # Nested cross-validation estimates a search: in each outer fold the node's search runs
        # on the fold's training rows. A fixed model has nothing to select (k_fold estimates it).
        if self.cv_enabled and self.cv_type == "nested_cv" and self.run_mode != "tuned":
            raise ValueError(
                "cv_type 'nested_cv' runs the node's search again inside each outer fold and "
                "needs run_mode 'tuned'; a fixed model has nothing to select: use k_fold"
            )
        return self

    @property
    def tuned(self) -> bool:
        return self.run_mode == "tuned"

    def tuning(self) -> TuningConfig:
        """The tuning settings (defaults when a tuned node gives none)."""
        return self.tuning_config or TuningConfig()


TRAINING_KEYS = frozenset(CrossValidationSettings.model_fields)


def training_properties() -> dict[str, Any]:
    """The settings' JSON Schema properties, each marked ``"x-group": "training"``."""
    schema = CrossValidationSettings.model_json_schema()
    return {name: {**prop, "x-group": "training"} for name, prop in schema["properties"].items()}


def training_defs() -> dict[str, Any]:
    """The ``$defs`` the settings' properties refer to (the tuning config's parts)."""
    return dict(CrossValidationSettings.model_json_schema().get("$defs", {}))


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
