"""Text vectorizers (fit): count_vectorizer and tfidf_vectorizer.

Each text column gets its own vocabulary, learned on the train split exactly like scikit-learn's
``CountVectorizer`` / ``TfidfVectorizer`` (same analyzer, ``min_df``/``max_df`` pruning,
``max_features`` by total count with scikit-learn's tie order, sorted vocabulary); the output
equals theirs within 1e-9. Columns are named ``<column>__<token>`` and the record stores the
vocabulary (and the idf weights), never an estimator.

Differences from scikit-learn and NODES.md, on purpose:

- the output is a dense frame, so ``max_features`` defaults to 500 per column instead of
  unlimited (set it to ``null`` for scikit-learn's behaviour);
- a missing value is an empty document (an all-zero row) instead of an error;
- a column with no token left (empty, stop words only, or everything pruned) adds no column
  instead of raising "empty vocabulary";
- ``drop_original`` (default true) removes the text column, which no model could use;
- ``analyzer`` (word / char / char_wb) is accepted as in the tokenizer node.
"""

from __future__ import annotations

from collections import Counter
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field, model_validator

from skyulf_core.nodes._frames import arrays_with, column_arrays, frame_with
from skyulf_core.nodes._text_analysis import AnalyzerParams, AnalyzerSettings, analyze_all
from skyulf_core.nodes.base import (
    Columns,
    ColumnSet,
    FittedRecord,
    NodeContext,
    NodeDefinition,
)
from skyulf_core.nodes.columns import is_categorical, resolve_columns
from skyulf_errors import NodeError

SEPARATOR = "__"


class CountVectorizerParams(AnalyzerParams):
    # The output is dense: None = no cap (scikit-learn's behaviour); a number at most 2**20 columns.
    max_features: int | None = Field(
        500, ge=1, le=2**20, description="per column; the output is dense, null = no cap"
    )
    min_df: int | float = Field(1, ge=0)
    max_df: int | float = Field(1.0, ge=0)
    binary: bool = False
    drop_original: bool = True

    @model_validator(mode="after")
    def _check_df(self) -> CountVectorizerParams:
        for name in ("min_df", "max_df"):
            value = getattr(self, name)
            if isinstance(value, float) and value > 1.0:
                raise ValueError(f"{name} as a proportion must be within [0, 1]")
        return self


class TfidfVectorizerParams(CountVectorizerParams):
    norm: Literal["l2", "l1"] | None = "l2"
    use_idf: bool = True
    smooth_idf: bool = True
    sublinear_tf: bool = False


class Vocabulary(BaseModel):
    column: str
    tokens: list[str]
    idf: list[float] | None = None


class CountVectorizerRecord(FittedRecord):
    node_type: str = "count_vectorizer"
    analysis: AnalyzerSettings
    binary: bool
    drop_original: bool
    vocabularies: list[Vocabulary]

    def created_columns(self) -> list[str]:
        return [f"{v.column}{SEPARATOR}{t}" for v in self.vocabularies for t in v.tokens]


class TfidfVectorizerRecord(CountVectorizerRecord):
    node_type: str = "tfidf_vectorizer"
    norm: Literal["l2", "l1"] | None
    sublinear_tf: bool


def _doc_count(value: int | float, n_docs: int) -> float:
    return float(value) if isinstance(value, int) else value * n_docs


def _learn_tokens(
    docs: list[list[str]], params: CountVectorizerParams, node: str, col: str, ctx: NodeContext
) -> tuple[list[str], np.ndarray]:
    """The kept tokens (sorted) and their document frequencies, following scikit-learn."""
    term_freq: Counter[str] = Counter()
    doc_freq: Counter[str] = Counter()
    for tokens in docs:
        counts = Counter(tokens)
        term_freq.update(counts)
        doc_freq.update(counts.keys())
    vocab = sorted(term_freq)
    high = _doc_count(params.max_df, len(docs))
    low = _doc_count(params.min_df, len(docs))
    if high < low:
        raise NodeError(
            f"node '{ctx.node_id}' ({node}): max_df corresponds to fewer documents than min_df",
            node_id=ctx.node_id,
            node_type=node,
            column=col,
            field="max_df",
        )
    dfs = np.array([doc_freq[t] for t in vocab], dtype=np.int64)
    tfs = np.array([term_freq[t] for t in vocab], dtype=np.int64)
    mask = (dfs <= high) & (dfs >= low)
    limit = params.max_features
    if limit is not None and mask.sum() > limit:
        # The same call on the same array as scikit-learn's _limit_features: same tie order.
        keep = np.flatnonzero(mask)[(-tfs[mask]).argsort()[:limit]]
        mask = np.zeros(len(vocab), dtype=bool)
        mask[keep] = True
    kept = np.flatnonzero(mask)
    return [vocab[i] for i in kept], dfs[kept]


def _fit(
    X: pd.DataFrame,
    params: CountVectorizerParams,
    ctx: NodeContext,
    node: str,
    with_idf: bool,
) -> tuple[list[str], list[Vocabulary]]:
    columns = resolve_columns(X, params.columns, ctx, node)
    if params.columns is None:
        columns = [c for c in columns if is_categorical(X[c])]
    settings = params.settings()
    vocabularies: list[Vocabulary] = []
    n_docs = len(X)
    kept_input = set(X.columns) - (set(columns) if params.drop_original else set())
    for col in columns:
        tokens, dfs = _learn_tokens(
            analyze_all(X[col].to_numpy().tolist(), settings), params, node, col, ctx
        )
        idf = None
        if with_idf:
            smooth = int(getattr(params, "smooth_idf", True))
            idf = (np.log((n_docs + smooth) / (dfs + smooth)) + 1.0).tolist()
        for token in tokens:
            name = f"{col}{SEPARATOR}{token}"
            if name in kept_input:
                raise NodeError(
                    f"node '{ctx.node_id}' ({node}): output column '{name}' already exists",
                    node_id=ctx.node_id,
                    node_type=node,
                    column=name,
                )
        vocabularies.append(Vocabulary(column=col, tokens=tokens, idf=idf))
    return columns, vocabularies


