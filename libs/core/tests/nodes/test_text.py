"""Text nodes: scikit-learn equivalence of the vectorizers, missing text, token statistics."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import CountVectorizer, HashingVectorizer, TfidfVectorizer

from skyulf_core.nodes import NodeContext, get_node
from skyulf_errors import NodeError

CTX = NodeContext(node_id="t", target="label")
WORDS = [
    "Alpha",
    "beta",
    "gamma",
    "delta",
    "the",
    "a",
    "of",
    "eps",
    "Zeta",
    "eta",
    "theta",
    "iota",
    "kappa,",
    "don't",
]


@pytest.fixture
def texts() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    docs = [" ".join(rng.choice(WORDS, rng.integers(0, 10))) for _ in range(80)]
    return pd.DataFrame({"note": docs, "n": np.arange(80.0)})


VECTOR_CASES: list[dict[str, Any]] = [
    {"max_features": None},
    {"max_features": 4},
    {"max_features": None, "min_df": 3, "max_df": 0.4},
    {"max_features": None, "min_df": 0.1, "max_df": 20},
    {"max_features": 12, "ngram_range": [1, 3], "stop_words": "english", "binary": True},
    {"max_features": None, "analyzer": "char_wb", "ngram_range": [2, 4], "lowercase": False},
    {"max_features": 30, "analyzer": "char", "ngram_range": [1, 2]},
]
TFIDF_EXTRA: list[dict[str, Any]] = [
    {},
    {"sublinear_tf": True, "norm": "l1"},
    {"use_idf": False, "norm": None},
    {"smooth_idf": False, "sublinear_tf": True},
]


def _sklearn_kwargs(params: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in params.items() if k != "columns"}
    if "ngram_range" in out:
        out["ngram_range"] = tuple(out["ngram_range"])
    return out


@pytest.mark.parametrize("case", VECTOR_CASES)
def test_count_vectorizer_matches_sklearn(texts: pd.DataFrame, case: dict[str, Any]) -> None:
    node = get_node("count_vectorizer")
    params = {"columns": ["note"], **case}
    record = node.fit(texts.iloc[:50], None, params, CTX)
    out, _ = node.apply(texts.iloc[50:], None, record, CTX)
    sk = CountVectorizer(**_sklearn_kwargs(params)).fit(texts["note"].iloc[:50])
    names = [f"note__{t}" for t in sk.get_feature_names_out()]
    assert list(out.columns) == ["n", *names]  # the text column is dropped by default
    expected = sk.transform(texts["note"].iloc[50:]).toarray()
    np.testing.assert_allclose(out[names].to_numpy(float), expected, atol=1e-9, rtol=0)


@pytest.mark.parametrize("case", VECTOR_CASES[:5])
@pytest.mark.parametrize("extra", TFIDF_EXTRA)
def test_tfidf_vectorizer_matches_sklearn(
    texts: pd.DataFrame, case: dict[str, Any], extra: dict[str, Any]
) -> None:
    node = get_node("tfidf_vectorizer")
    params = {"columns": ["note"], **case, **extra}
    record = node.fit(texts.iloc[:50], None, params, CTX)
    out, _ = node.apply(texts.iloc[50:], None, record, CTX)
    sk = TfidfVectorizer(**_sklearn_kwargs(params)).fit(texts["note"].iloc[:50])
    names = [f"note__{t}" for t in sk.get_feature_names_out()]
    assert list(out.columns) == ["n", *names]
    expected = sk.transform(texts["note"].iloc[50:]).toarray()
    np.testing.assert_allclose(out[names].to_numpy(float), expected, atol=1e-9, rtol=0)
    if params.get("use_idf", True):
        stored = record.vocabularies[0].idf  # type: ignore[attr-defined]
        np.testing.assert_allclose(stored, sk.idf_, atol=1e-12, rtol=0)


@pytest.mark.parametrize(
    "case",
    [
        {},
        {"n_features": 8},
        {"n_features": 4, "binary": True},
        {"n_features": 16, "alternate_sign": False, "norm": "l1"},
        {"n_features": 32, "norm": None, "analyzer": "char", "ngram_range": [1, 2]},
        {"n_features": 64, "ngram_range": [1, 2], "stop_words": "english"},
    ],
)
def test_hashing_vectorizer_matches_sklearn(texts: pd.DataFrame, case: dict[str, Any]) -> None:
    node = get_node("hashing_vectorizer")
    params = {"columns": ["note"], **case}
    record = node.fit(texts, None, params, CTX)
    out, _ = node.apply(texts, None, record, CTX)
    sk = HashingVectorizer(**{"n_features": 1024, **_sklearn_kwargs(params)})
    n = params.get("n_features", 1024)
    names = [f"note__hash_{i}" for i in range(n)]
    assert list(out.columns) == ["n", *names]
    expected = sk.transform(texts["note"]).toarray()
    np.testing.assert_allclose(out[names].to_numpy(float), expected, atol=1e-9, rtol=0)


def test_missing_and_unseen_text_give_zero_rows(texts: pd.DataFrame) -> None:
    node = get_node("tfidf_vectorizer")
    record = node.fit(texts, None, {"columns": ["note"]}, CTX)
    new = pd.DataFrame({"note": [None, "never seen words", np.nan], "n": [1.0, 2.0, 3.0]})
    out, _ = node.apply(new, None, record, CTX)
    assert (out.drop(columns=["n"]).to_numpy() == 0).all()
    assert len(out) == 3


def test_default_max_features_caps_the_dense_output() -> None:
    docs = pd.DataFrame({"note": [f"w{i} w{i + 1} common" for i in range(700)]})
    record = get_node("count_vectorizer").fit(docs, None, {"columns": ["note"]}, CTX)
    tokens = record.vocabularies[0].tokens  # type: ignore[attr-defined]
    assert len(tokens) == 500
    assert "common" in tokens  # the most frequent token is always kept


def test_only_stop_words_adds_no_column() -> None:
    docs = pd.DataFrame({"note": ["the a of", "and the"], "n": [1.0, 2.0]})
    node = get_node("count_vectorizer")
    record = node.fit(docs, None, {"columns": ["note"], "stop_words": "english"}, CTX)
    out, _ = node.apply(docs, None, record, CTX)
    assert list(out.columns) == ["n"]


def test_max_df_below_min_df_names_the_field(texts: pd.DataFrame) -> None:
    with pytest.raises(NodeError, match="max_df") as info:
        get_node("count_vectorizer").fit(texts, None, {"min_df": 10, "max_df": 2}, CTX)
    assert info.value.details["field"] == "max_df"


def test_proportion_above_one_is_rejected() -> None:
    with pytest.raises(NodeError, match="min_df"):
        get_node("tfidf_vectorizer").parse_params({"min_df": 1.5}, "t")


def test_vocabulary_is_stored_in_the_json_record(texts: pd.DataFrame) -> None:
    record = get_node("count_vectorizer").fit(texts, None, {"columns": ["note"]}, CTX)
    payload = record.model_dump(mode="json")
    assert payload["vocabularies"][0]["tokens"][:3] == ["alpha", "beta", "delta"]


def test_tokenizer_tokens_and_statistics() -> None:
    node = get_node("tokenizer")
    X = pd.DataFrame({"note": ["The quick  fox, the END", None, "x"]})
    record = node.fit(X, None, {"columns": ["note"]}, CTX)
    out, _ = node.apply(X, None, record, CTX)
    assert out["note_tokens"].tolist() == ["the quick fox the end", "", ""]
    assert out["note_token_count"].tolist() == [5.0, 0.0, 0.0]
    assert out["note_unique_token_count"].tolist() == [4.0, 0.0, 0.0]
    assert out["note_mean_token_length"].iloc[0] == pytest.approx(17 / 5)
    assert out["note_mean_token_length"].iloc[1:].isna().all()


def test_tokenizer_char_wb_matches_sklearn_analyzer() -> None:
    node = get_node("tokenizer")
    X = pd.DataFrame({"note": ["ab  cde", "Hi"]})
    params = {"columns": ["note"], "analyzer": "char_wb", "ngram_range": [2, 3]}
    record = node.fit(X, None, {**params, "add_token_count": False}, CTX)
    out, _ = node.apply(X, None, record, CTX)
    analyzer = CountVectorizer(analyzer="char_wb", ngram_range=(2, 3)).build_analyzer()
    assert out["note_tokens"].tolist() == [" ".join(analyzer(d)) for d in X["note"]]
    assert list(out.columns) == ["note", "note_tokens"]
