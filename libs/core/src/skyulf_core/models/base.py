"""The model contract: an id, a task, a typed parameter model and a builder of the estimator."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from sklearn.base import BaseEstimator

from skyulf_core.errors import NodeError

Task = Literal["classification", "regression", "clustering"]


class ModelParams(BaseModel):
    """Base of every model's hyperparameters: unknown keys are rejected, not ignored."""

    model_config = ConfigDict(extra="forbid")


P = TypeVar("P", bound=ModelParams)


class ModelInfo(BaseModel):
    id: str
    task: Task
    description: str
    params_schema: dict[str, Any]


@dataclass(frozen=True)
class ModelDefinition(Generic[P]):
    """One model type. ``build(params)`` returns a fresh, unfitted scikit-learn estimator."""

    id: str
    task: Task
    description: str
    params_model: type[P]
    builder: Callable[[P], BaseEstimator] = field(repr=False)
    # Whether the estimator accepts NaN in its features (so the bundle need not reject them).
    allows_nan: bool = False

    @property
    def params_schema(self) -> dict[str, Any]:
        return self.params_model.model_json_schema()

    def parse_params(self, raw: P | Mapping[str, Any] | None, node_id: str | None = None) -> P:
        """Validate hyperparameters; the error names the node (when known) and the field."""
        if isinstance(raw, self.params_model):
            return raw
        try:
            return self.params_model.model_validate(dict(raw or {}))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "params"
            who = f"node '{node_id}' ({self.id})" if node_id else f"model {self.id}"
            raise NodeError(
                f"{who}: parameter '{where}': {first['msg']}",
                node_id=node_id,
                node_type=self.id,
                field=where,
            ) from exc

    def build(self, params: P | Mapping[str, Any] | None = None) -> BaseEstimator:
        return self.builder(self.parse_params(params))

    def info(self) -> ModelInfo:
        return ModelInfo(
            id=self.id,
            task=self.task,
            description=self.description,
            params_schema=self.params_schema,
        )


def sklearn_builder(
    estimator: Callable[..., BaseEstimator], **fixed: Any
) -> Callable[[ModelParams], BaseEstimator]:
    """A builder passing every parameter straight through, plus ``fixed`` non-user settings."""

    def build(params: ModelParams) -> BaseEstimator:
        return estimator(**params.model_dump(), **fixed)

    return build
