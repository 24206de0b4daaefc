"""The HTTP bodies: request models and the public shapes returned to clients."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field

JsonObject = dict[str, Any]

# The widest numbers the gRPC messages behind the routes can carry (proto int32 / int64 fields).
INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1
# A path number the service answers (404 when there is no such version) but proto can carry.
INT32_PATH = Path(ge=-(2**31), le=INT32_MAX)


class ErrorBody(BaseModel):
    code: str
    message: str
    details: JsonObject = Field(default_factory=dict)


class ErrorEnvelope(BaseModel):
    error: ErrorBody


_ERROR_STATUSES: dict[int | str, str] = {
    400: "The request is invalid; `details.field` names the fault.",
    401: "No valid session or API key: sign in, or send `Authorization: Bearer <key>`.",
    403: "The caller may not do this (role, key scopes, or a missing X-CSRF-Token).",
    404: "Something the request names does not exist.",
    409: "The request conflicts with the current state (not ready yet, already done, taken).",
    413: "The upload or the request body is larger than the limit.",
    415: "The uploaded file is of a type that is never read (`details.file` names it).",
    429: "Too many attempts: `details.retry_after_s` says when to try again.",
    "5XX": "A platform service failed (500) or is not reachable (503).",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the error statuses a route can answer, each the envelope. Every
    route can also answer 5XX, when a service behind it fails or is down."""
    keys: list[int | str] = [*statuses, *(c for c in (401, 403) if c not in statuses), "5XX"]
    return {key: {"model": ErrorEnvelope, "description": _ERROR_STATUSES[key]} for key in keys}


class ColumnPublic(BaseModel):
    name: str
    dtype: str


class DatasetPublic(BaseModel):
    id: str
    name: str
    status: Literal["PENDING", "READY", "FAILED", "UNSPECIFIED"]
    source_filename: str
    size_bytes: int
    n_rows: int
    n_columns: int
    columns: list[ColumnPublic]
    error: str | None
    created_at: datetime | None
    updated_at: datetime | None
    source_kind: Literal["upload", "sql", "http", "s3"] = "upload"
    version: int = 1


class DatasetVersionPublic(BaseModel):
    version: int
    source_filename: str
    size_bytes: int
    n_rows: int
    n_columns: int
    columns: list[ColumnPublic]
    checksum: str
    created_at: datetime | None


class DatasetVersionList(BaseModel):
    dataset_id: str
    versions: list[DatasetVersionPublic]


class DatasetList(BaseModel):
    datasets: list[DatasetPublic]
    total: int


class SqlSourceCreate(BaseModel):
    kind: Literal["sql"]
    url: str = Field(
        min_length=1,
        max_length=2000,
        description="SQLAlchemy URL (postgresql, mysql, mariadb, sqlite); stored encrypted",
    )
    table: str = Field(default="", max_length=300, description="a (schema.)table name")
    query: str = Field(default="", max_length=100_000, description="a single SELECT")


class HttpSourceCreate(BaseModel):
    kind: Literal["http"]
    url: str = Field(min_length=1, max_length=2000)
    records_path: str = Field(default="", max_length=300, description="dotted path to the array")
    pagination: Literal["none", "page", "cursor"] = "none"
    page_param: str = Field(default="page", max_length=100)
    cursor_path: str = Field(default="", max_length=300)
    max_pages: int = Field(default=100, ge=1, le=10_000)
    auth_header_name: str = Field(default="", max_length=100)
    auth_header_value: str = Field(default="", max_length=4000, description="stored encrypted")


class S3SourceCreate(BaseModel):
    kind: Literal["s3"]
    uri: str = Field(min_length=6, max_length=2000, description="s3://bucket/key")
    sheet: str = Field(default="", max_length=200)
    header_row: int = Field(default=0, ge=0, le=1_000_000)


class DatasetSourceCreate(BaseModel):
    name: str = Field(default="", max_length=200)
    source: Annotated[
        SqlSourceCreate | HttpSourceCreate | S3SourceCreate, Field(discriminator="kind")
    ]


class ValueCountPublic(BaseModel):
    value: str | int | float | bool | None
    count: int


class HistogramPublic(BaseModel):
    edges: list[float]
    counts: list[int]


