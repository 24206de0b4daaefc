"""Decoding the target through the nodes that encoded it (a LabelEncoder in target mode).

The executor label-codes a classification target before any node runs; a node may then re-encode
it (its record has ``encodes_target`` and ``decode_target``). The model learns those codes, so its
predictions and ``classes_`` go back through every such record, last first, to reach the
executor's codes, which the pipeline's ``classes`` turn into labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from skyulf_core.nodes import FittedRecord


@runtime_checkable
class TargetDecoder(Protocol):
    node_id: str
    node_type: str
    encodes_target: bool

    def decode_target(self, codes: np.ndarray) -> np.ndarray: ...


def target_decoders(records: Sequence[FittedRecord]) -> list[TargetDecoder]:
    """The records that re-encoded the target, in pipeline order."""
    return [r for r in records if isinstance(r, TargetDecoder) and r.encodes_target]


def decode_target(decoders: Sequence[TargetDecoder], values: np.ndarray) -> np.ndarray:
    """Model outputs (or target values) in the executor's code space; identity with no decoder."""
    out = np.asarray(values)
    for record in reversed(decoders):
        out = record.decode_target(out)
    return out
