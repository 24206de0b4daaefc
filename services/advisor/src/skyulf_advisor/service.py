"""Advisor's business logic: synchronous and transport-free; the rules live in skyulf_core."""

from __future__ import annotations

from typing import Literal, cast

import polars as pl

from skyulf_core.advisor import Recommendation, SuggestedPipeline, recommend, suggest_pipeline
from skyulf_core.profiling import DatasetProfile
from skyulf_errors import InvalidArgument

TASKS = ("classification", "regression")


class AdvisorService:
    def recommendations(
        self,
        profile: DatasetProfile,
        target: str | None = None,
        sample: pl.DataFrame | None = None,
    ) -> list[Recommendation]:
        """Suggestions for this profile; an unknown target column is a NotFound naming it."""
        return recommend(profile, target or None, sample=sample)

    def pipeline(
        self,
        profile: DatasetProfile,
        target: str,
        sample: pl.DataFrame | None = None,
        task: str | None = None,
        model: str | None = None,
    ) -> SuggestedPipeline:
        if not target:
            raise InvalidArgument(
                "a suggested pipeline needs a target column", details={"field": "target"}
            )
        if task and task not in TASKS:
            raise InvalidArgument(
                f"task must be one of {', '.join(TASKS)}, not '{task}'", details={"field": "task"}
            )
        chosen = cast(Literal["classification", "regression"] | None, task or None)
        return suggest_pipeline(profile, target, sample=sample, task=chosen, model=model or None)
