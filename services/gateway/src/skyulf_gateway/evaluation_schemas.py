"""The public shape of evaluation data (REST contract "Evaluation data"): what the web app's
results charts draw. Curves hold at most 200 points."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class ConfusionMatrixPublic(BaseModel):
    labels: list[str]
    counts: list[list[int]]
    normalized: list[list[float]]


class RocCurvePublic(BaseModel):
    label: str
    fpr: list[float]
    tpr: list[float]
    auc: float


class PrCurvePublic(BaseModel):
    label: str
    precision: list[float]
    recall: list[float]
    average_precision: float


class CalibrationCurvePublic(BaseModel):
    label: str
    mean_predicted: list[float]
    fraction_positive: list[float]
    count: list[int]


class ThresholdAnalysisPublic(BaseModel):
    thresholds: list[float]
    precision: list[float]
    recall: list[float]
    f1: list[float]


class HistogramPublic(BaseModel):
    edges: list[float]
    counts: list[int]


class ResidualsPublic(BaseModel):
    predicted: list[float]
    residual: list[float]
    histogram: HistogramPublic


class NativeImportancePublic(BaseModel):
    feature: str
    importance: float


class PermutationImportancePublic(BaseModel):
    feature: str
    mean: float
    std: float


class PermutationSamplePublic(BaseModel):
    rows: int = Field(description="test rows the features were shuffled on")
    test_rows: int = Field(description="test rows of the split (a seeded sample when more)")
    repeats: int = Field(description="shuffles per feature")


class FeatureImportancesPublic(BaseModel):
    native: list[NativeImportancePublic] | None
    permutation: list[PermutationImportancePublic] | None
    permutation_sample: PermutationSamplePublic | None = None


class ClusterSizePublic(BaseModel):
    cluster: int
    size: int


class CentroidsPublic(BaseModel):
    features: list[str]
    values: list[list[float]]


class ClustersPublic(BaseModel):
    sizes: list[ClusterSizePublic]
    centroids: CentroidsPublic | None


class MetricSummaryPublic(BaseModel):
    mean: float
    std: float
    folds: list[float]


class CrossValidationPublic(BaseModel):
    type: str
    folds: int
    metrics: dict[str, MetricSummaryPublic]
    fold_params: list[dict[str, Any]] | None = Field(
        default=None,
        description="nested_cv: the parameters the inner search chose in each outer fold",
    )


class SplitMetricsPublic(BaseModel):
    train: dict[str, float]
    test: dict[str, float]
    # Absent (not null) when the pipeline has no validation split.
    validation: dict[str, float] | None = Field(None, exclude_if=lambda v: v is None)


class ModelEvaluationPublic(BaseModel):
    node_id: str
    model_type: str
    task: Literal["classification", "regression", "clustering"]
    model_name: str | None
    model_version: int | None
    metrics: SplitMetricsPublic
    cv: CrossValidationPublic | None
    confusion_matrix: ConfusionMatrixPublic | None
    roc_curves: list[RocCurvePublic] | None
    pr_curves: list[PrCurvePublic] | None
    calibration: list[CalibrationCurvePublic] | None
    threshold_analysis: ThresholdAnalysisPublic | None
    residuals: ResidualsPublic | None
    feature_importances: FeatureImportancesPublic | None
    clusters: ClustersPublic | None


class EvaluationPublic(BaseModel):
    job_id: str
    models: list[ModelEvaluationPublic]
