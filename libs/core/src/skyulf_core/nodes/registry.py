"""The node registry: every group module's ``NODES`` list, found by scanning the package.

Adding a group is adding a module (``nodes/binning.py`` with ``NODES = [...]``); nothing here or in
the base changes. Models are listed in the same catalog under the group "model".
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import Any

from pydantic import BaseModel

from skyulf_core.nodes.base import NodeDefinition
from skyulf_errors import NodeError, SkyulfError

# Modules of this package that hold shared machinery rather than node groups.
_INFRASTRUCTURE = frozenset({"base", "columns", "registry"})


class NodeInfo(BaseModel):
    """What the canvas needs to draw a node type and its parameter form."""

    id: str
    group: str
    description: str
    learns: bool
    train_only: bool
    params_schema: dict[str, Any]
    task: str | None = None


@cache
def _registry() -> dict[str, NodeDefinition]:
    import skyulf_core.nodes as package

    found: dict[str, NodeDefinition] = {}
    for module_info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if module_info.name in _INFRASTRUCTURE or module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{module_info.name}")
        for definition in getattr(module, "NODES", []):
            if definition.id in found:
                raise SkyulfError(f"node id {definition.id} is defined twice")
            found[definition.id] = definition
    return found


def get_node(type_id: str) -> NodeDefinition:
    """The definition of a preprocessing node type; unknown ids are a NodeError naming them."""
    try:
        return _registry()[type_id]
    except KeyError:
        raise NodeError(f"unknown node type '{type_id}'", node_type=type_id, field="type") from None


def node_types() -> list[str]:
    """Every registered preprocessing node id (models excluded)."""
    return list(_registry())


def node_catalog() -> list[NodeInfo]:
    """Every node type and model, with the JSON Schema of its parameters."""
    from skyulf_core.models import model_catalog

    infos = [
        NodeInfo(
            id=d.id,
            group=d.group,
            description=d.description,
            learns=d.learns,
            train_only=d.train_only,
            params_schema=d.params_model.model_json_schema(),
        )
        for d in _registry().values()
    ]
    infos += [
        NodeInfo(
            id=m.id,
            group="model",
            description=m.description,
            learns=True,
            train_only=False,
            params_schema=m.params_schema,
            task=m.task,
        )
        for m in model_catalog()
    ]
    return infos
