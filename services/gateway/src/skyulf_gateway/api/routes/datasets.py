from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, File, Query, UploadFile, status
from fastapi.responses import StreamingResponse

from skyulf.advisor.v1 import advisor_pb2
from skyulf.ingestion.v1 import ingestion_pb2
from skyulf_errors import InvalidArgument
from skyulf_gateway import converters
from skyulf_gateway import schemas as s
from skyulf_gateway.deps import ClientsDep, SettingsDep
from skyulf_gateway.routing import StrictJsonRoute
from skyulf_platform.grpc.client import translated

router = APIRouter(prefix="/datasets", tags=["datasets"], route_class=StrictJsonRoute)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=s.DatasetPublic,
    responses=s.errors(400, 413, 415),
)
async def upload_dataset(
    clients: ClientsDep,
    settings: SettingsDep,
    file: Annotated[
        UploadFile, File(description="a CSV, TSV, Parquet, JSON, NDJSON, XLSX or XLS file")
    ],
    name: Annotated[str | None, Query(max_length=200)] = None,
    sheet: Annotated[
        str | None, Query(max_length=200, description="Excel: the sheet (the first by default)")
    ] = None,
    header_row: Annotated[
        int, Query(ge=0, le=1_000_000, description="Excel: the 0-based header row")
    ] = 0,
) -> s.DatasetPublic:
    with translated("ingestion"):
        resp = await clients.ingestion.UploadDataset(
            _upload_messages(file, settings.upload_chunk_bytes, name or "", sheet or "", header_row)
        )
    return converters.dataset(resp.dataset)


def _upload_messages(
    file: UploadFile, chunk_bytes: int, name: str, sheet: str, header_row: int, dataset_id: str = ""
) -> AsyncIterator[ingestion_pb2.UploadDatasetRequest]:
    if not file.filename:
        raise InvalidArgument("the upload has no file name", details={"field": "file"})
    metadata = ingestion_pb2.UploadMetadata(
        filename=file.filename,
        name=name,
        content_type=file.content_type or "",
        sheet=sheet,
        header_row=header_row,
        dataset_id=dataset_id,
    )

    async def messages() -> AsyncIterator[ingestion_pb2.UploadDatasetRequest]:
        yield ingestion_pb2.UploadDatasetRequest(metadata=metadata)
        while data := await file.read(chunk_bytes):
            yield ingestion_pb2.UploadDatasetRequest(chunk=data)

    return messages()


@router.post(
    "/sources",
    status_code=status.HTTP_201_CREATED,
    response_model=s.DatasetPublic,
    responses=s.errors(400),
)
async def create_dataset_from_source(
    body: s.DatasetSourceCreate, clients: ClientsDep
) -> s.DatasetPublic:
    """A dataset read from a database, a JSON API or an S3 object; ingested in the background.

    Credentials (the database URL, the auth header) are stored encrypted and never returned.
    """
    with translated("ingestion"):
        resp = await clients.ingestion.CreateDatasetFromSource(converters.source_request(body))
    return converters.dataset(resp.dataset)


@router.get("/{dataset_id}/versions", response_model=s.DatasetVersionList, responses=s.errors(404))
async def list_versions(dataset_id: str, clients: ClientsDep) -> s.DatasetVersionList:
    """The dataset's READY versions, newest first."""
    resp = await clients.ingestion.ListDatasetVersions(
        ingestion_pb2.ListDatasetVersionsRequest(dataset_id=dataset_id)
    )
    return converters.dataset_versions(resp)


@router.post(
    "/{dataset_id}/versions",
    status_code=status.HTTP_201_CREATED,
    response_model=s.DatasetPublic,
    responses=s.errors(400, 404, 409, 413, 415),
)
async def create_version(
    dataset_id: str,
    clients: ClientsDep,
    settings: SettingsDep,
    file: Annotated[UploadFile | None, File(description="an uploaded dataset's next file")] = None,
    sheet: Annotated[str | None, Query(max_length=200)] = None,
    header_row: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> s.DatasetPublic:
    """Version n+1 of a dataset: the file sent (an uploaded dataset), or its database, API or
    S3 source read again (send no file)."""
    with translated("ingestion"):
        if file is None:
            resp = await clients.ingestion.CreateDatasetVersion(
                ingestion_pb2.CreateDatasetVersionRequest(dataset_id=dataset_id)
            )
            return converters.dataset(resp.dataset)
        uploaded = await clients.ingestion.UploadDataset(
            _upload_messages(
                file, settings.upload_chunk_bytes, "", sheet or "", header_row, dataset_id
            )
        )
    return converters.dataset(uploaded.dataset)


@router.get("", response_model=s.DatasetList, responses=s.errors(400))
async def list_datasets(
    clients: ClientsDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=s.INT32_MAX)] = 0,
) -> s.DatasetList:
    resp = await clients.ingestion.ListDatasets(
        ingestion_pb2.ListDatasetsRequest(page_size=limit, offset=offset)
    )
    return s.DatasetList(datasets=[converters.dataset(d) for d in resp.datasets], total=resp.total)


@router.get("/{dataset_id}", response_model=s.DatasetPublic, responses=s.errors(404))
async def get_dataset(dataset_id: str, clients: ClientsDep) -> s.DatasetPublic:
    resp = await clients.ingestion.GetDataset(
        ingestion_pb2.GetDatasetRequest(dataset_id=dataset_id)
    )
    return converters.dataset(resp.dataset)