class ColumnProfilePublic(BaseModel):
    name: str
    dtype: str
    kind: Literal["numeric", "categorical", "text", "datetime", "boolean", "id"]
    missing_count: int
    missing_ratio: float
    unique_count: int
    min: float | str | None = None
    max: float | str | None = None
    mean: float | None = None
    std: float | None = None
    median: float | None = None
    skew: float | None = None
    top_values: list[ValueCountPublic] = []
    histogram: HistogramPublic | None = None
    q05: float | None = None
    q25: float | None = None
    q75: float | None = None
    q95: float | None = None
    kurtosis: float | None = None
    zeros_count: int | None = None
    infinite_count: int | None = None
    outliers_iqr: int | None = None
    length_min: int | None = None
    length_mean: float | None = None
    length_max: int | None = None
    personal_data: Literal["email", "phone"] | None = None


class DataAlertPublic(BaseModel):
    kind: str
    column: str | None
    severity: Literal["info", "warning", "critical"]
    message: str
    statistic: float | None = None


class CorrelationMatrixPublic(BaseModel):
    columns: list[str]
    values: list[list[float | None]]


class FeatureAssociationPublic(BaseModel):
    feature: str
    method: Literal["spearman", "correlation_ratio", "cramers_v"]
    value: float


class TargetAnalysisPublic(BaseModel):
    target: str
    task: Literal["classification", "regression"]
    class_balance: list[ValueCountPublic] = []
    mean: float | None = None
    std: float | None = None
    histogram: HistogramPublic | None = None
    associations: list[FeatureAssociationPublic] = []


class CorrelationsPublic(BaseModel):
    pearson: CorrelationMatrixPublic | None = None
    spearman: CorrelationMatrixPublic | None = None
    cramers_v: CorrelationMatrixPublic | None = None


class TargetAnalysisResult(BaseModel):
    """The profile's target analysis for a chosen target column, and its leakage alerts."""

    dataset_id: str
    version: int
    analysis: TargetAnalysisPublic
    alerts: list[DataAlertPublic] = []


class DatasetProfilePublic(BaseModel):
    """Per-column statistics and data-quality alerts, as ingestion computed them."""

    # The dataset version profiled.
    version: int
    n_rows: int
    n_columns: int
    duplicate_rows: int
    columns: list[ColumnProfilePublic]
    alerts: list[DataAlertPublic] = []
    memory_bytes: int | None = None
    correlations: CorrelationsPublic | None = None
    target: TargetAnalysisPublic | None = None


class NodeInfoPublic(BaseModel):
    id: str
    group: str
    description: str
    learns: bool
    train_only: bool
    params_schema: JsonObject


class NodeCatalog(BaseModel):
    nodes: list[NodeInfoPublic]


class GraphNodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1)
    type: str = Field(min_length=1)
    params: JsonObject = Field(default_factory=dict)


class GraphEdgeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str = Field(min_length=1)
    target: str = Field(min_length=1)


class PipelineGraphIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    nodes: list[GraphNodeIn]
    edges: list[GraphEdgeIn] = Field(default_factory=list)


class ExportRequest(BaseModel):
    graph: PipelineGraphIn


class ImportedPipelinePublic(BaseModel):
    graph: PipelineGraphIn
    warnings: list[str]


class ValidateRequest(BaseModel):
    model_config = ConfigDict(strict=True)

    graph: PipelineGraphIn
    dataset_id: str | None = None
    partial: bool = Field(
        default=False,
        description="A graph still being drawn: a missing splitter, target or model is no "
        "issue (what a preview of the drawn part needs).",
    )


class GraphIssuePublic(BaseModel):
    node_id: str | None
    field: str | None
    column: str | None
    message: str


class ValidationResult(BaseModel):
    valid: bool
    errors: list[GraphIssuePublic]


class PreviewRequest(BaseModel):
    dataset_id: str
    graph: PipelineGraphIn
    rows: int = Field(default=20, ge=1, le=500)


class SplitSizePublic(BaseModel):
    name: Literal["train", "test", "validation", "all"]
    n_rows: int
    n_columns: int


class NodePreviewPublic(BaseModel):
    node_id: str
    node_type: str
    n_rows: int
    columns: list[ColumnPublic]
    rows: list[JsonObject]
    splits: list[SplitSizePublic] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


class PreviewResult(BaseModel):
    nodes: list[NodePreviewPublic]


