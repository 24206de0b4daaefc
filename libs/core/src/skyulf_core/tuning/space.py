"""The search space of a tuned model node, checked against the model's parameters.

By default every tunable parameter of the model's schema is searched over its ``x-search-space``
(the ``grid`` values for grid strategies, the ``optuna`` distribution otherwise). A node's
``tuning_config.search_space`` replaces that default: only the parameters it names are searched,
over the ranges it gives. Every range is checked against the model's own bounds, so a search
never proposes a value the model would refuse.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from skyulf_core.models.training import SearchSpec, TuningConfig
from skyulf_errors import NodeError

if TYPE_CHECKING:
    from skyulf_core.models.base import ModelDefinition

GRID_STRATEGIES = frozenset({"grid", "halving_grid"})
MAX_GRID_VALUES = 1000  # values of one parameter in a grid


@dataclass(frozen=True)
class SearchSpace:
    """Per parameter: its range (for samplers) and its grid values (for grid strategies)."""

    specs: dict[str, SearchSpec]
    grid: dict[str, list[Any]]


def _error(node_id: str | None, model_type: str, field: str, message: str) -> NodeError:
    who = f"node '{node_id}' ({model_type})" if node_id else f"model {model_type}"
    return NodeError(
        f"{who}: {field}: {message}", node_id=node_id, node_type=model_type, field=field
    )


def _grid_values(spec: SearchSpec) -> list[Any] | str:
    """The values a grid tries for ``spec``, or why it has none."""
    if spec.type == "categorical":
        return list(spec.choices or [])
    assert spec.low is not None and spec.high is not None
    if spec.type == "float" and spec.step is None:
        return "a grid over a float range needs a 'step' (or give 'choices')"
    step = spec.step or 1
    count = math.floor((spec.high - spec.low) / step + 1e-9) + 1
    if count > MAX_GRID_VALUES:
        return f"the range holds {count} values, more than a grid's {MAX_GRID_VALUES}; raise 'step'"
    values = [spec.low + i * step for i in range(count)]
    return [round(v) for v in values] if spec.type == "int" else values


def _probe(spec: SearchSpec) -> list[Any]:
    if spec.type == "categorical":
        return list(spec.choices or [])
    assert spec.low is not None and spec.high is not None
    if spec.type == "int":
        return [int(spec.low), int(spec.high)]
    return [spec.low, spec.high]


def _check_values(
    definition: ModelDefinition[Any], name: str, values: list[Any], field: str, node_id: str | None
) -> None:
    for value in values:
        try:
            definition.params_model.model_validate({name: value})
        except ValidationError as exc:
            first = exc.errors()[0]
            raise _error(
                node_id,
                definition.id,
                field,
                f"{value!r} is not a valid value of '{name}': {first['msg']}",
            ) from exc


def _default_space(definition: ModelDefinition[Any]) -> dict[str, dict[str, Any]]:
    props = definition.params_schema.get("properties", {})
    return {
        name: prop["x-search-space"]
        for name, prop in props.items()
        if prop.get("x-tunable") and prop.get("x-search-space")
    }


def resolve_space(
    definition: ModelDefinition[Any], config: TuningConfig, node_id: str | None = None
) -> SearchSpace:
    """The node's search space; an error names the node and the ``tuning_config`` field."""
    grid_strategy = config.strategy in GRID_STRATEGIES
    specs: dict[str, SearchSpec] = {}
    grid: dict[str, list[Any]] = {}
    if config.search_space:
        known = set(definition.params_model.model_fields)
        for name, spec in config.search_space.items():
            field = f"tuning_config.search_space.{name}"
            if name not in known:
                raise _error(
                    node_id,
                    definition.id,
                    field,
                    f"'{name}' is not a parameter of {definition.id}; its parameters are "
                    + ", ".join(sorted(known)),
                )
            _check_values(definition, name, _probe(spec), field, node_id)
            specs[name] = spec
            if grid_strategy:
                values = _grid_values(spec)
                if isinstance(values, str):
                    raise _error(node_id, definition.id, field, values)
                grid[name] = values
    else:
        for name, space in _default_space(definition).items():
            specs[name] = SearchSpec.model_validate(space["optuna"])
            grid[name] = list(space["grid"])
    if not specs:
        raise _error(
            node_id,
            definition.id,
            "tuning_config.search_space",
            f"{definition.id} has no tunable parameter by default; name the parameters to "
            "search in search_space",
        )
    return SearchSpace(specs=specs, grid=grid)
