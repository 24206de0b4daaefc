"""The model registry: every catalog module's ``MODELS`` list, found by scanning the package."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from skyulf_core.models.base import ModelDefinition, ModelInfo
from skyulf_errors import NodeError, SkyulfError

_INFRASTRUCTURE = frozenset({"base", "matrix", "registry", "search_spaces", "training"})


@cache
def _registry() -> dict[str, ModelDefinition]:
    import skyulf_core.models as package

    found: dict[str, ModelDefinition] = {}
    for module_info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if module_info.name in _INFRASTRUCTURE or module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{module_info.name}")
        for definition in getattr(module, "MODELS", []):
            if definition.id in found:
                raise SkyulfError(f"model id {definition.id} is defined twice")
            found[definition.id] = definition
    return found


def is_model(type_id: str) -> bool:
    return type_id in _registry()


def get_model(model_id: str) -> ModelDefinition:
    """The definition of a model id; unknown ids are a NodeError naming them."""
    try:
        return _registry()[model_id]
    except KeyError:
        raise NodeError(
            f"unknown model type '{model_id}'", node_type=model_id, field="type"
        ) from None


def model_catalog() -> list[ModelInfo]:
    return [d.info() for d in _registry().values()]
