"""Every model's JSON Schema marks its tunable hyperparameters, and every default search space
lies within the parameter's own bounds (each value the model accepts)."""

from __future__ import annotations

from typing import Any

import pytest

from skyulf_core.models import get_model, model_catalog
from skyulf_core.models.search_spaces import BY_MODEL
from skyulf_errors import NodeError

MODELS = [m.id for m in model_catalog()]
UNTUNED = {"voting_regressor"}  # nothing but its base models, which are not a search space


def _accepts(model_id: str, param: str, value: Any) -> bool:
    try:
        get_model(model_id).parse_params({param: value})
    except NodeError:
        return False
    return True


@pytest.mark.parametrize("model_id", MODELS)
def test_search_spaces_lie_within_the_schema_bounds(model_id: str) -> None:
    schema = get_model(model_id).params_schema
    tunable = {k: p for k, p in schema["properties"].items() if p.get("x-tunable")}
    if model_id not in UNTUNED:
        assert tunable, f"{model_id} marks no tunable parameter"
    for name, prop in tunable.items():
        space = prop["x-search-space"]
        assert set(space) == {"grid", "random", "optuna"}, name
        assert space["grid"], name
        for value in space["grid"]:
            assert _accepts(model_id, name, value), f"{model_id}.{name}: grid value {value!r}"
        for strategy in ("random", "optuna"):
            dist = space[strategy]
            if dist["type"] == "categorical":
                assert dist["choices"]
                for value in dist["choices"]:
                    assert _accepts(model_id, name, value), f"{model_id}.{name}: {value!r}"
                continue
            assert dist["type"] in ("int", "float")
            low, high = dist["low"], dist["high"]
            assert low < high, f"{model_id}.{name}"
            if dist["log"]:
                assert low > 0, f"{model_id}.{name}: a log scale needs low > 0"
            if dist["type"] == "int":
                assert isinstance(low, int) and isinstance(high, int)
            for value in (low, high):
                assert _accepts(model_id, name, value), f"{model_id}.{name}: bound {value!r}"


def test_overrides_name_real_models_and_parameters() -> None:
    for model_id, spaces in BY_MODEL.items():
        fields = get_model(model_id).params_model.model_fields
        assert set(spaces) <= set(fields), model_id


def test_a_bad_bound_would_be_caught() -> None:
    assert not _accepts("random_forest_classifier", "n_estimators", 0)
    assert not _accepts("svc", "C", 0.0)
