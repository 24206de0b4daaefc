"""Binning nodes: GeneralBinning (fit), CustomBinning (stateless) and KBinsDiscretizer (fit).

Bin edges and assignment follow scikit-learn's KBinsDiscretizer (see
:mod:`skyulf_core.nodes._binning_ops` for the exact rules: ``[a, b)`` bins, out-of-range values
in the edge bins for learned edges and NaN for custom edges, NaN stays NaN, a constant column is
one bin). The record holds the edges as floats and any labels as strings, so applying is one
``searchsorted`` per column.

GeneralBinning writes ``<column><output_suffix>`` (the original Skyulf's naming; an empty suffix
bins in place) and keeps the source column unless ``drop_original``. ``strategy`` ``equal_width``,
``equal_frequency`` and ``kmeans`` are KBinsDiscretizer's ``uniform``, ``quantile`` and
``kmeans``; ``kbins`` uses ``kbins_strategy``; ``custom`` uses ``custom_bins``, and a column listed
in ``custom_bins`` uses its edges whatever the strategy. ``label_format``: ``ordinal`` gives the
0-based bin number as a float (NaN stays representable), ``bin_index`` is the original Skyulf's
synonym for it, ``range`` gives interval text such as ``[1.5, 3)``; ``custom_labels`` (one per
bin) replace the label for their column. Quantiles use ``quantile_method``, scikit-learn 1.9's
default ``averaged_inverted_cdf`` unless changed.

KBinsDiscretizer replaces each column in place by its ordinal code, as scikit-learn does (the
original Skyulf wrote ``<column>_binned``); only ``encode="ordinal"`` is supported — follow it with
OneHotEncoder for one-hot bins.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from skyulf_core.nodes._binning_ops import (
    KBinsStrategy,
    QuantileMethod,
    bin_codes,
    custom_edges,
    label_values,
    learn_edges,
    range_labels,
)
from skyulf_core.nodes._float_arrays import float_column
from skyulf_core.nodes.base import (
    Columns,
    ColumnSet,
    ColumnsParams,
    FittedRecord,
    NodeContext,
    NodeDefinition,
    same_columns,
)
from skyulf_core.nodes.columns import (
    numeric_frame,
    observed_finite,
    resolve_columns,
)
from skyulf_errors import NodeError

LabelFormat = Literal["ordinal", "range", "bin_index"]
_STRATEGIES: dict[str, KBinsStrategy] = {
    "equal_width": "uniform",
    "equal_frequency": "quantile",
    "kmeans": "kmeans",
}


class BinnedColumn(BaseModel):
    """One binned column: its edges, whether outside values clip to the edge bins, its labels."""

    model_config = ConfigDict(extra="forbid")

    column: str
    output: str
    edges: list[float]
    clip: bool
    labels: list[str] | None = None


class BinningRecord(FittedRecord):
    binned: list[BinnedColumn]
    drop_original: bool = False

    def created_columns(self) -> list[str]:
        return [b.output for b in self.binned if b.output != b.column]

    def dropped(self) -> list[str]:
        return [b.column for b in self.binned if self.drop_original and b.output != b.column]


def _binned_values(x: np.ndarray, b: BinnedColumn) -> np.ndarray:
    codes = bin_codes(x, b.edges, b.clip)
    return codes if b.labels is None else label_values(codes, b.labels)


def _apply_binning(
    X: pd.DataFrame, y: pd.Series | None, record: BinningRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    if not record.binned:
        return X, y
    block = numeric_frame(X, record.columns, ctx, record.node_type)
    new = {b.output: _binned_values(block[:, i], b) for i, b in enumerate(record.binned)}
    out = X.assign(**new)
    dropped = record.dropped()
    return (out.drop(columns=dropped) if dropped else out), y


def _apply_binning_arrays(cols: Columns, record: BinningRecord) -> Columns:
    out = dict(cols)
    for b in record.binned:
        x = float_column(cols, b.column, record.node_id, record.node_type)
        out[b.output] = _binned_values(x, b)
    for col in record.dropped():
        del out[col]
    return out


def _column_values(X: pd.DataFrame, col: str, ctx: NodeContext, node_type: str) -> np.ndarray:
    values = observed_finite(X[col])
    if values.size == 0:
        raise NodeError(
            f"node '{ctx.node_id}' ({node_type}): column '{col}' has no finite values to learn "
            "bin edges from; impute or drop it first",
            node_id=ctx.node_id,
            node_type=node_type,
            column=col,
        )
    return values


def _output_name(X: pd.DataFrame, col: str, suffix: str, ctx: NodeContext, node_type: str) -> str:
    name = col + suffix
    if name != col and name in X.columns:
        raise NodeError(
            f"node '{ctx.node_id}' ({node_type}): output column '{name}' already exists; "
            "choose another output_suffix",
            node_id=ctx.node_id,
            node_type=node_type,
            column=name,
            field="output_suffix",
        )
    return name


def _labels(
    edges: list[float],
    clip: bool,
    label_format: LabelFormat,
    custom: list[str] | None,
    ctx: NodeContext,
    node_type: str,
    column: str,
    field: str,
) -> list[str] | None:
    if custom is None:
        return range_labels(edges, clip) if label_format == "range" else None
    if len(custom) != len(edges) - 1:
        raise NodeError(
            f"node '{ctx.node_id}' ({node_type}): parameter '{field}' gives {len(custom)} "
            f"labels for column '{column}' but it has {len(edges) - 1} bins",
            node_id=ctx.node_id,
            node_type=node_type,
            column=column,
            field=field,
        )
    return list(custom)


def _binning_flow(
    columns: ColumnSet, binned: list[str] | None, suffix: str, drop_original: bool
) -> ColumnSet:
    if binned is None:
        return ColumnSet(columns.names, open=True, removed=columns.removed)
    outputs = tuple(c + suffix for c in binned if c + suffix not in columns.names)
    flowed = ColumnSet(columns.names + outputs, columns.open, columns.removed - set(outputs))
    return flowed.without([c for c in binned if c + suffix != c]) if drop_original else flowed


# More bins than this is a typo, not a binning; an unbounded count would allocate its edges.
MAX_BINS = 10_000

# --------------------------------------------------------------------------- GeneralBinning


class GeneralBinningParams(ColumnsParams):
    strategy: Literal["equal_width", "equal_frequency", "kmeans", "custom", "kbins"] = "equal_width"
    n_bins: int = Field(5, ge=2, le=MAX_BINS)
    kbins_strategy: KBinsStrategy = "quantile"
    quantile_method: QuantileMethod = "averaged_inverted_cdf"
    label_format: LabelFormat = "ordinal"
    output_suffix: str = "_binned"
    drop_original: bool = False
    custom_bins: dict[str, list[float]] = {}
    custom_labels: dict[str, list[str]] = {}


class GeneralBinningRecord(BinningRecord):
    node_type: str = "GeneralBinning"


def _general_columns(X: pd.DataFrame, params: GeneralBinningParams, ctx: NodeContext) -> list[str]:
    explicit = params.columns
    if explicit is None and params.strategy == "custom":
        explicit = list(params.custom_bins)
    columns = resolve_columns(X, explicit, ctx, "GeneralBinning", "numeric")
    for field in ("custom_bins", "custom_labels"):
        for col in getattr(params, field):
            if col not in columns:
                raise NodeError(
                    f"node '{ctx.node_id}' (GeneralBinning): parameter '{field}' names column "
                    f"'{col}', which this node does not bin",
                    node_id=ctx.node_id,
                    node_type="GeneralBinning",
                    column=col,
                    field=field,
                )
    if params.strategy == "custom":
        for col in columns:
            if col not in params.custom_bins:
                raise NodeError(
                    f"node '{ctx.node_id}' (GeneralBinning): strategy 'custom' needs "
                    f"custom_bins for column '{col}'",
                    node_id=ctx.node_id,
                    node_type="GeneralBinning",
                    column=col,
                    field="custom_bins",
                )
    return columns


def _fit_general(
    X: pd.DataFrame, y: pd.Series | None, params: GeneralBinningParams, ctx: NodeContext
) -> GeneralBinningRecord:
    node = "GeneralBinning"
    columns = _general_columns(X, params, ctx)
    strategy = _STRATEGIES.get(params.strategy, params.kbins_strategy)
    binned: list[BinnedColumn] = []
    for col in columns:
        output = _output_name(X, col, params.output_suffix, ctx, node)
        if col in params.custom_bins:
            edges = custom_edges(params.custom_bins[col], ctx.node_id, node, "custom_bins", col)
            clip = False
        else:
            values = _column_values(X, col, ctx, node)
            edges = learn_edges(values, strategy, params.n_bins, params.quantile_method)
            clip = True
        custom = params.custom_labels.get(col)
        labels = _labels(edges, clip, params.label_format, custom, ctx, node, col, "custom_labels")
        binned.append(
            BinnedColumn(column=col, output=output, edges=edges, clip=clip, labels=labels)
        )
    return GeneralBinningRecord(
        node_id=ctx.node_id, columns=columns, binned=binned, drop_original=params.drop_original
    )


def _general_flow(columns: ColumnSet, params: GeneralBinningParams) -> ColumnSet:
    binned = params.columns
    if binned is None and params.strategy == "custom":
        binned = list(params.custom_bins)
    return _binning_flow(columns, binned, params.output_suffix, params.drop_original)


GENERAL_BINNING: NodeDefinition[GeneralBinningParams, GeneralBinningRecord] = NodeDefinition(
    id="GeneralBinning",
    group="binning",
    description="Bins numeric columns into equal-width, equal-frequency, k-means or custom "
    "intervals, written as bin numbers or interval labels.",
    params_model=GeneralBinningParams,
    record_model=GeneralBinningRecord,
    learns=True,
    train_only=False,
    calculator=_fit_general,
    applier=_apply_binning,
    column_flow=_general_flow,
    array_applier=_apply_binning_arrays,
)

# --------------------------------------------------------------------------- CustomBinning


class CustomBinningParams(ColumnsParams):
    bins: list[float] = []
    labels: list[str] | None = None
    label_format: LabelFormat = "ordinal"
    output_suffix: str = "_binned"
    drop_original: bool = False


class CustomBinningRecord(BinningRecord):
    node_type: str = "CustomBinning"


def _fit_custom(
    X: pd.DataFrame, y: pd.Series | None, params: CustomBinningParams, ctx: NodeContext
) -> CustomBinningRecord:
    node = "CustomBinning"
    columns = resolve_columns(X, params.columns, ctx, node, "numeric")
    edges = custom_edges(params.bins, ctx.node_id, node, "bins")
    binned: list[BinnedColumn] = []
    for col in columns:
        output = _output_name(X, col, params.output_suffix, ctx, node)
        labels = _labels(edges, False, params.label_format, params.labels, ctx, node, col, "labels")
        binned.append(
            BinnedColumn(column=col, output=output, edges=edges, clip=False, labels=labels)
        )
    return CustomBinningRecord(
        node_id=ctx.node_id, columns=columns, binned=binned, drop_original=params.drop_original
    )


def _custom_flow(columns: ColumnSet, params: CustomBinningParams) -> ColumnSet:
    return _binning_flow(columns, params.columns, params.output_suffix, params.drop_original)


CUSTOM_BINNING: NodeDefinition[CustomBinningParams, CustomBinningRecord] = NodeDefinition(
    id="CustomBinning",
    group="binning",
    description="Bins numeric columns with fixed, user-given edges; values outside the edges "
    "become missing.",
    params_model=CustomBinningParams,
    record_model=CustomBinningRecord,
    learns=False,
    train_only=False,
    calculator=_fit_custom,
    applier=_apply_binning,
    column_flow=_custom_flow,
    array_applier=_apply_binning_arrays,
)

# --------------------------------------------------------------------------- KBinsDiscretizer


class KBinsDiscretizerParams(ColumnsParams):
    n_bins: int = Field(5, ge=2, le=MAX_BINS)
    encode: Literal["ordinal"] = "ordinal"
    strategy: KBinsStrategy = "quantile"
    quantile_method: QuantileMethod = "averaged_inverted_cdf"


class KBinsDiscretizerRecord(BinningRecord):
    node_type: str = "KBinsDiscretizer"


def _fit_kbins(
    X: pd.DataFrame, y: pd.Series | None, params: KBinsDiscretizerParams, ctx: NodeContext
) -> KBinsDiscretizerRecord:
    node = "KBinsDiscretizer"
    columns = resolve_columns(X, params.columns, ctx, node, "numeric")
    binned = [
        BinnedColumn(
            column=col,
            output=col,
            edges=learn_edges(
                _column_values(X, col, ctx, node),
                params.strategy,
                params.n_bins,
                params.quantile_method,
            ),
            clip=True,
        )
        for col in columns
    ]
    return KBinsDiscretizerRecord(node_id=ctx.node_id, columns=columns, binned=binned)


KBINS_DISCRETIZER: NodeDefinition[KBinsDiscretizerParams, KBinsDiscretizerRecord] = NodeDefinition(
    id="KBinsDiscretizer",
    group="binning",
    description="Replaces numeric columns by their bin number, with quantile, uniform or "
    "k-means bins learned on the train split (scikit-learn's KBinsDiscretizer).",
    params_model=KBinsDiscretizerParams,
    record_model=KBinsDiscretizerRecord,
    learns=True,
    train_only=False,
    calculator=_fit_kbins,
    applier=_apply_binning,
    column_flow=same_columns,
    array_applier=_apply_binning_arrays,
)

NODES: list[NodeDefinition] = [GENERAL_BINNING, CUSTOM_BINNING, KBINS_DISCRETIZER]
