"""Running a validated chain's preprocessing nodes: shared by training and preview.

Before the splitter every node sees the whole frame (only stateless nodes may sit there); at the
splitter the rows are cut; after it each node fits on the train split and its record is applied
to train, test and validation alike, except train-only nodes, which touch the train split only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, TypeVar

import pandas as pd

from skyulf_core.bundle.target import relabel
from skyulf_core.errors import NodeError, SkyulfError
from skyulf_core.graph.spec import PipelineGraph, chain_order
from skyulf_core.models import ModelDefinition, get_model, is_model
from skyulf_core.nodes import FittedRecord, NodeContext, NodeDefinition, get_node
from skyulf_core.nodes.splitting import SPLITTER_ID, Split, split_frame


@dataclass(frozen=True)
class Step:
    node_id: str
    definition: NodeDefinition
    params: Any


@dataclass(frozen=True)
class ModelStep:
    node_id: str
    definition: ModelDefinition
    params: Any


@dataclass(frozen=True)
class Plan:
    steps: list[Step]
    model: ModelStep | None
    target: str | None


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
    frames: Frames
    # Records needed at inference, in order (train-only nodes and the splitter excluded).
    records: list[FittedRecord] = field(default_factory=list)


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
    """The chain of a graph that has passed validation, with parsed parameters."""
    steps: list[Step] = []
    model: ModelStep | None = None
    target: str | None = None
    for node in chain_order(graph):
        if is_model(node.type):
            definition = get_model(node.type)
            model = ModelStep(node.id, definition, definition.parse_params(node.params, node.id))
            break
        node_def = get_node(node.type)
        params = node_def.parse_params(node.params, node.id)
        if node.type == SPLITTER_ID:
            target = params.target_column
        steps.append(Step(node.id, node_def, params))
    return Plan(steps=steps, model=model, target=target)


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
    """
    out = RunOutput(frames=Frames(train=Split(X, y)))
    labels = None if target_classes is None else tuple(target_classes)
    for index, step in enumerate(plan.steps):
        if before is not None:
            before(index, step)
        ctx = NodeContext(node_id=step.node_id, target=plan.target, target_classes=labels)
        out.frames, record = guard_memory(
            step.node_id, step.definition.id, partial(_run_step, step, out.frames, ctx)
        )
        if record is not None:
            out.records.append(record)
            labels = relabel(labels, record)
        if after is not None:
            after(step, out.frames)
    return out


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
