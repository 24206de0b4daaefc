"""Running a validated graph's preprocessing nodes: shared by training and preview.

Nodes run in topological order, each on the output of the node(s) feeding it, so a node shared by
several branches is fitted once. Before the splitter every node sees the whole frame (only
stateless nodes may sit there); at the splitter the rows are cut; after it each node fits on the
train split and its record is applied to train, test and validation alike, except train-only
nodes, which touch the train split only. A fan-in node (merge) joins its inputs split by split.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, TypeVar

import pandas as pd

from skyulf_core.bundle.target import relabel
from skyulf_core.graph.spec import PipelineGraph, parents_of, topological_order
from skyulf_core.models import ModelDefinition, get_model, is_model
from skyulf_core.nodes import FittedRecord, NodeContext, NodeDefinition, get_node
from skyulf_core.nodes.splitting import SPLITTER_ID, Split, split_frame
from skyulf_errors import NodeError, SkyulfError


@dataclass(frozen=True)
class Step:
    node_id: str
    definition: NodeDefinition
    params: Any
    # The nodes feeding this one, in edge order; empty for the root (fed by the dataset).
    inputs: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModelStep:
    node_id: str
    definition: ModelDefinition
    params: Any
    # The node feeding the model; None when the dataset feeds it directly.
    input: str | None = None


@dataclass(frozen=True)
class Plan:
    steps: list[Step]
    models: list[ModelStep]
    target: str | None

    @property
    def model(self) -> ModelStep | None:
        """The first model node (the only one of a single-model pipeline)."""
        return self.models[0] if self.models else None


@dataclass
class Frames:
    """The rows as they stand: ``train`` is the whole frame until the splitter has run."""

    train: Split
    test: Split | None = None
    val: Split | None = None

    @property
    def split_done(self) -> bool:
        return self.test is not None


@dataclass
class RunOutput:
    # The output of the last node run (the end of a chain).
    frames: Frames
    # Records needed at inference, in run order (train-only nodes and the splitter excluded).
    records: list[FittedRecord] = field(default_factory=list)
    # What each model node receives: the output of the node feeding it.
    model_inputs: dict[str, Frames] = field(default_factory=dict)
    # The target's labels as they stand after each node (a node may re-encode the target).
    labels: dict[str, tuple[Any, ...] | None] = field(default_factory=dict)


T = TypeVar("T")


def guard_memory(node_id: str, node_type: str, work: Callable[[], T], model: bool = False) -> T:
    """Run ``work``; a MemoryError in it becomes a NodeError naming the node.

    The parameters are bounded, but their product with the data is not: many rows times many
    output columns can still exhaust the worker. The error is raised after the ``except`` block
    so that the MemoryError's traceback, and the partial arrays its frames hold, are freed first.
    """
    try:
        return work()
    except MemoryError:
        pass
    what = "hyperparameters (trees, neighbours, iterations)" if model else "size parameters"
    raise NodeError(
        f"node '{node_id}' ({node_type}) ran out of memory; lower its {what} "
        "or use fewer rows or columns",
        node_id=node_id,
        node_type=node_type,
        details={"reason": "out_of_memory"},
    )


def build_plan(graph: PipelineGraph) -> Plan:
    """The nodes of a graph that has passed validation, in run order, with parsed parameters."""
    parents = parents_of(graph)
    steps: list[Step] = []
    models: list[ModelStep] = []
    target: str | None = None
    for node in topological_order(graph):
        inputs = tuple(parents[node.id])
        if is_model(node.type):
            definition = get_model(node.type)
            params = definition.parse_params(node.params, node.id)
            models.append(ModelStep(node.id, definition, params, inputs[0] if inputs else None))
            continue
        node_def = get_node(node.type)
        params = node_def.parse_params(node.params, node.id)
        if node.type == SPLITTER_ID:
            target = params.target_column
        steps.append(Step(node.id, node_def, params, inputs))
    # Models in the order the graph lists them: the first is the job's headline model.
    listed = {n.id: i for i, n in enumerate(graph.nodes)}
    models.sort(key=lambda m: listed[m.node_id])
    return Plan(steps=steps, models=models, target=target)


def _checked(step: Step, X: pd.DataFrame, y: pd.Series | None) -> Split:
    if y is not None and len(X) != len(y):
        raise SkyulfError(
            f"node '{step.node_id}' ({step.definition.id}) returned {len(X)} rows "
            f"but {len(y)} target values"
        )
    return Split(X, y)


def _fit_train(step: Step, train: Split, ctx: NodeContext) -> tuple[FittedRecord, Split]:
    """Fit on the train split and transform it.

    A definition with ``fit_apply`` (a cross-fitted node such as the TargetEncoder) gives its own
    train output, which differs from applying the record to the rows it was fitted on.
    """
    definition = step.definition
    fit_apply = getattr(definition, "fit_apply", None)
    if fit_apply is not None:
        record, X, y = fit_apply(train.X, train.y, step.params, ctx)
        return record, _checked(step, X, y)
    record = definition.fit(train.X, train.y, step.params, ctx)
    return record, _checked(step, *definition.apply(train.X, train.y, record, ctx))


def run_steps(
    plan: Plan,
    X: pd.DataFrame,
    y: pd.Series | None,
    *,
    before: Callable[[int, Step], None] | None = None,
    after: Callable[[Step, Frames], None] | None = None,
    target_classes: Sequence[Any] | None = None,
) -> RunOutput:
    """Fit and apply every preprocessing step; ``before``/``after`` hook progress and preview.

    ``target_classes``: the labels of ``y``'s codes when the executor has label-coded it; a node
    that re-encodes the target gets them (as they stand after the target encoders before it).
    A node's output is kept only while a node or model still has to read it.
    """
    source = Frames(train=Split(X, y))
    out = RunOutput(frames=source)
    initial = None if target_classes is None else tuple(target_classes)
    readers = _readers(plan)
    outputs: dict[str, Frames] = {}
    for index, step in enumerate(plan.steps):
        if before is not None:
            before(index, step)
        inputs = [outputs[i] for i in step.inputs] if step.inputs else [source]
        labels = out.labels[step.inputs[0]] if step.inputs else initial
        ctx = NodeContext(node_id=step.node_id, target=plan.target, target_classes=labels)
        run = partial(_run_fan_in, step, inputs, ctx) if len(inputs) > 1 else None
        if run is None:
            run = partial(_run_step, step, inputs[0], ctx)
        frames, record = guard_memory(step.node_id, step.definition.id, run)
        if record is not None:
            out.records.append(record)
            labels = relabel(labels, record)
        out.labels[step.node_id] = labels
        outputs[step.node_id] = out.frames = frames
        for parent in step.inputs:
            readers[parent] -= 1
            if readers[parent] == 0:
                del outputs[parent]
        if after is not None:
            after(step, frames)
    for model in plan.models:
        out.model_inputs[model.node_id] = source if model.input is None else outputs[model.input]
    return out


def _readers(plan: Plan) -> dict[str, int]:
    # Models count as readers that never finish: their inputs stay until the models are fitted.
    readers: dict[str, int] = {s.node_id: 0 for s in plan.steps}
    for step in plan.steps:
        for parent in step.inputs:
            readers[parent] += 1
    for model in plan.models:
        if model.input is not None:
            readers[model.input] += 1
    return readers


def _run_fan_in(
    step: Step, inputs: list[Frames], ctx: NodeContext
) -> tuple[Frames, FittedRecord | None]:
    """A node with several inputs (merge): fitted on the train splits, applied split by split."""
    definition = step.definition
    if len({f.split_done for f in inputs}) > 1:
        raise NodeError(
            f"node '{step.node_id}' ({definition.id}) joins inputs from before and after the "
            f"{SPLITTER_ID}; join branches on the same side of the split",
            node_id=step.node_id,
            node_type=definition.id,
            field="edges",
        )
    trains = _same_rows(step, [f.train for f in inputs], "train")
    record = definition.fit_inputs(trains, step.params, ctx)
    result = Frames(train=_joined(step, trains, inputs[0].train.y, record, ctx))
    for name in ("test", "val"):
        parts: list[Split | None] = [getattr(f, name) for f in inputs]
        if parts[0] is not None:
            present = [p for p in parts if p is not None]
            frames = _same_rows(step, present, name)
            setattr(result, name, _joined(step, frames, present[0].y, record, ctx))
    return result, record


def _same_rows(step: Step, parts: list[Split], split: str) -> list[pd.DataFrame]:
    frames = [p.X for p in parts]
    for frame in frames[1:]:
        if not frame.index.equals(frames[0].index):
            raise NodeError(
                f"node '{step.node_id}' ({step.definition.id}): its inputs hold different "
                f"{split} rows (a node on one branch drops or adds rows); filter or resample "
                "rows before the branches part, or after they are joined",
                node_id=step.node_id,
                node_type=step.definition.id,
                field="edges",
            )
    return frames


def _joined(
    step: Step, frames: list[pd.DataFrame], y: pd.Series | None, record: Any, ctx: NodeContext
) -> Split:
    return _checked(step, step.definition.apply_inputs(frames, record, ctx), y)


def _run_step(step: Step, frames: Frames, ctx: NodeContext) -> tuple[Frames, FittedRecord | None]:
    """One step on every split: the new frames and the record inference needs (if any)."""
    definition = step.definition
    if definition.id == SPLITTER_ID:
        parts = split_frame(frames.train.X, frames.train.y, step.params, ctx)
        return Frames(train=parts.train, test=parts.test, val=parts.val), None
    record, train = _fit_train(step, frames.train, ctx)
    result = replace(frames, train=train)
    if definition.train_only:
        return result, None
    for name in ("test", "val"):
        part: Split | None = getattr(frames, name)
        if part is not None:
            applied = _checked(step, *definition.apply(part.X, part.y, record, ctx))
            setattr(result, name, applied)
    return result, record