class JobCreate(BaseModel):
    dataset_id: str
    graph: PipelineGraphIn
    model_name: str | None = None
    pipeline_id: str | None = Field(
        default=None, description="the saved pipeline the graph comes from"
    )
    pipeline_version: int | None = Field(
        default=None, ge=1, le=INT32_MAX, description="omit for the pipeline's current version"
    )


JobStatus = Literal["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED", "UNSPECIFIED"]


class ModelResultPublic(BaseModel):
    """One model node of the job's graph: where it is registered and how it scored."""

    node_id: str
    model_type: str
    model_name: str
    model_version: int | None
    metrics: dict[str, float]


class JobPublic(BaseModel):
    id: str
    kind: str
    dataset_id: str
    status: JobStatus
    progress: float
    message: str
    metrics: dict[str, float]
    model_name: str
    model_version: int | None
    error: ErrorBody | None
    created_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    pipeline_id: str | None = None
    pipeline_version: int | None = None
    # One entry per model node (a branching graph trains several); model_name, model_version
    # and metrics above describe the first.
    results: list[ModelResultPublic] = []
    attempts: int = 0
    retry_of: str | None = None
    # Lineage: the dataset version the job reads (null for jobs from before versions).
    dataset_version: int | None = None


class JobList(BaseModel):
    jobs: list[JobPublic]
    total: int


class LineagePublic(BaseModel):
    dataset_id: str
    # The dataset version trained on (null when not recorded).
    dataset_version: int | None = None
    job_id: str
    pipeline: JsonObject | None


class ModelVersionPublic(BaseModel):
    name: str
    version: int
    task: str
    model_type: str
    metrics: dict[str, float]
    signature: JsonObject | None
    lineage: LineagePublic
    bundle_uri: str
    created_at: datetime | None
    runtime: str = Field(
        default="sklearn",
        description="what serves the version: onnxruntime (compiled, checked equal to "
        "scikit-learn when written) or sklearn",
    )
    description: str = ""
    tags: dict[str, str] = {}
    aliases: list[str] = []


class MetricDeltaPublic(BaseModel):
    metric: str
    a: float | None
    b: float | None


class ModelVersionComparison(BaseModel):
    a: ModelVersionPublic
    b: ModelVersionPublic
    metrics: list[MetricDeltaPublic]
    nodes_changed: list[str] = Field(description="pipeline nodes added, removed or changed in b")
    same_dataset: bool
    same_signature: bool


class ModelVersionUpdate(BaseModel):
    description: str | None = Field(default=None, max_length=10_000)
    tags: dict[str, str] | None = Field(default=None, description="replaces all tags")


class ModelAliasSet(BaseModel):
    version: int = Field(ge=1, le=INT32_MAX)
    protected: bool = False
    allow_protected: bool = Field(
        default=False, description="needed to move or unprotect a protected alias"
    )


class ModelAliasPublic(BaseModel):
    name: str
    alias: str
    version: int
    protected: bool
    updated_at: datetime | None
    previous_version: int | None = None


class RegisteredModelPublic(BaseModel):
    name: str
    latest_version: int
    task: str
    created_at: datetime | None
    updated_at: datetime | None


class ModelList(BaseModel):
    models: list[RegisteredModelPublic]
    total: int


class ModelVersionList(BaseModel):
    versions: list[ModelVersionPublic]


class DeploymentCreate(BaseModel):
    model_name: str = Field(min_length=1)
    model_version: int | None = Field(
        default=None, ge=1, le=INT32_MAX, description="omit for the latest"
    )
    model_alias: str | None = Field(
        default=None, max_length=64, description="follow this alias instead of a version"
    )
    name: str | None = None


class DeploymentUpdate(BaseModel):
    """Give model_version or model_alias to move the endpoint; canary_* to set its canary."""

    model_config = ConfigDict(strict=True)

    model_version: int | None = Field(default=None, ge=1, le=INT32_MAX)
    model_alias: str | None = Field(default=None, max_length=64)
    canary_version: int | None = Field(
        default=None, ge=1, le=INT32_MAX, description="omit (or percent 0) for no canary"
    )
    canary_percent: int = Field(default=0, ge=0, le=100)
    log_sample_rate: float | None = Field(
        default=None, ge=0.0, le=1.0, description="share of calls whose inputs are logged (0: off)"
    )
    batch_max_size: int | None = Field(
        default=None, ge=0, le=4096, description="adaptive batching: rows per batch (0/1: off)"
    )
    batch_max_wait_ms: int | None = Field(
        default=None, ge=0, le=1000, description="adaptive batching: longest wait for a batch"
    )
    settings_only: bool = Field(
        default=False, description="change only the serving settings, not version or canary"
    )


