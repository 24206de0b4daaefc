"""What the advisor returns: recommendations, each with ready node configurations."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from skyulf_core.profiling.schema import Severity

# Where a recommendation's node belongs: stateless clean-up before the split, the split itself,
# what learns from data after it, and the model last.
Stage = Literal["before_split", "split", "after_split", "model", "none"]


class NodeSuggestion(BaseModel):
    type: str
    params: dict[str, Any]


class Recommendation(BaseModel):
    id: str
    rule: str
    title: str
    # The plain-language reason, naming the columns and the statistic.
    message: str
    columns: list[str]
    severity: Severity
    # The first ready configuration (None for a warning with nothing to place).
    node: NodeSuggestion | None = None
    # Other ready configurations for the same finding (e.g. hashing instead of target encoding).
    alternatives: list[NodeSuggestion] = []
    # The measured statistic that triggered the rule (a share, a skewness, a coefficient...).
    statistic: float | None = None
    stage: Stage = "after_split"
