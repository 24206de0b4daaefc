"""The node contract: parameters, fitted records and the Calculator/Applier pair.

A node type is one :class:`NodeDefinition`. Its *calculator* learns from the train split and
returns a :class:`FittedRecord` (typed, versioned, JSON-serialisable); its *applier* applies such a
record to any frame without state. The definition wraps both with the checks every node needs
(parameters, empty input, not-fitted, missing columns) so group modules only hold the maths.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Generic, Literal, TypeVar

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from skyulf_errors import NodeError

NodeGroup = Literal[
    "cleaning",
    "missing",
    "encoding",
    "scaling",
    "outliers",
    "transform",
    "binning",
    "selection",
    "resampling",
    "splitting",
    "features",
    "timeseries",
    "text",
    "geo",
]


# A random seed as numpy and scikit-learn accept it; outside this range they fail deep inside fit.
Seed = Annotated[int, Field(ge=0, le=2**32 - 1)]


class NodeParams(BaseModel):
    """Base of every node's parameter model: unknown keys are a user mistake, not noise."""

    model_config = ConfigDict(extra="forbid")


class ColumnsParams(NodeParams):
    """Parameters of a node that acts on columns; ``None`` = every eligible non-target column."""

    columns: list[str] | None = None


class FittedRecord(BaseModel):
    """What a calculator learned; the only thing a bundle stores for a preprocessing node.

    ``columns`` lists the input columns the applier reads: the base checks they are present
    before applying, and the bundle derives the pipeline's input signature from them.
    """

    model_config = ConfigDict(extra="forbid")

    node_type: str
    node_id: str
    version: int = 1
    columns: list[str] = []

    def created_columns(self) -> list[str]:
        """Columns the applier adds that did not exist in its input."""
        return []


@dataclass(frozen=True)
class NodeContext:
    """Where a node runs: its id in the graph and the target column (never a feature).

    ``target_classes``: when training a classifier the executor has label-coded the target, and
    this is the original label of each code the node's ``y`` holds (``None`` otherwise: ``y``
    holds the target's own values). Only a node that encodes the target reads it.
    """

    node_id: str
    target: str | None = None
    target_classes: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class ColumnSet:
    """Statically known columns flowing between nodes.

    ``names`` are the columns that may be present; ``open`` means other, unknown columns may be
    present too (for example the one-hot outputs, which depend on the data); ``removed`` are
    columns known to be gone even when the set is open.
    """

    names: tuple[str, ...]
    open: bool = False
    removed: frozenset[str] = frozenset()
    # The kind of value ("number", "bool", "text", "datetime") of the columns whose kind is
    # known; a column a node rewrote in a way no rule describes has no entry.
    kinds: Mapping[str, str] = field(default_factory=dict)

    def may_contain(self, column: str) -> bool:
        return column in self.names or (self.open and column not in self.removed)

    def without(self, columns: list[str] | tuple[str, ...]) -> ColumnSet:
        gone = set(columns)
        kept = tuple(c for c in self.names if c not in gone)
        kinds = {c: k for c, k in self.kinds.items() if c not in gone}
        return ColumnSet(kept, self.open, self.removed | gone, kinds)


P = TypeVar("P", bound=NodeParams)
R = TypeVar("R", bound=FittedRecord)
XY = tuple[pd.DataFrame, pd.Series | None]

Calculator = Callable[[pd.DataFrame, pd.Series | None, P, NodeContext], R]
Applier = Callable[[pd.DataFrame, pd.Series | None, R, NodeContext], XY]
ColumnFlow = Callable[[ColumnSet, P], ColumnSet]
Columns = dict[str, np.ndarray]
"""A frame as {column name: 1-D array}, in column order: what the inference fast path passes."""
ArrayApplier = Callable[[Columns, R], Columns]


