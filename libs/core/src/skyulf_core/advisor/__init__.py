"""Rules that turn a dataset profile into ready-to-drop preprocessing nodes, and a whole
pipeline assembled from them."""

from skyulf_core.advisor.advise import advise, recommend
from skyulf_core.advisor.pipeline import SuggestedPipeline, suggest_pipeline
from skyulf_core.advisor.registry import RULES
from skyulf_core.advisor.schema import NodeSuggestion, Recommendation

__all__ = [
    "RULES",
    "NodeSuggestion",
    "Recommendation",
    "SuggestedPipeline",
    "advise",
    "recommend",
    "suggest_pipeline",
]
