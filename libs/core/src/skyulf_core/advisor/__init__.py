"""Rules that turn a dataset profile into ready-to-drop preprocessing nodes."""

from skyulf_core.advisor.rules import NodeSuggestion, Recommendation, recommend

__all__ = ["NodeSuggestion", "Recommendation", "recommend"]
