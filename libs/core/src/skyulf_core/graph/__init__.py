"""Pipeline graphs: the spec, validation (incl. the leakage guard), training and preview."""

from skyulf_core.graph.executor import TrainResult, train_pipeline
from skyulf_core.graph.preview import NodePreview, preview_pipeline
from skyulf_core.graph.spec import GraphEdge, GraphNode, PipelineGraph, parse_graph
from skyulf_core.graph.validation import GraphIssue, ValidationReport, check_graph, validate_graph

__all__ = [
    "GraphEdge",
    "GraphIssue",
    "GraphNode",
    "NodePreview",
    "PipelineGraph",
    "TrainResult",
    "ValidationReport",
    "check_graph",
    "parse_graph",
    "preview_pipeline",
    "train_pipeline",
    "validate_graph",
]