def _fit_count(
    X: pd.DataFrame, y: pd.Series | None, params: CountVectorizerParams, ctx: NodeContext
) -> CountVectorizerRecord:
    columns, vocabularies = _fit(X, params, ctx, "count_vectorizer", with_idf=False)
    return CountVectorizerRecord(
        node_id=ctx.node_id,
        columns=columns,
        analysis=params.settings(),
        binary=params.binary,
        drop_original=params.drop_original,
        vocabularies=vocabularies,
    )


def _fit_tfidf(
    X: pd.DataFrame, y: pd.Series | None, params: TfidfVectorizerParams, ctx: NodeContext
) -> TfidfVectorizerRecord:
    columns, vocabularies = _fit(X, params, ctx, "tfidf_vectorizer", with_idf=params.use_idf)
    return TfidfVectorizerRecord(
        node_id=ctx.node_id,
        columns=columns,
        analysis=params.settings(),
        binary=params.binary,
        drop_original=params.drop_original,
        vocabularies=vocabularies,
        norm=params.norm,
        sublinear_tf=params.sublinear_tf,
    )


def count_matrix(
    values: np.ndarray, vocab: Vocabulary, record: CountVectorizerRecord
) -> np.ndarray:
    index = {t: i for i, t in enumerate(vocab.tokens)}
    out = np.zeros((len(values), len(index)), dtype="float64")
    for row, tokens in enumerate(analyze_all(values.tolist(), record.analysis)):
        for token, count in Counter(tokens).items():
            j = index.get(token)
            if j is not None:
                out[row, j] = count
    if record.binary:
        out = np.minimum(out, 1.0)
    return out


def normalize_rows(block: np.ndarray, norm: str | None) -> np.ndarray:
    """Rows scaled to unit l1/l2 norm like sklearn.preprocessing.normalize (zero rows stay)."""
    if norm is None or block.size == 0:
        return block
    size = np.abs(block).sum(axis=1) if norm == "l1" else np.sqrt((block * block).sum(axis=1))
    size[size == 0.0] = 1.0
    return block / size[:, None]


def _tfidf(block: np.ndarray, vocab: Vocabulary, record: TfidfVectorizerRecord) -> np.ndarray:
    if record.sublinear_tf:
        positive = block > 0
        block = np.where(positive, np.log(np.where(positive, block, 1.0)) + 1.0, block)
    if vocab.idf is not None:
        block = block * np.asarray(vocab.idf, dtype="float64")
    return normalize_rows(block, record.norm)


def _vectorize(cols: Columns, record: CountVectorizerRecord) -> dict[str, np.ndarray]:
    new: dict[str, np.ndarray] = {}
    for vocab in record.vocabularies:
        block = count_matrix(np.asarray(cols[vocab.column], dtype=object), vocab, record)
        if isinstance(record, TfidfVectorizerRecord):
            block = _tfidf(block, vocab, record)
        for j, token in enumerate(vocab.tokens):
            new[f"{vocab.column}{SEPARATOR}{token}"] = block[:, j]
    return new


def _dropped(record: CountVectorizerRecord) -> list[str]:
    return record.columns if record.drop_original else []


def _apply(
    X: pd.DataFrame, y: pd.Series | None, record: CountVectorizerRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    new = _vectorize(column_arrays(X, record.columns), record)
    return frame_with(X, new, _dropped(record)), y


def _apply_arrays(cols: Columns, record: CountVectorizerRecord) -> Columns:
    return arrays_with(cols, _vectorize(cols, record), _dropped(record))


def _flow(columns: ColumnSet, params: CountVectorizerParams) -> ColumnSet:
    # The token columns depend on the training text: the set stays open.
    if params.columns is not None and params.drop_original:
        columns = columns.without(params.columns)
    return ColumnSet(columns.names, open=True, removed=columns.removed)


COUNT_VECTORIZER: NodeDefinition[CountVectorizerParams, CountVectorizerRecord] = NodeDefinition(
    id="count_vectorizer",
    group="text",
    description="Counts each vocabulary token (learned on the train split) per text column.",
    params_model=CountVectorizerParams,
    record_model=CountVectorizerRecord,
    learns=True,
    train_only=False,
    calculator=_fit_count,
    applier=_apply,
    column_flow=_flow,
    array_applier=_apply_arrays,
)

TFIDF_VECTORIZER: NodeDefinition[TfidfVectorizerParams, TfidfVectorizerRecord] = NodeDefinition(
    id="tfidf_vectorizer",
    group="text",
    description="TF-IDF weight of each vocabulary token (vocabulary and idf learned on the train "
    "split) per text column.",
    params_model=TfidfVectorizerParams,
    record_model=TfidfVectorizerRecord,
    learns=True,
    train_only=False,
    calculator=_fit_tfidf,
    applier=_apply,
    column_flow=_flow,
    array_applier=_apply_arrays,
)

NODES: list[NodeDefinition] = [COUNT_VECTORIZER, TFIDF_VECTORIZER]
