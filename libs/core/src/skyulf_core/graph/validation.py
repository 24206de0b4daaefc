"""Static checks of a pipeline graph, each issue naming the node (and field or column) at fault.

Checks: duplicate ids, edges to unknown nodes, cycles, inputs (one per node, several only for a
fan-in node such as merge), one root, every path ending at a model, unknown node types,
parameters, the splitter and its target, the model nodes (all of one task, each reached only
through the split), columns and their kinds as they flow along every path (a text or date column
reaching a model is reported), and the leakage guard (no node that learns from data upstream of
the TrainTestSplitter, on any path).
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from skyulf_core.graph.column_checks import ColumnChecks
from skyulf_core.graph.spec import (
    GraphNode,
    PipelineGraph,
    ancestors,
    parents_of,
    parse_graph,
)
from skyulf_core.models import get_model, is_model
from skyulf_core.nodes import get_node, node_types
from skyulf_core.nodes.encoding_ordinal import encodes_target
from skyulf_core.nodes.splitting import SPLITTER_ID
from skyulf_errors import InvalidArgument, NodeError


class GraphIssue(BaseModel):
    code: str
    message: str
    node_id: str | None = None
    field: str | None = None
    column: str | None = None


class ValidationReport(BaseModel):
    valid: bool
    errors: list[GraphIssue]


class _Checker(ColumnChecks):
    def __init__(
        self,
        graph: PipelineGraph,
        columns: list[str] | None,
        partial: bool,
        dtypes: Mapping[str, str] | None = None,
    ) -> None:
        self.graph = graph
        self.columns = columns
        self.dtypes = dtypes
        self.partial = partial
        self.issues: list[GraphIssue] = []
        self.known_nodes = set(node_types())
        self.ids = {n.id for n in graph.nodes}
        # Keyed by the node object, not its id: ids may be duplicated in a broken graph.
        self.params: dict[int, Any] = {}
        self._parents = parents_of(graph)

    def add(self, code: str, message: str, **where: str | None) -> None:
        self.issues.append(GraphIssue(code=code, message=message, **where))

    def run(self) -> list[GraphIssue]:
        if not self.graph.nodes:
            self.add("empty_graph", "the pipeline has no nodes", field="nodes")
            return self.issues
        self._ids_and_edges()
        self._types_and_params()
        well_formed = self._shape()
        self._roles(well_formed)
        self._leakage()
        if well_formed and self.columns is not None:
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
        """True when the graph is a DAG with one root, whose nodes the executor can run."""
        edges = [e for e in self.graph.edges if e.source in self.ids and e.target in self.ids]
        outs, ins = Counter(e.source for e in edges), Counter(e.target for e in edges)
        ok = len(edges) == len(self.graph.edges)
        for node in self.graph.nodes:
            if ins[node.id] > 1 and not self._fan_in(node):
                self.add(
                    "branch",
                    f"node '{node.id}' ({node.type}) has {ins[node.id]} incoming edges but takes "
                    "one input; join branches with a merge node",
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
                    f"node '{extra}' is not connected to the graph starting at '{roots[0]}'",
                    node_id=extra,
                    field="edges",
                )
                ok = False
            if ok and not self.partial:
                ok = self._ends_at_models(outs)
        return ok and not any(i.code == "duplicate_id" for i in self.issues)

    def _fan_in(self, node: GraphNode) -> bool:
        return node.type in self.known_nodes and get_node(node.type).fan_in is not None

    def _ends_at_models(self, outs: Counter[str]) -> bool:
        ok = True
        for node in self.graph.nodes:
            if outs[node.id] == 0 and not is_model(node.type):
                self.add(
                    "dead_end",
                    f"node '{node.id}' ({node.type}) leads to no model; connect it to a model "
                    "or remove it",
                    node_id=node.id,
                    field="edges",
                )
                ok = False
        return ok

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

    def _roles(self, well_formed: bool) -> None:
        models = [n for n in self.graph.nodes if is_model(n.type)]
        splitters = [n for n in self.graph.nodes if n.type == SPLITTER_ID]
        if not models and not self.partial:
            self.add("no_model", "the pipeline has no model node", field="nodes")
        tasks = {m.id: get_model(m.type).task for m in models}
        for extra in models[1:]:
            if tasks[extra.id] != tasks[models[0].id]:
                self.add(
                    "mixed_tasks",
                    f"model node '{extra.id}' ({extra.type}) is a {tasks[extra.id]} model but "
                    f"'{models[0].id}' ({models[0].type}) is a {tasks[models[0].id]} model; the "
                    "models of one pipeline share its target and task",
                    node_id=extra.id,
                    field="type",
                )
        if well_formed and len(splitters) == 1:
            self._split_before_models(splitters[0], models)
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

    def _split_before_models(self, splitter: GraphNode, models: list[GraphNode]) -> None:
        """Every path from the dataset to a model passes the splitter (else it trains on all)."""
        children: dict[str, list[str]] = defaultdict(list)
        for e in self.graph.edges:
            children[e.source].append(e.target)
        roots = [n.id for n in self.graph.nodes if not self._parents[n.id]]
        reached: set[str] = set()
        stack = [r for r in roots if r != splitter.id]
        while stack:
            current = stack.pop()
            if current not in reached:
                reached.add(current)
                stack.extend(c for c in children[current] if c != splitter.id)
        for model in models:
            if model.id in reached:
                self.add(
                    "unsplit_model",
                    f"model node '{model.id}' is reached by a path that skips the {SPLITTER_ID} "
                    f"'{splitter.id}'; every path to a model must pass the split",
                    node_id=model.id,
                    field="edges",
                )

    def _leakage(self) -> None:
        types = {n.id: n.type for n in self.graph.nodes}
        by_id = {n.id: n for n in self.graph.nodes}
        for splitter in (n for n in self.graph.nodes if n.type == SPLITTER_ID):
            # Every node upstream of the splitter, along every path into it.
            for current in sorted(ancestors(self._parents, splitter.id), key=list(types).index):
                if current not in types:
                    continue
                kind = types[current]
                if self._learns(by_id[current]) and not self._target_only(by_id[current], splitter):
                    self.add(
                        "leakage",
                        f"node '{current}' ({kind}) learns from data and sits "
                        f"before the {SPLITTER_ID} '{splitter.id}': it would see the test "
                        "rows; move it after the split",
                        node_id=current,
                        field="edges",
                    )

    def _learns(self, node: GraphNode) -> bool:
        if is_model(node.type):
            return True
        if node.type not in self.known_nodes:
            return False
        definition = get_node(node.type)
        params = self.params.get(id(node))
        return definition.learns if params is None else definition.learns_with(params)

    def _target_only(self, node: GraphNode, splitter: GraphNode) -> bool:
        """A Label/OrdinalEncoder on the target alone learns only the label set: allowed."""
        params, split_params = self.params.get(id(node)), self.params.get(id(splitter))
        if params is None or split_params is None:
            return False
        return encodes_target(node.type, params, split_params.target_column)


def validate_graph(
    graph: PipelineGraph | dict[str, Any],
    columns: list[str] | None = None,
    *,
    partial: bool = False,
    dtypes: Mapping[str, str] | None = None,
) -> ValidationReport:
    """Every problem with ``graph``; ``columns`` are the dataset's, if known.

    ``partial`` is for a graph still being drawn (preview): a missing splitter, target or model,
    or a branch not yet leading to a model, is then not an error. ``dtypes`` (column -> dtype as
    the dataset reports it) lets the kinds of the columns flow too.
    """
    issues = _Checker(parse_graph(graph), columns, partial, dtypes).run()
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