class DeploymentPublic(BaseModel):
    id: str
    name: str
    model_name: str
    model_version: int
    status: Literal["ACTIVE", "DELETED", "UNSPECIFIED"]
    created_at: datetime | None
    updated_at: datetime | None
    model_alias: str | None = None
    previous_version: int | None = None
    canary_version: int | None = None
    canary_percent: int = 0
    last_error: str | None = Field(
        default=None, description="why the last requested version did not take traffic"
    )
    log_sample_rate: float = 0.0
    batch_max_size: int = 0
    batch_max_wait_ms: int = 0


class DeploymentList(BaseModel):
    deployments: list[DeploymentPublic]


class VersionStatsPublic(BaseModel):
    version: int
    role: Literal["primary", "canary", "other"]
    requests: int
    errors: int
    error_rate: float
    rows: int
    # This version's share of the endpoint's requests (0-1).
    share: float
    latency_mean_ms: float
    latency_p50_ms: float
    latency_p95_ms: float


class DeploymentStats(BaseModel):
    """Per-version counters summed over every prediction server, each since it started."""

    deployment_id: str
    name: str
    # The prediction servers counted, and the addresses that did not answer.
    servers: list[str]
    unreachable: list[str]
    since: datetime | None
    versions: list[VersionStatsPublic]


