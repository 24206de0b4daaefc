"""Encoding nodes (stateless): HashEncoder.

Each value becomes the token ``"<column>=<value>"`` (``str(value)``, so 3 -> ``"3"``,
3.0 -> ``"3.0"``), hashed exactly like ``sklearn.feature_extraction.FeatureHasher(n_features,
input_type="string", alternate_sign=...)``: signed 32-bit MurmurHash3 of the UTF-8 bytes with
seed 0 (stable across processes, unlike Python's ``hash()``), bucket ``|h| mod n_features``, value
+1, or -1 when ``alternate_sign`` and ``h < 0``. Every input column gets its own ``n_features``
float64 columns ``<column>_hash_<i>`` and is dropped. Missing values give all zeros; there is no
unknown category, which is the point. Learns nothing, so it may sit before the splitter.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import Field
from sklearn.utils import murmurhash3_32

from skyulf_core.nodes._categories import (
    check_new_names,
    is_missing,
    replace_columns,
    resolve_categorical,
)
from skyulf_core.nodes.base import (
    Columns,
    ColumnSet,
    ColumnsParams,
    FittedRecord,
    NodeContext,
    NodeDefinition,
)

NODE = "HashEncoder"
_INT32_MIN = -(2**31)


class HashEncoderParams(ColumnsParams):
    # FeatureHasher's default; each feature is an output column per input column.
    n_features: int = Field(8, ge=1, le=2**20)
    alternate_sign: bool = True


class HashEncoderRecord(FittedRecord):
    node_type: str = NODE
    n_features: int
    alternate_sign: bool

    def outputs(self, column: str) -> list[str]:
        return _names(column, self.n_features)

    def created_columns(self) -> list[str]:
        return [name for col in self.columns for name in self.outputs(col)]


def _names(column: str, n_features: int) -> list[str]:
    return [f"{column}_hash_{i}" for i in range(n_features)]


def _bucket(column: str, text: str, n_features: int, alternate_sign: bool) -> tuple[int, float]:
    h = int(murmurhash3_32(f"{column}={text}", seed=0))
    # FeatureHasher's rule for -2**31, whose absolute value does not fit in an int32.
    index = (2**31 - 1 - (n_features - 1)) % n_features if h == _INT32_MIN else abs(h) % n_features
    sign = -1.0 if alternate_sign and h < 0 else 1.0
    return index, sign


def _fit_hash(
    X: pd.DataFrame, y: pd.Series | None, params: HashEncoderParams, ctx: NodeContext
) -> HashEncoderRecord:
    columns = resolve_categorical(X, params.columns, ctx, NODE)
    names = [(c, n) for c in columns for n in _names(c, params.n_features)]
    check_new_names(X, columns, names, ctx, NODE)
    return HashEncoderRecord(
        node_id=ctx.node_id,
        columns=columns,
        n_features=params.n_features,
        alternate_sign=params.alternate_sign,
    )


def _block(values: list[object], column: str, record: HashEncoderRecord) -> np.ndarray:
    """Hashed ``(len(values), n_features)`` block; each distinct value is hashed once."""
    block = np.zeros((len(values), record.n_features), dtype="float64")
    cache: dict[str, tuple[int, float]] = {}
    for row, value in enumerate(values):
        if is_missing(value):
            continue
        text = str(value)
        hit = cache.get(text)
        if hit is None:
            hit = cache[text] = _bucket(column, text, record.n_features, record.alternate_sign)
        block[row, hit[0]] = hit[1]
    return block


def _encode(cols: dict[str, list[object]], record: HashEncoderRecord) -> dict[str, np.ndarray]:
    added: dict[str, np.ndarray] = {}
    for col in record.columns:
        block = _block(cols[col], col, record)
        added.update({name: block[:, i] for i, name in enumerate(record.outputs(col))})
    return added


def _apply_hash(
    X: pd.DataFrame, y: pd.Series | None, record: HashEncoderRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    values = {c: X[c].to_numpy(dtype=object).tolist() for c in record.columns}
    added = pd.DataFrame(_encode(values, record), index=X.index)
    return pd.concat([X.drop(columns=record.columns), added], axis=1), y


def _hash_arrays(cols: Columns, record: HashEncoderRecord) -> Columns:
    values = {c: cols[c].tolist() for c in record.columns}
    return replace_columns(cols, record.columns, _encode(values, record))


def _hash_flow(columns: ColumnSet, params: HashEncoderParams) -> ColumnSet:
    if params.columns is None:
        return ColumnSet(columns.names, open=True, removed=columns.removed)
    kept = columns.without(params.columns)
    added = tuple(n for c in params.columns for n in _names(c, params.n_features))
    return ColumnSet(kept.names + added, kept.open, kept.removed - set(added))


HASH_ENCODER: NodeDefinition[HashEncoderParams, HashEncoderRecord] = NodeDefinition(
    id=NODE,
    group="encoding",
    description="Hashes each category into a fixed number of columns (no vocabulary to learn).",
    params_model=HashEncoderParams,
    record_model=HashEncoderRecord,
    learns=False,
    train_only=False,
    calculator=_fit_hash,
    applier=_apply_hash,
    column_flow=_hash_flow,
    array_applier=_hash_arrays,
)

NODES: list[NodeDefinition] = [HASH_ENCODER]