@dataclass(frozen=True)
class FanIn(Generic[P, R]):
    """How a node with several inputs (a merge) fits, applies and flows over all of them.

    The inputs are the frames of the nodes feeding it, in edge order, over the same rows. The
    definition's own calculator and applier stay the one-input case (a merge of one frame).
    """

    calculator: Callable[[Sequence[pd.DataFrame], P, NodeContext], R] = field(repr=False)
    applier: Callable[[Sequence[pd.DataFrame], R, NodeContext], pd.DataFrame] = field(repr=False)
    column_flow: Callable[[Sequence[ColumnSet], P], ColumnSet] = field(repr=False)


def _unknown_flow(columns: ColumnSet, params: Any) -> ColumnSet:
    # Without a static rule the node may add or drop anything: keep names as "maybe", open the set.
    return ColumnSet(columns.names, open=True, removed=columns.removed)


def same_columns(columns: ColumnSet, params: Any) -> ColumnSet:
    """Column flow of a node that only rewrites values in place."""
    return columns


def _field_path(loc: tuple[int | str, ...], raw: object) -> str:
    """The dotted path of a parameter, without the tags pydantic puts in the location of a
    discriminated union's member (``operations.1.pattern``, not ``operations.1.regex.pattern``)."""
    parts: list[str] = []
    node: Any = raw
    for part in loc:
        tag = isinstance(node, Mapping) and isinstance(part, str) and part not in node
        if tag and part in node.values():
            continue
        parts.append(str(part))
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
    return ".".join(parts) or "params"