JobState = Literal["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "UNSPECIFIED"]


class BatchJobCreate(BaseModel):
    """Score a dataset with an endpoint (deployment_id) or a registered version (model_name)."""

    model_config = ConfigDict(strict=True)

    deployment_id: str | None = Field(default=None, description="an endpoint's id or name")
    model_name: str | None = None
    model_version: int | None = Field(
        default=None, ge=1, le=INT32_MAX, description="with model_name; the latest if absent"
    )
    dataset_id: str = Field(min_length=1)
    dataset_version: int | None = Field(
        default=None, ge=1, le=INT32_MAX, description="the current version if absent"
    )
    key_columns: list[str] = Field(
        default_factory=list, max_length=32, description="input columns copied to the output"
    )
    output_name: str | None = Field(default=None, max_length=200)


class BatchJobPublic(BaseModel):
    id: str
    deployment_id: str | None
    model_name: str
    model_version: int
    dataset_id: str
    dataset_version: int | None
    key_columns: list[str]
    status: JobState
    error: str | None
    n_rows: int
    output_dataset_id: str | None
    output_name: str
    created_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None


class BatchJobList(BaseModel):
    jobs: list[BatchJobPublic]


class DriftReportCreate(BaseModel):
    """Current data: a dataset (dataset_id), or the inputs the endpoint logged (days)."""

    model_config = ConfigDict(strict=True)

    dataset_id: str | None = None
    dataset_version: int | None = Field(default=None, ge=1, le=INT32_MAX)
    days: int | None = Field(
        default=None, ge=1, le=90, description="logged inputs of the last N days"
    )


class DriftTest(BaseModel):
    test: Literal["psi", "ks", "wasserstein", "chi2"]
    value: float
    p_value: float | None = None
    severity: Literal["none", "low", "medium", "high"]


class DriftColumn(BaseModel):
    name: str
    kind: Literal["numeric", "categorical"]
    n_current: int
    missing_share_reference: float
    missing_share_current: float
    tests: list[DriftTest]
    severity: Literal["none", "low", "medium", "high"]
    bins: list[str]
    reference_shares: list[float]
    current_shares: list[float]


class AlertDelivery(BaseModel):
    """Whether an alert reached the alert webhook (its scheme and host; never its path)."""

    status: Literal["delivered", "failed"]
    target: str
    attempts: int
    error: str | None = None


class DriftResultPublic(BaseModel):
    n_reference: int
    n_current: int
    severity: Literal["none", "low", "medium", "high"]
    columns: list[DriftColumn]
    missing_columns: list[str] = []
    alert: bool = False
    drifted: list[str] = []
    # Set when the alert was pushed to a webhook (SKYULF_ALERT_WEBHOOK_URL).
    alert_delivery: AlertDelivery | None = None


class DriftReportPublic(BaseModel):
    id: str
    deployment_id: str
    model_name: str
    model_version: int
    source: Literal["dataset", "logged_inputs"]
    dataset_id: str | None
    dataset_version: int | None
    days: int | None
    status: JobState
    error: str | None
    severity: Literal["none", "low", "medium", "high"] | None
    n_rows: int
    result: DriftResultPublic | None
    created_at: datetime | None
    finished_at: datetime | None


class DriftReportList(BaseModel):
    reports: list[DriftReportPublic]


class PredictRequest(BaseModel):
    rows: list[JsonObject] = Field(min_length=1, max_length=100_000)


class PredictResponse(BaseModel):
    deployment_id: str
    model_name: str
    model_version: int
    predictions: list[Any]
    probabilities: list[dict[str, float]] | None = None


class SuggestedNodePublic(BaseModel):
    type: str
    params: JsonObject


class RecommendationPublic(BaseModel):
    id: str
    rule: str
    title: str
    message: str
    columns: list[str]
    severity: str
    node: SuggestedNodePublic | None
    # Other ready configurations for the same finding.
    alternatives: list[SuggestedNodePublic] = Field(default_factory=list)
    # The measured statistic that triggered the rule.
    statistic: float | None = None
    stage: Literal["before_split", "split", "after_split", "model", "none"] = "after_split"


class RecommendationList(BaseModel):
    dataset_id: str
    recommendations: list[RecommendationPublic]


class SuggestPipelineRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    target: str = Field(min_length=1, description="the target column")
    task: Literal["classification", "regression"] | None = Field(
        default=None, description="inferred from the target when absent"
    )
    model: str | None = Field(
        default=None, min_length=1, description="a model id; chosen for the task and size if absent"
    )


class SuggestedPipelinePublic(BaseModel):
    dataset_id: str
    graph: PipelineGraphIn
    task: Literal["classification", "regression"]
    model: str
    # The metric to judge the model by (a metric id the task reports).
    metric: str
    # What the graph is made of, in graph order; their ids are the node ids.
    recommendations: list[RecommendationPublic]


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    services: dict[str, Literal["SERVING", "NOT_SERVING", "UNKNOWN", "UNREACHABLE"]]


class NodePosition(BaseModel):
    """Where a node sits on the canvas; other keys (size, collapsed, ...) are kept as sent."""

    model_config = ConfigDict(extra="allow")
    x: float = Field(strict=True, allow_inf_nan=False)
    y: float = Field(strict=True, allow_inf_nan=False)


PipelineLayout = dict[str, NodePosition]
PIPELINE_NAME = Field(min_length=1, max_length=200)
PIPELINE_DESCRIPTION_MAX = 5000


class PipelineCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = PIPELINE_NAME
    description: str = Field(default="", max_length=PIPELINE_DESCRIPTION_MAX)
    dataset_id: str | None = None
    graph: PipelineGraphIn
    layout: PipelineLayout = Field(default_factory=dict)


class PipelineUpdate(BaseModel):
    """Omitted fields keep their value; ``dataset_id: null`` detaches the dataset."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=PIPELINE_DESCRIPTION_MAX)
    dataset_id: str | None = None
    graph: PipelineGraphIn
    layout: PipelineLayout | None = None


class PipelinePublic(BaseModel):
    id: str
    name: str
    description: str
    dataset_id: str | None
    version: int
    graph: PipelineGraphIn
    layout: JsonObject
    created_at: datetime | None
    updated_at: datetime | None


class PipelineList(BaseModel):
    pipelines: list[PipelinePublic]
    total: int


class PipelineVersionPublic(BaseModel):
    version: int
    name: str
    graph: PipelineGraphIn
    layout: JsonObject
    created_at: datetime | None


class PipelineVersionList(BaseModel):
    versions: list[PipelineVersionPublic]


class PipelineTemplatePublic(BaseModel):
    id: str
    name: str
    description: str
    task: str
    graph: PipelineGraphIn
    layout: JsonObject


class PipelineTemplateList(BaseModel):
    templates: list[PipelineTemplatePublic]


class DatasetRows(BaseModel):
    dataset_id: str
    offset: int
    limit: int
    total: int
    columns: list[ColumnPublic]
    rows: list[JsonObject]
