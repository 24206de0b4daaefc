"""Static checks of a pipeline graph, each issue naming the node (and field or column) at fault.

Checks: duplicate ids, edges to unknown nodes, branches, cycles, unknown node types, parameters,
the splitter and its target, the model node, columns as they flow through the chain, and the
leakage guard (no node that learns from data upstream of the TrainTestSplitter).
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from typing import Any

from pydantic import BaseModel

from skyulf_core.errors import InvalidArgument, NodeError
from skyulf_core.graph.spec import GraphNode, PipelineGraph, chain_order, parse_graph
from skyulf_core.models import get_model, is_model
from skyulf_core.nodes import ColumnSet, NodeDefinition, get_node, node_types
from skyulf_core.nodes.encoding_ordinal import encodes_target
from skyulf_core.nodes.splitting import SPLITTER_ID


class GraphIssue(BaseModel):
    code: str
    message: str
    node_id: str | None = None
    field: str | None = None
    column: str | None = None


class ValidationReport(BaseModel):
    valid: bool
    errors: list[GraphIssue]


class _Checker:
    def __init__(self, graph: PipelineGraph, columns: list[str] | None, partial: bool) -> None:
        self.graph = graph
        self.columns = columns
        self.partial = partial
        self.issues: list[GraphIssue] = []
        self.known_nodes = set(node_types())
        self.ids = {n.id for n in graph.nodes}
        # Keyed by the node object, not its id: ids may be duplicated in a broken graph.
        self.params: dict[int, Any] = {}

    def add(self, code: str, message: str, **where: str | None) -> None:
        self.issues.append(GraphIssue(code=code, message=message, **where))

    def run(self) -> list[GraphIssue]:
        if not self.graph.nodes:
            self.add("empty_graph", "the pipeline has no nodes", field="nodes")
            return self.issues
        self._ids_and_edges()
        self._types_and_params()
        is_chain = self._shape()
        self._roles(is_chain)
        self._leakage()
        if is_chain and self.columns is not None:
            self._columns()
        return self.issues

    def _ids_and_edges(self) -> None:
        for node_id, count in Counter(n.id for n in self.graph.nodes).items():
            if count > 1:
                self.add(
                    "duplicate_id",
                    f"node id '{node_id}' is used {count} times",
                    node_id=node_id,
                    field="id",
                )
        for edge in self.graph.edges:
            for end in (edge.source, edge.target):
                if end not in self.ids:
                    self.add(
                        "unknown_edge_node",
                        f"edge {edge.source} -> {edge.target} refers to unknown node '{end}'",
                        node_id=end,
                        field="edges",
                    )
            if edge.source == edge.target:
                self.add(
                    "cycle",
                    f"node '{edge.source}' has an edge to itself",
                    node_id=edge.source,
                    field="edges",
                )

    def _types_and_params(self) -> None:
        for node in self.graph.nodes:
            definition: Any
            if node.type in self.known_nodes:
                definition = get_node(node.type)
            elif is_model(node.type):
                definition = get_model(node.type)
            else:
                self.add(
                    "unknown_type",
                    f"node '{node.id}' has unknown type '{node.type}'",
                    node_id=node.id,
                    field="type",
                )
                continue
            try:
                self.params[id(node)] = definition.parse_params(node.params, node.id)
            except NodeError as exc:
                self.add(
                    "invalid_params", exc.message, node_id=node.id, field=exc.details.get("field")
                )

    def _shape(self) -> bool:
        """True when the graph is one chain (the only shape the executor runs for now)."""
        edges = [e for e in self.graph.edges if e.source in self.ids and e.target in self.ids]
        outs, ins = Counter(e.source for e in edges), Counter(e.target for e in edges)
        ok = len(edges) == len(self.graph.edges)
        for node in self.graph.nodes:
            if outs[node.id] > 1 or ins[node.id] > 1:
                way = "outgoing" if outs[node.id] > 1 else "incoming"
                self.add(
                    "branch",
                    f"node '{node.id}' has more than one {way} edge; pipelines "
                    "must be a single chain for now",
                    node_id=node.id,
                    field="edges",
                )
                ok = False
        cyclic = self._cycle_nodes(edges)
        if cyclic:
            self.add(
                "cycle", f"node '{cyclic[0]}' is part of a cycle", node_id=cyclic[0], field="edges"
            )
            return False
        if ok and len(self.graph.nodes) == len(self.ids):
            roots = [n.id for n in self.graph.nodes if ins[n.id] == 0]
            for extra in roots[1:]:
                self.add(
                    "disconnected",
                    f"node '{extra}' is not connected to the chain starting at '{roots[0]}'",
                    node_id=extra,
                    field="edges",
                )
                ok = False
        return ok and not any(i.code == "duplicate_id" for i in self.issues)

    def _cycle_nodes(self, edges: list[Any]) -> list[str]:
        # Kahn's algorithm: whatever cannot be ordered sits on a cycle.
        indeg = Counter(e.target for e in edges)
        children: dict[str, list[str]] = defaultdict(list)
        for e in edges:
            children[e.source].append(e.target)
        queue = deque(n for n in self.ids if indeg[n] == 0)
        seen = 0
        while queue:
            current = queue.popleft()
            seen += 1
            for child in children[current]:
                indeg[child] -= 1
                if indeg[child] == 0:
                    queue.append(child)
        if seen == len(self.ids):
            return []
        return sorted(n for n in self.ids if indeg[n] > 0)

    def _roles(self, is_chain: bool) -> None:
        models = [n for n in self.graph.nodes if is_model(n.type)]
        splitters = [n for n in self.graph.nodes if n.type == SPLITTER_ID]
        if not models and not self.partial:
            self.add("no_model", "the pipeline has no model node", field="nodes")
        for extra in models[1:]:
            self.add(
                "multiple_models",
                f"node '{extra.id}' is a second model node; a pipeline trains exactly one model",
                node_id=extra.id,
                field="type",
            )
        has_child = {e.source for e in self.graph.edges}
        for model in models:
            if model.id in has_child:
                self.add(
                    "model_not_terminal",
                    f"model node '{model.id}' must be the last node",
                    node_id=model.id,
                    field="edges",
                )
        if not splitters and not self.partial:
            self.add("no_splitter", f"the pipeline has no {SPLITTER_ID}", field="nodes")
        for extra in splitters[1:]:
            self.add(
                "multiple_splitters",
                f"node '{extra.id}' is a second {SPLITTER_ID}",
                node_id=extra.id,
                field="type",
            )
        clustering = [m for m in models if get_model(m.type).task == "clustering"]
        for splitter in splitters[:1]:
            params = self.params.get(id(splitter))
            if params is None:
                continue
            if clustering and params.target_column is not None:
                self.add(
                    "target_with_clustering",
                    f"node '{splitter.id}' ({SPLITTER_ID}) names target_column "
                    f"'{params.target_column}' but model '{clustering[0].id}' "
                    f"({clustering[0].type}) clusters without a target; remove target_column",
                    node_id=splitter.id,
                    field="target_column",
                )
            elif params.target_column is None and not clustering and not self.partial:
                self.add(
                    "no_target",
                    f"node '{splitter.id}' ({SPLITTER_ID}) has no target_column",
                    node_id=splitter.id,
                    field="target_column",
                )

    def _leakage(self) -> None:
        parents: dict[str, list[str]] = defaultdict(list)
        for e in self.graph.edges:
            parents[e.target].append(e.source)
        types = {n.id: n.type for n in self.graph.nodes}
        by_id = {n.id: n for n in self.graph.nodes}
        for splitter in (n for n in self.graph.nodes if n.type == SPLITTER_ID):
            seen: set[str] = set()
            queue = deque(parents[splitter.id])
            while queue:
                current = queue.popleft()
                if current in seen or current not in types:
                    continue
                seen.add(current)
                queue.extend(parents[current])
                kind = types[current]
                learns = is_model(kind) or (kind in self.known_nodes and get_node(kind).learns)
                if learns and not self._target_only(by_id[current], splitter):
                    self.add(
                        "leakage",
                        f"node '{current}' ({kind}) learns from data and sits "
                        f"before the {SPLITTER_ID} '{splitter.id}': it would see the test "
                        "rows; move it after the split",
                        node_id=current,
                        field="edges",
                    )

    def _target_only(self, node: GraphNode, splitter: GraphNode) -> bool:
        """A Label/OrdinalEncoder on the target alone learns only the label set: allowed."""
        params, split_params = self.params.get(id(node)), self.params.get(id(splitter))
        if params is None or split_params is None:
            return False
        return encodes_target(node.type, params, split_params.target_column)

    def _columns(self) -> None:
        assert self.columns is not None
        order = chain_order(self.graph)
        target = self._target(order)
        flow: ColumnSet = ColumnSet(tuple(c for c in self.columns if c != target))
        for node in order:
            if is_model(node.type) or node.type not in self.known_nodes:
                continue
            params = self.params.get(id(node))
            definition: NodeDefinition = get_node(node.type)
            if params is None:
                flow = ColumnSet(flow.names, open=True)
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
                elif not flow.may_contain(col):
                    self.add(
                        "unknown_column",
                        f"node '{node.id}' ({node.type}): column '{col}' "
                        "is not in the data at this point",
                        node_id=node.id,
                        field="columns",
                        column=col,
                    )
            flow = definition.column_flow(flow, params)

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


def validate_graph(
    graph: PipelineGraph | dict[str, Any],
    columns: list[str] | None = None,
    *,
    partial: bool = False,
) -> ValidationReport:
    """Every problem with ``graph``; ``columns`` are the dataset's, if known.

    ``partial`` is for a graph still being drawn (preview): a missing splitter, target or model
    is then not an error.
    """
    issues = _Checker(parse_graph(graph), columns, partial).run()
    return ValidationReport(valid=not issues, errors=issues)


def check_graph(
    graph: PipelineGraph | dict[str, Any],
    columns: list[str] | None = None,
    *,
    partial: bool = False,
) -> ValidationReport:
    """Like :func:`validate_graph`, but raise InvalidArgument: first issue, all in details."""
    report = validate_graph(graph, columns, partial=partial)
    if report.errors:
        first = report.errors[0]
        details: dict[str, Any] = {
            "issues": [issue.model_dump() for issue in report.errors],
        }
        for key, value in (
            ("node", first.node_id),
            ("field", first.field),
            ("column", first.column),
        ):
            if value is not None:
                details[key] = value
        more = f" (and {len(report.errors) - 1} more)" if len(report.errors) > 1 else ""
        raise InvalidArgument(first.message + more, details=details)
    return report
