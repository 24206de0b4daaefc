"""Preprocessing nodes: the Calculator/Applier contract, the registry and the node groups."""

from skyulf_core.nodes.base import (
    ColumnSet,
    ColumnsParams,
    FittedRecord,
    NodeContext,
    NodeDefinition,
    NodeGroup,
    NodeParams,
)
from skyulf_core.nodes.registry import NodeInfo, get_node, node_catalog, node_types

__all__ = [
    "ColumnSet",
    "ColumnsParams",
    "FittedRecord",
    "NodeContext",
    "NodeDefinition",
    "NodeGroup",
    "NodeInfo",
    "NodeParams",
    "get_node",
    "node_catalog",
    "node_types",
]
