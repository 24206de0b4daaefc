"""Decoding the target through the nodes that encoded it (a Label/OrdinalEncoder in target mode).

The executor label-codes a classification target before any node runs; a node may then re-encode
it (its record has ``encodes_target``, ``target_classes`` — the incoming value of each of its
codes — and ``decode_target``). The model learns those codes, so its predictions and ``classes_``
go back through every such record, last first, to reach the executor's codes, which the
pipeline's ``classes`` turn into labels.

A node whose codes are ordered (``ordered_codes``: the OrdinalEncoder, in the user's order) may
also feed a regression model; its predictions are then numbers on that code scale and are not
decoded (only classification decodes). A node whose codes are only names of classes (the
LabelEncoder) is refused with a regression model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from skyulf_core.nodes import FittedRecord
from skyulf_core.nodes._categories import decode_codes


@runtime_checkable
class TargetDecoder(Protocol):
    node_id: str
    node_type: str
    encodes_target: bool

    @property
    def target_classes(self) -> Sequence[Any]: ...

    @property
    def ordered_codes(self) -> bool: ...

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


def relabel(labels: Sequence[Any] | None, record: FittedRecord) -> tuple[Any, ...] | None:
    """The original labels of the codes ``record`` outputs, given those of its input codes.

    ``None`` in, ``None`` out: the target was not label-coded (regression, preview). A code whose
    incoming value is unknown (``None``) keeps ``None`` as its label.
    """
    if labels is None or not isinstance(record, TargetDecoder) or not record.encodes_target:
        return None if labels is None else tuple(labels)
    return tuple(None if v is None else decode_codes([v], labels)[0] for v in record.target_classes)
