"""The part of a run one model node depends on: the fitted records on its own path.

A branching graph trains several models; each model's bundle holds only the records of the nodes
upstream of it, in run order. When a merge sits on that path the records no longer form a chain,
and the bundle also keeps, for each record, the records feeding it (``""`` is the raw input).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from skyulf_core.graph.runner import ModelStep, Plan, RunOutput
from skyulf_core.graph.spec import ancestors
from skyulf_core.nodes import FittedRecord

RAW_INPUT = ""


@dataclass(frozen=True)
class ModelChain:
    records: list[FittedRecord]
    # None when the records form a chain (each fed by the one before it).
    inputs: dict[str, list[str]] | None


def model_chain(plan: Plan, run: RunOutput, model: ModelStep) -> ModelChain:
    parents = {s.node_id: list(s.inputs) for s in plan.steps}
    path = set() if model.input is None else ancestors(parents, model.input) | {model.input}
    records = [r for r in run.records if r.node_id in path]
    recorded = {r.node_id for r in records}
    if not any(len(parents[node]) > 1 for node in path):
        return ModelChain(records, None)

    def feeders(node: str) -> list[str]:
        # The nearest recorded nodes upstream: a train-only node or the splitter is the
        # identity at inference, so the records around it connect directly.
        found: list[str] = []
        for parent in parents[node] or [RAW_INPUT]:
            if parent == RAW_INPUT or parent in recorded:
                found.append(parent)
            else:
                found.extend(feeders(parent))
        return found

    return ModelChain(records, {r.node_id: feeders(r.node_id) for r in records})


def needed_inputs(
    records: list[FittedRecord], inputs: dict[str, list[str]] | None, features: list[str]
) -> set[str]:
    """The raw columns the records and the model read, walking back from the model.

    A column is needed if a record reads it, or it reaches the model untouched; columns a record
    creates are not inputs. Along a merge, what is needed after it is needed from every input.
    """
    if not records:
        return set(features)
    last = records[-1].node_id
    wanted: dict[str, set[str]] = {last: set(features)}
    previous = {r.node_id: prev.node_id for prev, r in itertools.pairwise(records)}
    raw: set[str] = set()
    for record in reversed(records):
        need = wanted.get(record.node_id, set())
        need = (need - set(record.created_columns())) | set(record.columns)
        if inputs is None:
            feeders = [previous.get(record.node_id, RAW_INPUT)]
        else:
            feeders = inputs[record.node_id]
        for feeder in feeders:
            if feeder == RAW_INPUT:
                raw |= need
            else:
                wanted.setdefault(feeder, set()).update(need)
    return raw
