"""Every advisor rule, in the order its node belongs on the canvas: the one place rules are
registered. Column drops and stateless clean-up first, the split, then what learns from data,
the model last."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from skyulf_core.advisor.context import Advice
from skyulf_core.advisor.rules import (
    boolean_aliases,
    constant,
    correlated,
    dates,
    duplicates,
    high_cardinality,
    id_columns,
    imbalance,
    impute_categorical,
    impute_numeric,
    invalid_values,
    leakage,
    missing_indicator,
    model,
    mostly_missing,
    numbers_as_text,
    one_hot,
    ordinal,
    outliers,
    scale,
    skew,
    split,
    text,
)

_MODULES: tuple[ModuleType, ...] = (
    # Numbers stored as text first: distinct prices are measurements, not identifiers.
    numbers_as_text,
    id_columns,
    leakage,
    mostly_missing,
    constant,
    correlated,
    duplicates,
    boolean_aliases,
    invalid_values,
    dates,
    split,
    text,
    missing_indicator,
    impute_numeric,
    impute_categorical,
    outliers,
    skew,
    ordinal,
    high_cardinality,
    one_hot,
    scale,
    imbalance,
    model,
)
RULES: dict[str, Callable[[Advice], None]] = {m.ID: m.apply for m in _MODULES}