@router.get(
    "/{dataset_id}/profile",
    response_model=s.DatasetProfilePublic,
    responses=s.errors(400, 404, 409),
)
async def get_profile(
    dataset_id: str,
    clients: ClientsDep,
    version: Annotated[
        int | None, Query(ge=1, le=s.INT32_MAX, description="a READY version; the latest if absent")
    ] = None,
) -> s.DatasetProfilePublic:
    """A dataset version's profile: per-column statistics and data-quality alerts."""
    resp = await clients.ingestion.GetDatasetProfile(
        ingestion_pb2.GetDatasetProfileRequest(dataset_id=dataset_id, version=version or 0)
    )
    return converters.dataset_profile(resp)


@router.get("/{dataset_id}/rows", response_model=s.DatasetRows, responses=s.errors(400, 404, 409))
async def get_rows(
    dataset_id: str,
    clients: ClientsDep,
    offset: Annotated[int, Query(ge=0, le=s.INT64_MAX)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    version: Annotated[
        int | None, Query(ge=1, le=s.INT32_MAX, description="a READY version; the latest if absent")
    ] = None,
) -> s.DatasetRows:
    """A page of the dataset's rows; missing values are null, dates ISO 8601 text."""
    resp = await clients.ingestion.GetDatasetRows(
        ingestion_pb2.GetDatasetRowsRequest(
            dataset_id=dataset_id, offset=offset, limit=limit, version=version or 0
        )
    )
    return converters.dataset_rows(resp)


@router.get(
    "/{dataset_id}/recommendations",
    response_model=s.RecommendationList,
    responses=s.errors(400, 404, 409),
)
async def get_recommendations(
    dataset_id: str,
    clients: ClientsDep,
    target: Annotated[str | None, Query(description="the target column")] = None,
) -> s.RecommendationList:
    resp = await clients.advisor.GetRecommendations(
        advisor_pb2.GetRecommendationsRequest(dataset_id=dataset_id, target=target or "")
    )
    return s.RecommendationList(
        dataset_id=resp.dataset_id or dataset_id,
        recommendations=[converters.recommendation(r) for r in resp.recommendations],
    )


@router.post(
    "/{dataset_id}/suggested-pipeline",
    response_model=s.SuggestedPipelinePublic,
    responses=s.errors(400, 404, 409),
)
async def suggest_pipeline(
    dataset_id: str, body: s.SuggestPipelineRequest, clients: ClientsDep
) -> s.SuggestedPipelinePublic:
    """A whole pipeline assembled from the advisor's recommendations: the split first, what
    learns from data after it, a model at the end. It validates and trains as returned."""
    resp = await clients.advisor.SuggestPipeline(
        advisor_pb2.SuggestPipelineRequest(
            dataset_id=dataset_id, target=body.target, task=body.task or "", model=body.model or ""
        )
    )
    return converters.suggested_pipeline(resp)


_EXPORT_FORMATS = {
    "csv": ingestion_pb2.EXPORT_FORMAT_CSV,
    "parquet": ingestion_pb2.EXPORT_FORMAT_PARQUET,
}


@router.get(
    "/{dataset_id}/export",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The file, streamed: CSV (spreadsheet formulas neutralised) or Parquet.",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/vnd.apache.parquet": {
                    "schema": {"type": "string", "format": "binary"}
                },
            },
        },
        **s.errors(400, 404, 409),
    },
)
async def export_dataset(
    dataset_id: str,
    clients: ClientsDep,
    format: Annotated[Literal["csv", "parquet"], Query(description="the file format")] = "csv",
    version: Annotated[
        int | None, Query(ge=1, le=s.INT32_MAX, description="a READY version; the latest if absent")
    ] = None,
) -> StreamingResponse:
    """Download a dataset version. In CSV, a text cell starting with = + - @ TAB or CR gets a
    leading ' so a spreadsheet shows it as text instead of running it (OWASP CSV injection)."""
    call = clients.ingestion.ExportDataset(
        ingestion_pb2.ExportDatasetRequest(
            dataset_id=dataset_id, version=version or 0, format=_EXPORT_FORMATS[format]
        )
    )
    stream = aiter(call)
    # The first chunk comes before the response starts, so a refusal is a plain 4xx.
    with translated("ingestion"):
        first = await anext(stream)

    async def chunks() -> AsyncIterator[bytes]:
        if first.chunk:
            yield first.chunk
        with translated("ingestion"):
            async for message in stream:
                yield message.chunk

    filename = first.filename or f"{dataset_id}.{format}"
    return StreamingResponse(
        chunks(),
        media_type=first.content_type or "application/octet-stream",
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get(
    "/{dataset_id}/target",
    response_model=s.TargetAnalysisResult,
    responses=s.errors(400, 404, 409),
)
async def get_target_analysis(
    dataset_id: str,
    clients: ClientsDep,
    target: Annotated[str, Query(min_length=1, max_length=500, description="the target column")],
    version: Annotated[
        int | None, Query(ge=1, le=s.INT32_MAX, description="a READY version; the latest if absent")
    ] = None,
) -> s.TargetAnalysisResult:
    """The profile with a chosen target: the target's class balance (or distribution) and each
    feature's association with it, strongest first; a near-perfect one is a leakage alert."""
    resp = await clients.ingestion.GetTargetAnalysis(
        ingestion_pb2.GetTargetAnalysisRequest(
            dataset_id=dataset_id, target=target, version=version or 0
        )
    )
    return converters.target_analysis(resp)
