"""Splitting: TrainTestSplitter.

The splitter is the boundary the executor cuts the graph at: everything upstream sees the whole
frame, everything downstream fits on the train split only. As a node its record just keeps the
resolved parameters and applying it is the identity (there is nothing to split at inference).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from pydantic import Field, model_validator
from sklearn.model_selection import train_test_split

from skyulf_core.errors import NodeError
from skyulf_core.nodes.base import (
    FittedRecord,
    NodeContext,
    NodeDefinition,
    NodeParams,
    same_columns,
)

SPLITTER_ID = "TrainTestSplitter"


class TrainTestSplitterParams(NodeParams):
    test_size: float = Field(0.2, gt=0.0, lt=1.0)
    validation_size: float = Field(0.0, ge=0.0, lt=1.0)
    random_state: int | None = 42
    shuffle: bool = True
    stratify: bool = False
    target_column: str | None = None

    @model_validator(mode="after")
    def _sizes_leave_a_train_split(self) -> TrainTestSplitterParams:
        if self.test_size + self.validation_size >= 1.0:
            raise ValueError("test_size + validation_size must be below 1")
        if self.stratify and not self.shuffle:
            raise ValueError("stratify needs shuffle=true")
        return self


class TrainTestSplitterRecord(FittedRecord):
    node_type: str = SPLITTER_ID
    params: TrainTestSplitterParams


@dataclass(frozen=True)
class Split:
    """One split's rows: features and target."""

    X: pd.DataFrame
    y: pd.Series | None


@dataclass(frozen=True)
class SplitFrames:
    train: Split
    test: Split
    val: Split | None


def _fit_splitter(
    X: pd.DataFrame, y: pd.Series | None, params: TrainTestSplitterParams, ctx: NodeContext
) -> TrainTestSplitterRecord:
    return TrainTestSplitterRecord(node_id=ctx.node_id, params=params)


def _apply_splitter(
    X: pd.DataFrame, y: pd.Series | None, record: TrainTestSplitterRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    return X, y


def _cut(
    X: pd.DataFrame,
    y: pd.Series | None,
    size: float,
    params: TrainTestSplitterParams,
    ctx: NodeContext,
) -> tuple[Split, Split]:
    if params.stratify and y is None:
        raise NodeError(
            f"node '{ctx.node_id}' ({SPLITTER_ID}): stratify needs a target_column",
            node_id=ctx.node_id,
            node_type=SPLITTER_ID,
            field="target_column",
        )
    n_test = math.ceil(size * len(X))  # scikit-learn rounds the test share up
    if n_test < 1 or n_test >= len(X):
        raise NodeError(
            f"node '{ctx.node_id}' ({SPLITTER_ID}): {len(X)} rows are too few to split off "
            f"{size:.0%}; each split needs at least one row",
            node_id=ctx.node_id,
            node_type=SPLITTER_ID,
            field="test_size",
        )
    try:
        parts = train_test_split(
            X,
            *([] if y is None else [y]),
            test_size=size,
            random_state=params.random_state,
            shuffle=params.shuffle,
            stratify=y if params.stratify else None,
        )
    except ValueError as exc:
        raise NodeError(
            f"node '{ctx.node_id}' ({SPLITTER_ID}): cannot stratify on '{ctx.target}': {exc}",
            node_id=ctx.node_id,
            node_type=SPLITTER_ID,
            column=ctx.target,
            field="stratify",
        ) from exc
    if y is None:
        return Split(parts[0], None), Split(parts[1], None)
    return Split(parts[0], parts[2]), Split(parts[1], parts[3])


def split_frame(
    X: pd.DataFrame,
    y: pd.Series | None,
    params: TrainTestSplitterParams,
    ctx: NodeContext,
) -> SplitFrames:
    """Cut ``X``/``y`` into train, test and (when ``validation_size`` > 0) validation splits."""
    rest, test = _cut(X, y, params.test_size, params, ctx)
    if params.validation_size <= 0:
        return SplitFrames(train=rest, test=test, val=None)
    # validation_size is a share of the whole frame, so rescale it to what is left.
    val_share = params.validation_size / (1.0 - params.test_size)
    train, val = _cut(rest.X, rest.y, val_share, params, ctx)
    return SplitFrames(train=train, test=test, val=val)


TRAIN_TEST_SPLITTER: NodeDefinition[TrainTestSplitterParams, TrainTestSplitterRecord] = (
    NodeDefinition(
        id=SPLITTER_ID,
        group="splitting",
        description="Splits rows into train, test and optional validation sets; nodes after it "
        "learn from the train split only.",
        params_model=TrainTestSplitterParams,
        record_model=TrainTestSplitterRecord,
        learns=False,
        train_only=False,
        calculator=_fit_splitter,
        applier=_apply_splitter,
        column_flow=same_columns,
    )
)

NODES: list[NodeDefinition] = [TRAIN_TEST_SPLITTER]
