"""Advisor's business logic: synchronous and transport-free; the rules live in skyulf_core."""

from __future__ import annotations

from skyulf_core.advisor import Recommendation, recommend
from skyulf_core.profiling import DatasetProfile


class AdvisorService:
    def recommendations(
        self, profile: DatasetProfile, target: str | None = None
    ) -> list[Recommendation]:
        """Suggestions for this profile; an unknown target column is a NotFound naming it."""
        return recommend(profile, target or None)
