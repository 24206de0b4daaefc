"""The column checks of graph validation: columns and their kinds along every path.

Mixed into the validation checker: in run order, each node's input columns are those leaving the
node(s) feeding it (a merge joins several); a column a node names must be there, the target must
not be a feature, and a column still known to be text or a date when it reaches a model is
reported, naming the model and the column.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from skyulf_core.graph.columns import dataset_flow, node_flow, non_numeric
from skyulf_core.graph.spec import GraphNode, PipelineGraph, topological_order
from skyulf_core.models import is_model
from skyulf_core.nodes import ColumnSet, NodeDefinition, get_node
from skyulf_core.nodes.encoding_ordinal import encodes_target
from skyulf_core.nodes.splitting import SPLITTER_ID
from skyulf_errors import NodeError


class ColumnChecks:
    graph: PipelineGraph
    columns: list[str] | None
    dtypes: Mapping[str, str] | None
    partial: bool
    params: dict[int, Any]
    known_nodes: set[str]
    _parents: dict[str, list[str]]

    def add(self, code: str, message: str, **where: str | None) -> None:
        raise NotImplementedError

    def _columns(self) -> None:
        """Columns (and their kinds) along every path, in run order, into every model."""
        assert self.columns is not None
        order = topological_order(self.graph)
        target = self._target(order)
        start = dataset_flow(self.columns, target, self.dtypes)
        flows: dict[str, ColumnSet] = {}
        for node in order:
            inputs = [flows[p] for p in self._parents[node.id] if p in flows]
            flow = inputs[0] if inputs else start
            if node.type not in self.known_nodes:
                if is_model(node.type) and not self.partial:
                    self._model_inputs(node, flow)
                continue
            params = self.params.get(id(node))
            definition: NodeDefinition = get_node(node.type)
            if params is None:
                flows[node.id] = ColumnSet(flow.names, open=True)
                continue
            for col in getattr(params, "columns", None) or []:
                if encodes_target(node.type, params, target):
                    break  # a Label/OrdinalEncoder's target mode: columns is [target]
                if col == target:
                    self.add(
                        "target_as_feature",
                        f"node '{node.id}' ({node.type}) lists the target '{col}' in columns",
                        node_id=node.id,
                        field="columns",
                        column=col,
                    )
                elif not any(f.may_contain(col) for f in inputs or [start]):
                    self.add(
                        "unknown_column",
                        f"node '{node.id}' ({node.type}): column '{col}' "
                        "is not in the data at this point",
                        node_id=node.id,
                        field="columns",
                        column=col,
                    )
            if definition.fan_in is not None:
                flows[node.id] = self._joined(node, definition, params, inputs or [start])
            else:
                flows[node.id] = node_flow(definition, params, flow)

    def _joined(
        self, node: GraphNode, definition: NodeDefinition, params: Any, inputs: list[ColumnSet]
    ) -> ColumnSet:
        assert definition.fan_in is not None
        try:
            return definition.fan_in.column_flow(inputs, params)
        except NodeError as exc:
            self.add(
                "column_clash",
                exc.message,
                node_id=node.id,
                field=exc.details.get("field"),
                column=exc.details.get("column"),
            )
            return ColumnSet(inputs[0].names, open=True)

    def _model_inputs(self, model: GraphNode, flow: ColumnSet) -> None:
        for column, kind in non_numeric(flow):
            self.add(
                "non_numeric_feature",
                f"column '{column}' reaches model '{model.id}' ({model.type}) as {kind}; a model "
                "takes numbers: encode it (e.g. OneHotEncoder) or drop it before the model",
                node_id=model.id,
                field="edges",
                column=column,
            )

    def _target(self, order: list[Any]) -> str | None:
        assert self.columns is not None
        for node in order:
            params = self.params.get(id(node))
            if node.type == SPLITTER_ID and params is not None and params.target_column:
                if params.target_column not in self.columns:
                    self.add(
                        "unknown_column",
                        f"node '{node.id}' ({SPLITTER_ID}): target column "
                        f"'{params.target_column}' is not in the dataset",
                        node_id=node.id,
                        field="target_column",
                        column=params.target_column,
                    )
                return str(params.target_column)
        return None
