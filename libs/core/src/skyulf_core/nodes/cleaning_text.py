"""Text clean-up (stateless): AliasReplacement and TextCleaning.

Both act on the strings of text columns only; numbers and missing values pass through unchanged,
and a text column keeps its string dtype. They compute on plain arrays (``_value_arrays``), so the
array applier is the applier.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Annotated, Literal

import numpy as np
import pandas as pd
from pydantic import Field, ValidationInfo, field_validator

from skyulf_core.nodes._countries import COUNTRY_CODES, country_key
from skyulf_core.nodes._user_regex import pattern_problem, substitution, template_problem
from skyulf_core.nodes._value_arrays import column_values, like_input, map_text
from skyulf_core.nodes.base import (
    Columns,
    ColumnsParams,
    FittedRecord,
    NodeContext,
    NodeDefinition,
    NodeParams,
    same_columns,
)
from skyulf_core.nodes.columns import resolve_columns
from skyulf_errors import NodeError

_SPACES = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _apply_text(
    X: pd.DataFrame, record: FittedRecord, func: Callable[[str], object]
) -> pd.DataFrame:
    if not record.columns:
        return X
    out = X.copy(deep=False)
    for col in record.columns:
        out[col] = like_input(map_text(column_values(X[col]), func), X[col])
    return out


def _text_arrays(cols: Columns, record: FittedRecord, func: Callable[[str], object]) -> Columns:
    out = dict(cols)
    for col in record.columns:
        out[col] = map_text(cols[col], func)
    return out


# --------------------------------------------------------------------------- AliasReplacement

AliasMode = Literal["custom", "normalize_boolean", "canonicalize_country_codes", "punctuation"]
_TRUE_WORDS = frozenset({"yes", "y", "true", "t", "1", "on"})
_FALSE_WORDS = frozenset({"no", "n", "false", "f", "0", "off"})


class AliasReplacementParams(ColumnsParams):
    """Text columns only. Matching ignores case and surrounding/repeated whitespace. ``custom``
    maps ``custom_pairs`` {alias: canonical}; ``normalize_boolean`` writes ``true_value`` /
    ``false_value`` for yes/no/y/n/true/false/t/f/1/0/on/off (an addition: the original wrote
    fixed words); ``canonicalize_country_codes`` writes ISO alpha-2 codes for names, alpha-3 and
    alpha-2 spellings of ~130 countries; ``punctuation`` removes punctuation. Values that match
    nothing are kept."""

    mode: AliasMode = "custom"
    custom_pairs: dict[str, str] = {}
    true_value: str = "true"
    false_value: str = "false"


class AliasReplacementRecord(FittedRecord):
    node_type: str = "AliasReplacement"
    mode: AliasMode
    custom_pairs: dict[str, str]
    true_value: str
    false_value: str


def _alias_key(text: str) -> str:
    return _squash(text).casefold()


def _strip_punctuation(text: str) -> str:
    return _squash("".join(ch for ch in text if not unicodedata.category(ch).startswith("P")))


def _alias_function(record: AliasReplacementRecord) -> Callable[[str], object]:
    if record.mode == "punctuation":
        return _strip_punctuation
    if record.mode == "canonicalize_country_codes":
        return lambda text: COUNTRY_CODES.get(country_key(text), text)
    if record.mode == "normalize_boolean":
        words = dict.fromkeys(_TRUE_WORDS, record.true_value)
        words |= dict.fromkeys(_FALSE_WORDS, record.false_value)
    else:
        words = {_alias_key(k): v for k, v in record.custom_pairs.items()}
    return lambda text: words.get(_alias_key(text), text)


def _fit_alias(
    X: pd.DataFrame, y: pd.Series | None, params: AliasReplacementParams, ctx: NodeContext
) -> AliasReplacementRecord:
    if params.mode == "custom" and not params.custom_pairs:
        raise NodeError(
            f"node '{ctx.node_id}' (AliasReplacement): mode 'custom' needs custom_pairs",
            node_id=ctx.node_id,
            node_type="AliasReplacement",
            field="custom_pairs",
        )
    columns = resolve_columns(X, params.columns, ctx, "AliasReplacement", "categorical")
    return AliasReplacementRecord(
        node_id=ctx.node_id,
        columns=columns,
        mode=params.mode,
        custom_pairs=params.custom_pairs,
        true_value=params.true_value,
        false_value=params.false_value,
    )


def _apply_alias(
    X: pd.DataFrame, y: pd.Series | None, record: AliasReplacementRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    return _apply_text(X, record, _alias_function(record)), y


def _alias_arrays(cols: Columns, record: AliasReplacementRecord) -> Columns:
    return _text_arrays(cols, record, _alias_function(record))


ALIAS_REPLACEMENT: NodeDefinition[AliasReplacementParams, AliasReplacementRecord] = NodeDefinition(
    id="AliasReplacement",
    group="cleaning",
    description="Canonicalises spellings: custom aliases, yes/no words, country codes, "
    "punctuation.",
    params_model=AliasReplacementParams,
    record_model=AliasReplacementRecord,
    learns=False,
    train_only=False,
    calculator=_fit_alias,
    applier=_apply_alias,
    column_flow=same_columns,
    array_applier=_alias_arrays,
)

# --------------------------------------------------------------------------- TextCleaning


class TrimOp(NodeParams):
    op: Literal["trim"]
    mode: Literal["both", "leading", "trailing"] = "both"


class CaseOp(NodeParams):
    op: Literal["case"]
    mode: Literal["lower", "upper", "title", "sentence"] = "lower"


class RemoveSpecialOp(NodeParams):
    op: Literal["remove_special"]
    mode: Literal["keep_alphanumeric", "keep_alphanumeric_space", "letters_only", "digits_only"] = (
        "keep_alphanumeric_space"
    )
    replacement: str = ""


class RegexOp(NodeParams):
    """``extract_digits`` keeps the first run of digits (no digits = missing);
    ``normalize_slash_dates`` rewrites m/d/yyyy (d/m/yyyy with ``day_first``) as yyyy-mm-dd, a
    two-digit year 00-68 meaning 20xx and 69-99 19xx (as strptime's %y); impossible dates stay."""

    op: Literal["regex"]
    mode: Literal["custom", "collapse_whitespace", "extract_digits", "normalize_slash_dates"] = (
        "collapse_whitespace"
    )
    pattern: str = ""
    replacement: str = ""
    day_first: bool = False

    # Checked as the parameters are read (validation, preview, fit), not at the first match.
    @field_validator("pattern")
    @classmethod
    def _pattern_compiles(cls, pattern: str, info: ValidationInfo) -> str:
        problem = pattern_problem(pattern) if info.data.get("mode") == "custom" else None
        if problem is not None:
            raise ValueError(f"the pattern {problem}")
        return pattern

    @field_validator("replacement")
    @classmethod
    def _replacement_fits(cls, replacement: str, info: ValidationInfo) -> str:
        pattern = info.data.get("pattern")  # absent when the pattern itself is wrong
        if info.data.get("mode") == "custom" and pattern:
            problem = template_problem(pattern, replacement)
            if problem is not None:
                raise ValueError(f"the replacement {problem}")
        return replacement


TextOperation = Annotated[TrimOp | CaseOp | RemoveSpecialOp | RegexOp, Field(discriminator="op")]


def _default_operations() -> list[TextOperation]:
    return [TrimOp(op="trim")]


class TextCleaningParams(ColumnsParams):
    """Text columns only; ``operations`` run in order (default: trim both ends)."""

    operations: list[TextOperation] = Field(default_factory=_default_operations)


class TextCleaningRecord(FittedRecord):
    node_type: str = "TextCleaning"
    operations: list[TextOperation]


_SPECIAL = {
    "keep_alphanumeric": re.compile(r"[\W_]+"),
    "keep_alphanumeric_space": re.compile(r"[^\w\s]+|_+"),
    "letters_only": re.compile(r"[\W\d_]+"),
    "digits_only": re.compile(r"\D+"),
}
_DIGITS = re.compile(r"\d+")
_SLASH_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b")


def _slash_date(match: re.Match[str], day_first: bool) -> str:
    a, b, year = match.group(1), match.group(2), match.group(3)
    month, day = (int(b), int(a)) if day_first else (int(a), int(b))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return match.group(0)
    full = int(year) if len(year) == 4 else (2000 if int(year) < 69 else 1900) + int(year)
    return f"{full:04d}-{month:02d}-{day:02d}"


def _first_digits(text: str) -> str | float:
    found = _DIGITS.search(text)
    return np.nan if found is None else found.group(0)


def _step(op: TextOperation, node_id: str, index: int) -> Callable[[str], object]:
    if isinstance(op, TrimOp):
        return {"both": str.strip, "leading": str.lstrip, "trailing": str.rstrip}[op.mode]
    if isinstance(op, CaseOp):
        if op.mode == "sentence":
            return lambda t: t[:1].upper() + t[1:].lower()
        return {"lower": str.lower, "upper": str.upper, "title": str.title}[op.mode]
    if isinstance(op, RemoveSpecialOp):
        special, repl = _SPECIAL[op.mode], op.replacement
        return lambda t: special.sub(repl, t)
    if op.mode == "collapse_whitespace":
        return _squash
    if op.mode == "extract_digits":
        return _first_digits
    if op.mode == "normalize_slash_dates":
        day_first = op.day_first
        return lambda t: _SLASH_DATE.sub(lambda m: _slash_date(m, day_first), t)
    field = f"operations.{index}.pattern"
    return substitution(op.pattern, op.replacement, node_id, "TextCleaning", field)


def _cleaner(record: TextCleaningRecord) -> Callable[[str], object]:
    steps = [_step(op, record.node_id, i) for i, op in enumerate(record.operations)]

    def clean(text: str) -> object:
        value: object = text
        for step in steps:
            if not isinstance(value, str):  # extract_digits found nothing: missing stays missing
                break
            value = step(value)
        return value

    return clean


def _fit_text_cleaning(
    X: pd.DataFrame, y: pd.Series | None, params: TextCleaningParams, ctx: NodeContext
) -> TextCleaningRecord:
    columns = resolve_columns(X, params.columns, ctx, "TextCleaning", "categorical")
    return TextCleaningRecord(node_id=ctx.node_id, columns=columns, operations=params.operations)


def _apply_text_cleaning(
    X: pd.DataFrame, y: pd.Series | None, record: TextCleaningRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    return _apply_text(X, record, _cleaner(record)), y


def _text_cleaning_arrays(cols: Columns, record: TextCleaningRecord) -> Columns:
    return _text_arrays(cols, record, _cleaner(record))


TEXT_CLEANING: NodeDefinition[TextCleaningParams, TextCleaningRecord] = NodeDefinition(
    id="TextCleaning",
    group="cleaning",
    description="Cleans text: trimming, case, special characters and regular-expression rules.",
    params_model=TextCleaningParams,
    record_model=TextCleaningRecord,
    learns=False,
    train_only=False,
    calculator=_fit_text_cleaning,
    applier=_apply_text_cleaning,
    column_flow=same_columns,
    array_applier=_text_cleaning_arrays,
)

NODES: list[NodeDefinition] = [ALIAS_REPLACEMENT, TEXT_CLEANING]
