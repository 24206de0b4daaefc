"""The model contract: an id, a task, a typed parameter model and a builder of the estimator."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from sklearn.base import BaseEstimator

from skyulf_core.models.search_spaces import annotate
from skyulf_core.models.training import (
    parse_training,
    split_training,
    training_defs,
    training_properties,
)
from skyulf_core.nodes.base import Seed as Seed  # re-exported for the model catalogs
from skyulf_core.tuning.metrics import DEFAULT_METRIC, TASK_METRICS
from skyulf_errors import NodeError

# Upper bounds of the hyperparameters: far beyond any sensible model, low enough that one fit
# stays within reason on a 2-core worker (an unbounded count ties a worker up for hours or
# exhausts its memory; a number beyond C integer range fails deep inside scikit-learn).
MAX_TREES = 5000  # n_estimators of the tree ensembles
MAX_BOOSTING_ITER = 10_000  # histogram gradient boosting: one (cheap) tree per iteration
MAX_ITER = 100_000  # solvers whose iteration is one cheap pass (linear models, SGD epochs)
MAX_NEIGHBORS = 1000
MAX_DEPTH = 1000  # None is the unlimited depth
MAX_LEAF_NODES = 100_000  # None is unlimited
MAX_ROWS = 10**9  # min_samples_*: more rows than a worker holds
MAX_CV = 20
MAX_KERNEL_DEGREE = 10  # a polynomial kernel of higher degree overflows to inf

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
    # Parameters that count training rows (k neighbours, folds): a value above the train split's
    # rows is refused before fitting, naming the field, instead of failing later (at prediction).
    row_params: tuple[str, ...] = ()

    @property
    def params_schema(self) -> dict[str, Any]:
        """JSON Schema of the node's params: the hyperparameters (tunable ones marked with their
        search spaces), then the training settings (cross-validation), in group "training".
        ``x-task`` names the model's task, and ``tuning_config`` lists the metrics a search may
        optimise (``x-metrics``: metric -> direction) so a form can offer only those."""
        schema = annotate(self.id, self.params_model.model_json_schema())
        schema["x-task"] = self.task
        properties = schema.setdefault("properties", {})
        properties.update(training_properties())
        if "tuning_config" in properties:
            properties["tuning_config"]["x-metrics"] = dict(TASK_METRICS[self.task])
            properties["tuning_config"]["x-default-metric"] = DEFAULT_METRIC[self.task]
        schema.setdefault("$defs", {}).update(training_defs())
        return schema

    def parse_params(self, raw: P | Mapping[str, Any] | None, node_id: str | None = None) -> P:
        """Validate hyperparameters; the error names the node (when known) and the field."""
        if isinstance(raw, self.params_model):
            return raw
        # The node's training settings (cross-validation) are checked, then set aside.
        values = dict(raw or {})
        settings = parse_training(values, node_id, self.id)
        hyper, _ = split_training(values)
        try:
            params = self.params_model.model_validate(hyper)
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
        if settings.tuned:
            from skyulf_core.tuning.checks import check_tuning  # the tuning package needs models

            check_tuning(self, settings, node_id)
        return params

    def check_rows(self, params: P, n_rows: int, node_id: str | None = None) -> None:
        """Refuse a row-counting parameter larger than the ``n_rows`` training rows."""
        who = f"node '{node_id}' ({self.id})" if node_id else f"model {self.id}"
        for name in self.row_params:
            value = getattr(params, name)
            if value > n_rows:
                raise NodeError(
                    f"{who}: parameter '{name}' is {value} but the train split has only "
                    f"{n_rows} rows; lower it",
                    node_id=node_id,
                    node_type=self.id,
                    field=name,
                )

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


def model_definition(task: Task) -> Callable[..., ModelDefinition[Any]]:
    """``define(id, description, params_model, builder, allows_nan=..., row_params=...)`` for
    the models of one task."""

    def define(
        id: str,
        description: str,
        params_model: type[Any],
        builder: Callable[[Any], BaseEstimator],
        allows_nan: bool = False,
        row_params: tuple[str, ...] = (),
    ) -> ModelDefinition[Any]:
        return ModelDefinition(
            id=id,
            task=task,
            description=description,
            params_model=params_model,
            builder=builder,
            allows_nan=allows_nan,
            row_params=row_params,
        )

    return define
