"""Voting and stacking ensembles over base models chosen from the catalog in their params.

A base model is ``{"model_type": <catalog id>, "params": {...}}``: its id must name a model of the
ensemble's task (not another ensemble) and its params are validated by that model's own schema,
so an error names the base model's position and field.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator
from sklearn.base import BaseEstimator
from sklearn.ensemble import (
    StackingClassifier,
    StackingRegressor,
    VotingClassifier,
    VotingRegressor,
)

from skyulf_core.models.base import (
    MAX_CV,
    ModelDefinition,
    ModelParams,
    Task,
    model_definition,
)
from skyulf_core.models.training import TRAINING_KEYS
from skyulf_errors import NodeError

MAX_BASE_MODELS = 10
ENSEMBLE_IDS = frozenset(
    {"voting_classifier", "voting_regressor", "stacking_classifier", "stacking_regressor"}
)


class BaseModelChoice(ModelParams):
    model_type: str = Field(description="a catalog model id of the ensemble's task")
    params: dict[str, Any] = Field(default_factory=dict)


def _checked(choice: BaseModelChoice, task: Task, where: str) -> BaseModelChoice:
    from skyulf_core.models.registry import get_model, is_model

    if not is_model(choice.model_type):
        raise ValueError(f"{where}: unknown model type '{choice.model_type}'")
    if choice.model_type in ENSEMBLE_IDS:
        raise ValueError(f"{where}: an ensemble cannot contain another ensemble")
    settings = sorted(TRAINING_KEYS & set(choice.params))
    if settings:
        raise ValueError(
            f"{where}: {settings[0]} is a setting of the ensemble's node, not of a base"
        )
    definition = get_model(choice.model_type)
    if definition.task != task:
        raise ValueError(
            f"{where}: '{choice.model_type}' is a {definition.task} model, expected {task}"
        )
    try:
        parsed = definition.parse_params(choice.params)
    except NodeError as exc:
        raise ValueError(f"{where}: {exc.message}") from exc
    return BaseModelChoice(model_type=choice.model_type, params=parsed.model_dump(mode="json"))


def _default_bases(task: Task) -> list[BaseModelChoice]:
    if task == "classification":
        ids = ["logistic_regression", "random_forest_classifier", "gaussian_nb"]
    else:
        ids = ["ridge_regression", "random_forest_regressor", "k_neighbors_regressor"]
    return [BaseModelChoice(model_type=i) for i in ids]


class _EnsembleParams(ModelParams):
    base_models: list[BaseModelChoice] = Field(min_length=2, max_length=MAX_BASE_MODELS)

    @classmethod
    def task(cls) -> Task:
        raise NotImplementedError

    @field_validator("base_models")
    @classmethod
    def _bases_in_catalog(cls, value: list[BaseModelChoice]) -> list[BaseModelChoice]:
        return [_checked(b, cls.task(), f"base_models[{i}]") for i, b in enumerate(value)]


class _Classification:
    @classmethod
    def task(cls) -> Task:
        return "classification"


class _Regression:
    @classmethod
    def task(cls) -> Task:
        return "regression"


class VotingClassifierParams(_Classification, _EnsembleParams):
    base_models: list[BaseModelChoice] = Field(
        default_factory=lambda: _default_bases("classification"),
        min_length=2,
        max_length=MAX_BASE_MODELS,
    )
    voting: Literal["soft", "hard"] = Field("soft", validate_default=True)
    weights: list[float] | None = Field(None, description="one non-negative weight per base")

    @field_validator("voting")
    @classmethod
    def _soft_needs_probabilities(cls, value: str, info: ValidationInfo) -> str:
        if value == "soft":
            for i, base in enumerate(info.data.get("base_models") or []):
                if not hasattr(_build(base), "predict_proba"):
                    raise ValueError(
                        f"base_models[{i}] ({base.model_type}) gives no probabilities; use "
                        "voting='hard' or another base model"
                    )
        return value

    @field_validator("weights")
    @classmethod
    def _weights_match(cls, value: list[float] | None, info: ValidationInfo) -> list[float] | None:
        _check_weights(value, info.data.get("base_models"))
        return value


class VotingRegressorParams(_Regression, _EnsembleParams):
    base_models: list[BaseModelChoice] = Field(
        default_factory=lambda: _default_bases("regression"),
        min_length=2,
        max_length=MAX_BASE_MODELS,
    )
    weights: list[float] | None = Field(None, description="one non-negative weight per base")

    @field_validator("weights")
    @classmethod
    def _weights_match(cls, value: list[float] | None, info: ValidationInfo) -> list[float] | None:
        _check_weights(value, info.data.get("base_models"))
        return value


class StackingClassifierParams(_Classification, _EnsembleParams):
    base_models: list[BaseModelChoice] = Field(
        default_factory=lambda: _default_bases("classification"),
        min_length=2,
        max_length=MAX_BASE_MODELS,
    )
    final_model: BaseModelChoice = Field(
        default_factory=lambda: BaseModelChoice(model_type="logistic_regression")
    )
    cv: int = Field(5, ge=2, le=MAX_CV)
    passthrough: bool = False

    @field_validator("final_model")
    @classmethod
    def _final_in_catalog(cls, value: BaseModelChoice) -> BaseModelChoice:
        return _checked(value, "classification", "final_model")


class StackingRegressorParams(_Regression, _EnsembleParams):
    base_models: list[BaseModelChoice] = Field(
        default_factory=lambda: _default_bases("regression"),
        min_length=2,
        max_length=MAX_BASE_MODELS,
    )
    final_model: BaseModelChoice = Field(
        default_factory=lambda: BaseModelChoice(model_type="ridge_regression")
    )
    cv: int = Field(5, ge=2, le=MAX_CV)
    passthrough: bool = False

    @field_validator("final_model")
    @classmethod
    def _final_in_catalog(cls, value: BaseModelChoice) -> BaseModelChoice:
        return _checked(value, "regression", "final_model")


def _check_weights(weights: list[float] | None, bases: list[BaseModelChoice] | None) -> None:
    if weights is None or bases is None:
        return
    if len(weights) != len(bases):
        raise ValueError(f"weights has {len(weights)} values for {len(bases)} base models")
    if any(w < 0 for w in weights) or sum(weights) <= 0:
        raise ValueError("weights must be non-negative and not all zero")


def _build(choice: BaseModelChoice) -> BaseEstimator:
    from skyulf_core.models.registry import get_model

    return get_model(choice.model_type).build(choice.params)


def _named(bases: list[BaseModelChoice]) -> list[tuple[str, BaseEstimator]]:
    return [(f"{i}_{b.model_type}", _build(b)) for i, b in enumerate(bases)]


def _voting_classifier(p: VotingClassifierParams) -> BaseEstimator:
    return VotingClassifier(_named(p.base_models), voting=p.voting, weights=p.weights, n_jobs=1)


def _voting_regressor(p: VotingRegressorParams) -> BaseEstimator:
    return VotingRegressor(_named(p.base_models), weights=p.weights, n_jobs=1)


def _stacking_classifier(p: StackingClassifierParams) -> BaseEstimator:
    return StackingClassifier(
        _named(p.base_models),
        final_estimator=_build(p.final_model),
        cv=p.cv,
        passthrough=p.passthrough,
        n_jobs=1,
    )


def _stacking_regressor(p: StackingRegressorParams) -> BaseEstimator:
    return StackingRegressor(
        _named(p.base_models),
        final_estimator=_build(p.final_model),
        cv=p.cv,
        passthrough=p.passthrough,
        n_jobs=1,
    )


_classifier = model_definition("classification")
_regressor = model_definition("regression")

MODELS: list[ModelDefinition] = [
    _classifier(
        "voting_classifier",
        "Majority (hard) or averaged-probability (soft) vote of several catalog classifiers.",
        VotingClassifierParams,
        _voting_classifier,
    ),
    _regressor(
        "voting_regressor",
        "Weighted average of several catalog regressors.",
        VotingRegressorParams,
        _voting_regressor,
    ),
    _classifier(
        "stacking_classifier",
        "Catalog classifiers whose cross-validated predictions feed a final classifier.",
        StackingClassifierParams,
        _stacking_classifier,
        row_params=("cv",),
    ),
    _regressor(
        "stacking_regressor",
        "Catalog regressors whose cross-validated predictions feed a final regressor.",
        StackingRegressorParams,
        _stacking_regressor,
        row_params=("cv",),
    ),
]
