"""The state the rules share while they run: the profile, the target, what earlier rules did.

Rules run in canvas order. A rule that drops, retypes or adds columns says so here, so later
rules see the columns as they will reach them (a cast column is imputed as a number, a dropped
one is not encoded, the date parts are imputed when the dates had gaps).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import polars as pl

from skyulf_core.advisor.schema import NodeSuggestion, Recommendation, Stage
from skyulf_core.models import get_model, is_model
from skyulf_core.nodes import get_node
from skyulf_core.profiling import ColumnProfile, DatasetProfile
from skyulf_core.profiling.schema import Severity, TargetAnalysis

Task = Literal["classification", "regression"]


def names(cols: list[ColumnProfile]) -> list[str]:
    return [c.name for c in cols]


def listing(cols: list[str]) -> str:
    shown = ", ".join(f"'{c}'" for c in cols[:6])
    return shown + (f" and {len(cols) - 6} more" if len(cols) > 6 else "")


def subject(cols: list[str], singular: str, plural: str) -> str:
    """``'a' is`` / ``'a', 'b' are``: messages read as sentences for one column or many."""
    return f"{listing(cols)} {singular if len(cols) == 1 else plural}"


def node(node_type: str, params: dict[str, Any], who: str) -> NodeSuggestion:
    """A node (or model) configuration, validated against its own parameter model, so the
    canvas never receives a broken one."""
    if is_model(node_type):
        get_model(node_type).parse_params(params, f"advisor:{who}")
    else:
        get_node(node_type).parse_params(params, f"advisor:{who}")
    return NodeSuggestion(type=node_type, params=params)


def stage_of(suggestion: NodeSuggestion) -> Stage:
    """A model goes last; a node that learns from data (with these params) after the split."""
    if is_model(suggestion.type):
        return "model"
    definition = get_node(suggestion.type)
    learns = definition.learns_with(definition.parse_params(suggestion.params, "advisor"))
    return "after_split" if learns else "before_split"


@dataclass
class Advice:
    profile: DatasetProfile
    target: str | None
    task: Task | None
    model: str | None
    model_params: dict[str, Any] = field(default_factory=dict)
    # Rows of the dataset (all, or an even sample) for the rules that need values.
    sample: pl.DataFrame | None = None
    analysis: TargetAnalysis | None = None
    metric: str | None = None
    columns: dict[str, ColumnProfile] = field(default_factory=dict)
    dropped: set[str] = field(default_factory=set)
    # Columns a dedicated node already turns into model inputs (dates, text, target encoding).
    handled: set[str] = field(default_factory=set)
    out: list[Recommendation] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.columns:
            self.columns = {c.name: c for c in self.profile.columns if c.name != self.target}

    def live(self, keep: Callable[[ColumnProfile], bool] = lambda c: True) -> list[ColumnProfile]:
        """Features still headed for the model as they are, that ``keep`` accepts."""
        return [
            c
            for c in self.columns.values()
            if c.name not in self.dropped and c.name not in self.handled and keep(c)
        ]

    def retype(self, name: str, **update: Any) -> None:
        self.columns[name] = self.columns[name].model_copy(update=update)

    def add_column(self, column: ColumnProfile) -> None:
        self.columns[column.name] = column

    def add(
        self,
        rule: str,
        title: str,
        message: str,
        cols: list[str],
        severity: Severity,
        nodes: list[NodeSuggestion],
        *,
        statistic: float | None = None,
        stage: Stage | None = None,
        rec_id: str | None = None,
    ) -> None:
        self.out.append(
            Recommendation(
                id=rec_id or rule,
                rule=rule,
                title=title,
                message=message,
                columns=cols,
                severity=severity,
                node=nodes[0] if nodes else None,
                alternatives=nodes[1:],
                statistic=None if statistic is None else round(float(statistic), 6),
                stage=stage or (stage_of(nodes[0]) if nodes else "none"),
            )
        )

    def drop(
        self,
        rule: str,
        title: str,
        message: str,
        cols: list[str],
        severity: Severity,
        statistic: float | None = None,
    ) -> None:
        """Drop ``cols`` before the split (a stateless DropMissingColumns)."""
        if not cols:
            return
        self.dropped.update(cols)
        params = {"columns": cols, "threshold": 0.0}
        self.add(
            rule,
            title,
            message,
            cols,
            severity,
            [node("DropMissingColumns", params, rule)],
            statistic=statistic,
        )
