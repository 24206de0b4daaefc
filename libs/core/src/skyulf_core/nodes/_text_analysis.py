"""Turning a document into tokens exactly like scikit-learn's ``CountVectorizer`` analyzers.

``word``: lowercase (optional), tokens of two or more word characters (``(?u)\\b\\w\\w+\\b``),
English stop words removed (scikit-learn's list), then word n-grams joined by one space.
``char``: runs of whitespace collapsed to one space, then character n-grams of the whole text.
``char_wb``: character n-grams inside each word padded with one space on each side.

A missing value (None, NaN, pd.NA) is an empty document: no tokens. Non-text values are used
through ``str()``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated, Literal

from pydantic import Field, model_validator
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from skyulf_core.nodes.base import ColumnsParams, NodeParams

_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_SPACES = re.compile(r"\s\s+")

Analyzer = Literal["word", "char", "char_wb"]
# A document of L tokens has about L x n n-grams per length n: longer ones are noise, not features.
MAX_NGRAM = 10
NgramLength = Annotated[int, Field(ge=1, le=MAX_NGRAM, description="n-gram length, 1 to 10")]


class AnalyzerSettings(NodeParams):
    """How documents become tokens (shared by the text nodes and stored in their records)."""

    analyzer: Analyzer = "word"
    ngram_range: tuple[NgramLength, NgramLength] = (1, 1)
    lowercase: bool = True
    stop_words: Literal["english"] | None = None

    @model_validator(mode="after")
    def _check_ngrams(self) -> AnalyzerSettings:
        low, high = self.ngram_range
        if low < 1 or high < low:
            raise ValueError("ngram_range must be [min_n, max_n] with 1 <= min_n <= max_n")
        return self


class AnalyzerParams(ColumnsParams, AnalyzerSettings):
    """Parameters of a text node: the columns (None = every text column) and the analyzer."""

    def settings(self) -> AnalyzerSettings:
        return AnalyzerSettings(**self.model_dump(include=set(AnalyzerSettings.model_fields)))


def document(value: object) -> str:
    """The text of one cell; missing values are the empty document."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, str):
        return value
    try:
        if bool(value != value):  # pd.NA and NaT compare unequal (or raise) on themselves
            return ""
    except TypeError:
        return ""
    return str(value)


def _word_ngrams(tokens: list[str], low: int, high: int) -> list[str]:
    if high == 1:
        return tokens
    out = list(tokens) if low == 1 else []
    start = max(low, 2)
    for n in range(start, min(high, len(tokens)) + 1):
        out.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return out


def _char_ngrams(text: str, low: int, high: int) -> list[str]:
    text = _SPACES.sub(" ", text)
    out: list[str] = []
    for n in range(low, min(high, len(text)) + 1):
        out.extend(text[i : i + n] for i in range(len(text) - n + 1))
    return out


def _char_wb_ngrams(text: str, low: int, high: int) -> list[str]:
    text = _SPACES.sub(" ", text)
    out: list[str] = []
    for word in text.split():
        padded = f" {word} "
        for n in range(low, high + 1):
            offset = 0
            out.append(padded[offset : offset + n])
            while offset + n < len(padded):
                offset += 1
                out.append(padded[offset : offset + n])
            if offset == 0:  # a word shorter than n is counted once, like scikit-learn
                break
    return out


def analyze(value: object, spec: AnalyzerSettings) -> list[str]:
    """The tokens (or n-grams) of one cell."""
    text = document(value)
    if spec.lowercase:
        text = text.lower()
    low, high = spec.ngram_range
    if spec.analyzer == "char":
        return _char_ngrams(text, low, high)
    if spec.analyzer == "char_wb":
        return _char_wb_ngrams(text, low, high)
    tokens = _TOKEN.findall(text)
    if spec.stop_words == "english":
        tokens = [t for t in tokens if t not in ENGLISH_STOP_WORDS]
    return _word_ngrams(tokens, low, high)


def analyze_all(values: Iterable[object], spec: AnalyzerSettings) -> list[list[str]]:
    return [analyze(v, spec) for v in values]
