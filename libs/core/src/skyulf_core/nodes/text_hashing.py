"""Stateless text nodes: hashing_vectorizer and tokenizer.

``hashing_vectorizer`` equals scikit-learn's ``HashingVectorizer`` (signed 32-bit MurmurHash3 of
the UTF-8 token, seed 0; bucket ``|h| mod n_features``; sign of ``h`` when ``alternate_sign``;
``binary`` marks every bucket a token fell in; then l1/l2 row normalisation), as a dense block
of ``n_features`` columns per text column named ``<column>__hash_<bucket>``. Nothing is learned:
the record only holds the settings. A missing value is an empty document (an all-zero row).

``tokenizer`` runs the same analyzers (word / char / char_wb, see ``_text_analysis``) and adds
``<column>_tokens``: the tokens joined by one space. With ``add_token_count`` it also adds
``<column>_token_count``, ``<column>_unique_token_count`` and ``<column>_mean_token_length``
(NaN for a document without tokens).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from pydantic import Field
from sklearn.utils import murmurhash3_32

from skyulf_core.nodes._frames import arrays_with, column_arrays, frame_with
from skyulf_core.nodes._text_analysis import AnalyzerParams, AnalyzerSettings, analyze_all
from skyulf_core.nodes.base import Columns, ColumnSet, FittedRecord, NodeContext, NodeDefinition
from skyulf_core.nodes.columns import is_categorical, resolve_columns
from skyulf_core.nodes.text import SEPARATOR, normalize_rows
from skyulf_errors import NodeError

_INT32_MIN = -(2**31)

# --------------------------------------------------------------------------- hashing_vectorizer


class HashingVectorizerParams(AnalyzerParams):
    n_features: int = Field(1024, ge=1, le=2**20)
    norm: Literal["l2", "l1"] | None = "l2"
    alternate_sign: bool = True
    binary: bool = False
    drop_original: bool = True


class HashingVectorizerRecord(FittedRecord):
    node_type: str = "hashing_vectorizer"
    analysis: AnalyzerSettings
    n_features: int
    norm: Literal["l2", "l1"] | None
    alternate_sign: bool
    binary: bool
    drop_original: bool

    def created_columns(self) -> list[str]:
        return [name for col in self.columns for name in _hash_names(col, self.n_features)]


def _hash_names(column: str, n_features: int) -> list[str]:
    return [f"{column}{SEPARATOR}hash_{i}" for i in range(n_features)]


def _text_columns(
    X: pd.DataFrame, columns: list[str] | None, ctx: NodeContext, node: str
) -> list[str]:
    resolved = resolve_columns(X, columns, ctx, node)
    return resolved if columns is not None else [c for c in resolved if is_categorical(X[c])]


def _fit_hashing(
    X: pd.DataFrame, y: pd.Series | None, params: HashingVectorizerParams, ctx: NodeContext
) -> HashingVectorizerRecord:
    columns = _text_columns(X, params.columns, ctx, "hashing_vectorizer")
    kept = set(X.columns) - (set(columns) if params.drop_original else set())
    for col in columns:
        clash = next((n for n in _hash_names(col, params.n_features) if n in kept), None)
        if clash is not None:
            raise NodeError(
                f"node '{ctx.node_id}' (hashing_vectorizer): output column '{clash}' already "
                "exists",
                node_id=ctx.node_id,
                node_type="hashing_vectorizer",
                column=clash,
            )
    return HashingVectorizerRecord(
        node_id=ctx.node_id,
        columns=columns,
        analysis=params.settings(),
        n_features=params.n_features,
        norm=params.norm,
        alternate_sign=params.alternate_sign,
        binary=params.binary,
        drop_original=params.drop_original,
    )


def _bucket(token: str, n_features: int, alternate_sign: bool) -> tuple[int, float]:
    h = int(murmurhash3_32(token, seed=0))
    # abs(INT32_MIN) overflows in scikit-learn's C code; it maps that hash the same way.
    index = (2**31 - 1 - (n_features - 1)) % n_features if h == _INT32_MIN else abs(h) % n_features
    return index, (1.0 if h >= 0 or not alternate_sign else -1.0)


def _hash_block(values: np.ndarray, record: HashingVectorizerRecord) -> np.ndarray:
    n = record.n_features
    out = np.zeros((len(values), n), dtype="float64")
    hit = np.zeros((len(values), n), dtype=bool)
    cache: dict[str, tuple[int, float]] = {}
    for row, tokens in enumerate(analyze_all(values.tolist(), record.analysis)):
        for token in tokens:
            slot = cache.get(token)
            if slot is None:
                slot = cache[token] = _bucket(token, n, record.alternate_sign)
            out[row, slot[0]] += slot[1]
            hit[row, slot[0]] = True
    if record.binary:
        out = hit.astype("float64")
    return normalize_rows(out, record.norm)


def _hash_new(cols: Columns, record: HashingVectorizerRecord) -> dict[str, np.ndarray]:
    new: dict[str, np.ndarray] = {}
    for col in record.columns:
        block = _hash_block(np.asarray(cols[col], dtype=object), record)
        for j, name in enumerate(_hash_names(col, record.n_features)):
            new[name] = block[:, j]
    return new


def _apply_hashing(
    X: pd.DataFrame, y: pd.Series | None, record: HashingVectorizerRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    drop = record.columns if record.drop_original else []
    return frame_with(X, _hash_new(column_arrays(X, record.columns), record), drop), y


def _apply_hashing_arrays(cols: Columns, record: HashingVectorizerRecord) -> Columns:
    drop = record.columns if record.drop_original else []
    return arrays_with(cols, _hash_new(cols, record), drop)


def _hashing_flow(columns: ColumnSet, params: HashingVectorizerParams) -> ColumnSet:
    if params.columns is None:
        return ColumnSet(columns.names, open=True, removed=columns.removed)
    kept = columns.without(params.columns) if params.drop_original else columns
    added = tuple(n for c in params.columns for n in _hash_names(c, params.n_features))
    return ColumnSet(kept.names + added, kept.open, kept.removed - set(added))


HASHING_VECTORIZER: NodeDefinition[HashingVectorizerParams, HashingVectorizerRecord] = (
    NodeDefinition(
        id="hashing_vectorizer",
        group="text",
        description="Hashes the tokens of each text column into a fixed number of columns "
        "(nothing learned).",
        params_model=HashingVectorizerParams,
        record_model=HashingVectorizerRecord,
        learns=False,
        train_only=False,
        calculator=_fit_hashing,
        applier=_apply_hashing,
        column_flow=_hashing_flow,
        array_applier=_apply_hashing_arrays,
    )
)

# --------------------------------------------------------------------------- tokenizer

_STATS = ("token_count", "unique_token_count", "mean_token_length")


class TokenizerParams(AnalyzerParams):
    add_token_count: bool = True


class TokenizerRecord(FittedRecord):
    node_type: str = "tokenizer"
    analysis: AnalyzerSettings
    add_token_count: bool

    def created_columns(self) -> list[str]:
        return [n for col in self.columns for n in _token_names(col, self.add_token_count)]


def _token_names(column: str, with_stats: bool) -> list[str]:
    stats = [f"{column}_{s}" for s in _STATS] if with_stats else []
    return [f"{column}_tokens", *stats]


def _fit_tokenizer(
    X: pd.DataFrame, y: pd.Series | None, params: TokenizerParams, ctx: NodeContext
) -> TokenizerRecord:
    columns = _text_columns(X, params.columns, ctx, "tokenizer")
    return TokenizerRecord(
        node_id=ctx.node_id,
        columns=columns,
        analysis=params.settings(),
        add_token_count=params.add_token_count,
    )


def _tokens_new(cols: Columns, record: TokenizerRecord) -> dict[str, np.ndarray]:
    new: dict[str, np.ndarray] = {}
    for col in record.columns:
        docs = analyze_all(np.asarray(cols[col], dtype=object).tolist(), record.analysis)
        names = _token_names(col, record.add_token_count)
        new[names[0]] = np.array([" ".join(d) for d in docs], dtype=object)
        if record.add_token_count:
            counts = np.array([len(d) for d in docs], dtype="float64")
            lengths = np.array([sum(len(t) for t in d) for d in docs], dtype="float64")
            new[names[1]] = counts
            new[names[2]] = np.array([len(set(d)) for d in docs], dtype="float64")
            with np.errstate(invalid="ignore", divide="ignore"):
                new[names[3]] = np.where(counts > 0, lengths / np.maximum(counts, 1), np.nan)
    return new


def _apply_tokenizer(
    X: pd.DataFrame, y: pd.Series | None, record: TokenizerRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    return frame_with(X, _tokens_new(column_arrays(X, record.columns), record)), y


def _apply_tokenizer_arrays(cols: Columns, record: TokenizerRecord) -> Columns:
    return arrays_with(cols, _tokens_new(cols, record))


def _tokenizer_flow(columns: ColumnSet, params: TokenizerParams) -> ColumnSet:
    if params.columns is None:
        return ColumnSet(columns.names, open=True, removed=columns.removed)
    added = tuple(n for c in params.columns for n in _token_names(c, params.add_token_count))
    return ColumnSet(columns.names + added, columns.open, columns.removed - set(added))


TOKENIZER: NodeDefinition[TokenizerParams, TokenizerRecord] = NodeDefinition(
    id="tokenizer",
    group="text",
    description="Splits text columns into word or character tokens, optionally with token "
    "statistics.",
    params_model=TokenizerParams,
    record_model=TokenizerRecord,
    learns=False,
    train_only=False,
    calculator=_fit_tokenizer,
    applier=_apply_tokenizer,
    column_flow=_tokenizer_flow,
    array_applier=_apply_tokenizer_arrays,
)

NODES: list[NodeDefinition] = [HASHING_VECTORIZER, TOKENIZER]
