"""Splitting: TrainTestSplitter, and feature_target_split.

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

from skyulf_core.nodes.base import (
    Columns,
    ColumnSet,
    FittedRecord,
    NodeContext,
    NodeDefinition,
    NodeParams,
    Seed,
    same_columns,
)
from skyulf_errors import NodeError

SPLITTER_ID = "TrainTestSplitter"


class TrainTestSplitterParams(NodeParams):
    test_size: float = Field(0.2, gt=0.0, lt=1.0)
    validation_size: float = Field(0.0, ge=0.0, lt=1.0)
    random_state: Seed | None = 42
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

# --------------------------------------------------------------------------- feature_target_split

FEATURE_TARGET_ID = "feature_target_split"


class FeatureTargetSplitParams(NodeParams):
    """Names the target; empty = the graph's target (the splitter's target_column). It does not
    replace the TrainTestSplitter, which a pipeline still needs, and may sit before it."""

    target_column: str | None = None


class FeatureTargetSplitRecord(FittedRecord):
    node_type: str = FEATURE_TARGET_ID
    target_column: str


def _fit_feature_target(
    X: pd.DataFrame, y: pd.Series | None, params: FeatureTargetSplitParams, ctx: NodeContext
) -> FeatureTargetSplitRecord:
    target = params.target_column or ctx.target
    if target is None:
        raise NodeError(
            f"node '{ctx.node_id}' ({FEATURE_TARGET_ID}): no target_column and the graph has "
            "no target",
            node_id=ctx.node_id,
            node_type=FEATURE_TARGET_ID,
            field="target_column",
        )
    if ctx.target is not None and target != ctx.target:
        raise NodeError(
            f"node '{ctx.node_id}' ({FEATURE_TARGET_ID}): target_column '{target}' differs from "
            f"the pipeline's target '{ctx.target}'",
            node_id=ctx.node_id,
            node_type=FEATURE_TARGET_ID,
            column=target,
            field="target_column",
        )
    if target not in X.columns and target != ctx.target:
        raise NodeError(
            f"node '{ctx.node_id}' ({FEATURE_TARGET_ID}): target column '{target}' is not in "
            "the input",
            node_id=ctx.node_id,
            node_type=FEATURE_TARGET_ID,
            column=target,
            field="target_column",
        )
    # Reads no column: at prediction time the target is absent, and that is the normal case.
    return FeatureTargetSplitRecord(node_id=ctx.node_id, target_column=target)


def _apply_feature_target(
    X: pd.DataFrame, y: pd.Series | None, record: FeatureTargetSplitRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    """Moves the target column out of X into y; a frame without it (the graph runner has taken
    the target out already, prediction inputs never hold it) passes unchanged."""
    if record.target_column not in X.columns:
        return X, y
    return X.drop(columns=[record.target_column]), X[record.target_column]


def _feature_target_arrays(cols: Columns, record: FeatureTargetSplitRecord) -> Columns:
    return {c: v for c, v in cols.items() if c != record.target_column}


def _feature_target_flow(columns: ColumnSet, params: FeatureTargetSplitParams) -> ColumnSet:
    return columns.without([params.target_column]) if params.target_column else columns


FEATURE_TARGET_SPLIT: NodeDefinition[FeatureTargetSplitParams, FeatureTargetSplitRecord] = (
    NodeDefinition(
        id=FEATURE_TARGET_ID,
        group="splitting",
        description="Separates the target column from the features (X, y); stateless.",
        params_model=FeatureTargetSplitParams,
        record_model=FeatureTargetSplitRecord,
        learns=False,
        train_only=False,
        calculator=_fit_feature_target,
        applier=_apply_feature_target,
        column_flow=_feature_target_flow,
        array_applier=_feature_target_arrays,
    )
)

NODES: list[NodeDefinition] = [TRAIN_TEST_SPLITTER, FEATURE_TARGET_SPLIT]
