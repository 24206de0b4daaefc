"""Recommendation rules over a dataset profile, each ending in a node ready for the canvas.

Rules are returned in the order the nodes belong on the canvas: drops (stateless) first, then
the split, then what learns from data (imputers, encoders, scalers) after the split, so the
recommended pipeline passes the leakage guard as it stands.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from skyulf_core.errors import NotFound
from skyulf_core.nodes import get_node
from skyulf_core.profiling import ColumnProfile, DatasetProfile
from skyulf_core.profiling.schema import Severity

MOSTLY_MISSING = 0.5
SKEWED = 1.0
MAX_ONE_HOT = 20  # OneHotEncoder's default max_categories
MAX_CLASSES = 20


class NodeSuggestion(BaseModel):
    type: str
    params: dict[str, Any]


class Recommendation(BaseModel):
    id: str
    rule: str
    title: str
    message: str
    columns: list[str]
    severity: Severity
    node: NodeSuggestion


def _names(cols: list[ColumnProfile]) -> list[str]:
    return [c.name for c in cols]


def _listing(cols: list[str]) -> str:
    shown = ", ".join(f"'{c}'" for c in cols[:6])
    return shown + (f" and {len(cols) - 6} more" if len(cols) > 6 else "")


def _subject(cols: list[str], singular: str, plural: str) -> str:
    """``'a' is`` / ``'a', 'b' are``: messages read as sentences for one column or many."""
    return f"{_listing(cols)} {singular if len(cols) == 1 else plural}"


class _Advisor:
    def __init__(self, profile: DatasetProfile, target: str | None) -> None:
        self.target = target
        self.features = [c for c in profile.columns if c.name != target]
        self.dropped: set[str] = set()
        self.out: list[Recommendation] = []

    def live(self, keep: Callable[[ColumnProfile], bool]) -> list[ColumnProfile]:
        return [c for c in self.features if c.name not in self.dropped and keep(c)]

    def add(
        self,
        rule: str,
        title: str,
        message: str,
        cols: list[str],
        severity: Severity,
        node_type: str,
        params: dict[str, Any],
        rec_id: str | None = None,
    ) -> None:
        # Validate against the node's own model, so the canvas never receives a broken node.
        get_node(node_type).parse_params(params, f"advisor:{rule}")
        self.out.append(
            Recommendation(
                id=rec_id or rule,
                rule=rule,
                title=title,
                message=message,
                columns=cols,
                severity=severity,
                node=NodeSuggestion(type=node_type, params=params),
            )
        )

    def drop(
        self,
        rule: str,
        title: str,
        why: tuple[str, str],
        cols: list[ColumnProfile],
        severity: Severity,
    ) -> None:
        names = _names(cols)
        if not names:
            return
        self.dropped.update(names)
        self.add(
            rule,
            title,
            f"{_subject(names, *why)}",
            names,
            severity,
            "DropMissingColumns",
            {"columns": names, "threshold": 0.0},
        )


def _is_classification_target(col: ColumnProfile) -> bool:
    if col.kind in ("categorical", "boolean"):
        return True
    whole = col.min is not None and isinstance(col.min, float) and col.min.is_integer()
    return col.kind == "numeric" and whole and col.unique_count <= MAX_CLASSES


def _split(adv: _Advisor, target_col: ColumnProfile) -> None:
    classes = _is_classification_target(target_col)
    counts = [v.count for v in target_col.top_values]
    # Stratifying needs every class twice; top values cover all classes when there are few.
    stratify = classes and len(counts) == target_col.unique_count and min(counts, default=0) >= 2
    adv.add(
        "split",
        "Split train and test rows",
        f"Every node that learns from data must come after the split; target '{target_col.name}'"
        + (" is a class label, so the split is stratified." if stratify else "."),
        [target_col.name],
        "critical",
        "TrainTestSplitter",
        {"target_column": target_col.name, "stratify": bool(stratify)},
    )


def _impute(adv: _Advisor) -> None:
    numeric = adv.live(lambda c: c.kind == "numeric" and c.missing_count > 0)
    skewed = [c for c in numeric if c.skew is not None and abs(c.skew) > SKEWED]
    regular = [c for c in numeric if c not in skewed]
    for cols, strategy, why in (
        (regular, "mean", "the values are roughly symmetric, so the mean is a fair fill"),
        (skewed, "median", "the values are skewed, so the median is safer than the mean"),
    ):
        if cols:
            names = _names(cols)
            adv.add(
                "impute_numeric",
                f"Fill missing numbers with the {strategy}",
                f"{_subject(names, 'has', 'have')} missing values; {why}.",
                names,
                "warning",
                "SimpleImputer",
                {"strategy": strategy, "columns": names},
                rec_id=f"impute_numeric_{strategy}",
            )
    cats = adv.live(lambda c: c.kind in ("categorical", "boolean") and c.missing_count > 0)
    if cats:
        names = _names(cats)
        adv.add(
            "impute_categorical",
            "Fill missing categories with the most frequent",
            f"{_subject(names, 'has', 'have')} missing values.",
            names,
            "warning",
            "SimpleImputer",
            {"strategy": "most_frequent", "columns": names},
        )


def recommend(profile: DatasetProfile, target: str | None = None) -> list[Recommendation]:
    """Preprocessing suggestions for ``profile``, each with a node ready for the canvas."""
    target_col = None
    if target is not None:
        target_col = profile.column(target)
        if target_col is None:
            raise NotFound(
                f"target column '{target}' is not in the dataset", details={"column": target}
            )
    adv = _Advisor(profile, target)
    adv.drop(
        "drop_id_columns",
        "Drop identifier columns",
        (
            "looks like an identifier: a model would memorise it instead of learning.",
            "look like identifiers: a model would memorise them instead of learning.",
        ),
        adv.live(lambda c: c.kind == "id"),
        "warning",
    )
    adv.drop(
        "drop_mostly_missing",
        "Drop mostly-missing columns",
        (
            f"is missing in more than {MOSTLY_MISSING:.0%} of rows; imputing it would mostly "
            "invent data.",
            f"are missing in more than {MOSTLY_MISSING:.0%} of rows; imputing them would "
            "mostly invent data.",
        ),
        adv.live(lambda c: c.missing_ratio > MOSTLY_MISSING),
        "warning",
    )
    adv.drop(
        "drop_constant",
        "Drop constant columns",
        (
            "holds a single value and cannot inform a model.",
            "hold a single value and cannot inform a model.",
        ),
        adv.live(lambda c: c.unique_count <= 1),
        "warning",
    )
    adv.drop(
        "drop_unencodable",
        "Drop free text, dates and high-cardinality columns",
        (
            "needs a dedicated feature node (dates, text) before a model can use it; until "
            "then it would stop training.",
            "need dedicated feature nodes (dates, text) before a model can use them; until "
            "then they would stop training.",
        ),
        adv.live(
            lambda c: (
                c.kind in ("text", "datetime")
                or (c.kind == "categorical" and c.unique_count > MAX_ONE_HOT)
            )
        ),
        "info",
    )
    if target_col is not None:
        _split(adv, target_col)
    _impute(adv)
    cats = adv.live(lambda c: c.kind == "categorical" and 2 <= c.unique_count <= MAX_ONE_HOT)
    if cats:
        names = _names(cats)
        adv.add(
            "one_hot_encode",
            "One-hot encode categories",
            f"{_subject(names, 'is a category', 'are categories')} with few distinct "
            "values; models need 0/1 columns.",
            names,
            "warning",
            "OneHotEncoder",
            {"columns": names},
        )
    numeric = adv.live(lambda c: c.kind == "numeric" and c.unique_count > 2)
    if numeric:
        names = _names(numeric)
        adv.add(
            "scale_numeric",
            "Standardise numeric columns",
            f"{_subject(names, 'is', 'are')} numeric; linear models, SVMs and neighbours "
            "work best on standardised inputs.",
            names,
            "info",
            "StandardScaler",
            {"columns": names},
        )
    return adv.out