@dataclass(frozen=True)
class NodeDefinition(Generic[P, R]):
    """One node type. Call :meth:`fit` (train split only) and :meth:`apply` (any frame)."""

    id: str
    group: NodeGroup
    description: str
    params_model: type[P]
    record_model: type[R]
    learns: bool
    train_only: bool
    calculator: Calculator[P, R] = field(repr=False)
    applier: Applier[R] = field(repr=False)
    column_flow: ColumnFlow[P] = field(default=_unknown_flow, repr=False)
    record_version: int = 1
    # Optional inference fast path: the applier's transform on plain arrays, without pandas.
    # Used for small prediction batches when every inference step has one; its output must equal
    # the applier's (the conformance suite checks). Train-only nodes never need one.
    array_applier: ArrayApplier[R] | None = field(default=None, repr=False)
    # For a node whose learning depends on its parameters (``learns`` is then True: it may
    # learn): whether these parameters make it learn from the rows. The leakage guard asks this.
    learns_when: Callable[[P], bool] | None = field(default=None, repr=False)
    # Set for a node that takes several inputs (see :class:`FanIn`).
    fan_in: FanIn[P, R] | None = field(default=None, repr=False)

    def learns_with(self, params: P) -> bool:
        """Whether the node, with these parameters, learns from the rows it is fitted on."""
        if self.learns_when is not None:
            return self.learns_when(params)
        return self.learns

    def parse_params(self, raw: P | Mapping[str, Any] | None, node_id: str) -> P:
        """Validate raw parameters; the error names the node and the first bad field."""
        if isinstance(raw, self.params_model):
            return raw
        try:
            return self.params_model.model_validate(dict(raw or {}))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = _field_path(first["loc"], raw)
            raise NodeError(
                f"node '{node_id}' ({self.id}): parameter '{where}': {first['msg']}",
                node_id=node_id,
                node_type=self.id,
                field=where,
            ) from exc

    def load_record(self, data: R | Mapping[str, Any]) -> R:
        """Rebuild a record from its JSON form, refusing records of another node or version."""
        # Read the type before validating: a record of another node would otherwise surface
        # as a confusing "field required" error. Instances are not re-dumped (the hot path).
        node_type: Any
        node_id: Any
        if isinstance(data, FittedRecord):
            node_type, node_id = data.node_type, data.node_id
        else:
            data = dict(data)
            node_type, node_id = data.get("node_type"), data.get("node_id")
        if node_type != self.id:
            raise NodeError(
                f"node '{node_id}': record of type {node_type} given to {self.id}",
                node_id=node_id,
                node_type=self.id,
            )
        if isinstance(data, self.record_model):
            record = data
        else:
            try:
                payload = data.model_dump() if isinstance(data, FittedRecord) else data
                record = self.record_model.model_validate(payload)
            except ValidationError as exc:
                raise NodeError(
                    f"fitted record for {self.id} is malformed: {exc.errors()[0]['msg']}",
                    node_type=self.id,
                ) from exc
        if record.version > self.record_version:
            raise NodeError(
                f"node '{record.node_id}' ({self.id}): record version {record.version} is newer "
                f"than this library supports ({self.record_version}); refit the pipeline",
                node_id=record.node_id,
                node_type=self.id,
            )
        return record

    def fit(
        self,
        X: pd.DataFrame,
        y: pd.Series | None,
        params: P | Mapping[str, Any] | None,
        ctx: NodeContext,
    ) -> R:
        """The Calculator: learn from ``X`` (the train split) and return the fitted record."""
        parsed = self.parse_params(params, ctx.node_id)
        if len(X) == 0:
            raise NodeError(
                f"node '{ctx.node_id}' ({self.id}) received no rows to fit on",
                node_id=ctx.node_id,
                node_type=self.id,
            )
        record = self.calculator(X, y, parsed, ctx)
        return record.model_copy(
            update={"node_type": self.id, "node_id": ctx.node_id, "version": self.record_version}
        )

    def apply(
        self,
        X: pd.DataFrame,
        y: pd.Series | None,
        record: R | Mapping[str, Any] | None,
        ctx: NodeContext,
    ) -> tuple[pd.DataFrame, pd.Series | None]:
        """The Applier: stateless, never mutates ``X``; fails clearly when not fitted."""
        if record is None:
            raise NodeError(
                f"node '{ctx.node_id}' ({self.id}) has not been fitted; call fit() first",
                node_id=ctx.node_id,
                node_type=self.id,
            )
        loaded = self.load_record(record)
        missing = [c for c in loaded.columns if c not in X.columns]
        if missing:
            raise NodeError(
                f"node '{ctx.node_id}' ({self.id}): column '{missing[0]}' is not in the input",
                node_id=ctx.node_id,
                node_type=self.id,
                column=missing[0],
                details={"columns": missing},
            )
        return self.applier(X, y, loaded, ctx)

    # ------------------------------------------------------------------ several inputs

    def _fan_in(self, node_id: str) -> FanIn[P, R]:
        if self.fan_in is None:
            raise NodeError(
                f"node '{node_id}' ({self.id}) takes one input",
                node_id=node_id,
                node_type=self.id,
                field="edges",
            )
        return self.fan_in

    def fit_inputs(
        self,
        parts: Sequence[pd.DataFrame],
        params: P | Mapping[str, Any] | None,
        ctx: NodeContext,
    ) -> R:
        """The Calculator of a fan-in node over every input frame (same rows, edge order)."""
        fan_in = self._fan_in(ctx.node_id)
        parsed = self.parse_params(params, ctx.node_id)
        if not parts or any(len(p) == 0 for p in parts):
            raise NodeError(
                f"node '{ctx.node_id}' ({self.id}) received no rows to fit on",
                node_id=ctx.node_id,
                node_type=self.id,
            )
        record = fan_in.calculator(parts, parsed, ctx)
        return record.model_copy(
            update={"node_type": self.id, "node_id": ctx.node_id, "version": self.record_version}
        )

    def apply_inputs(
        self,
        parts: Sequence[pd.DataFrame],
        record: R | Mapping[str, Any] | None,
        ctx: NodeContext,
    ) -> pd.DataFrame:
        """The Applier of a fan-in node: one frame from every input frame."""
        fan_in = self._fan_in(ctx.node_id)
        if record is None:
            raise NodeError(
                f"node '{ctx.node_id}' ({self.id}) has not been fitted; call fit() first",
                node_id=ctx.node_id,
                node_type=self.id,
            )
        return fan_in.applier(parts, self.load_record(record), ctx)
