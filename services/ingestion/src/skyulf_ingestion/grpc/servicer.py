"""The gRPC face of ingestion: decode, call the service in a thread, encode."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from grpc import aio

from skyulf.ingestion.v1 import ingestion_pb2, ingestion_pb2_grpc
from skyulf_errors import InvalidArgument
from skyulf_ingestion.export import ExportFormat
from skyulf_ingestion.grpc.converters import (
    dataset_to_proto,
    rows_to_proto,
    source_from_proto,
    target_to_proto,
    version_to_proto,
)
from skyulf_ingestion.service import IngestionService
from skyulf_ingestion.sources.models import UploadSource


class IngestionServicer(ingestion_pb2_grpc.IngestionServiceServicer):
    def __init__(self, service: IngestionService) -> None:
        self.service = service

    async def UploadDataset(
        self,
        request_iterator: AsyncIterator[ingestion_pb2.UploadDatasetRequest],
        context: aio.ServicerContext,
    ) -> ingestion_pb2.UploadDatasetResponse:
        first = await anext(aiter(request_iterator), None)
        if first is None or first.WhichOneof("payload") != "metadata":
            raise InvalidArgument(
                "the first UploadDataset message must carry the file's metadata (filename)",
                details={"field": "metadata"},
            )
        meta = first.metadata
        filename = self.service.check_filename(meta.filename)
        # Chunks go to a temporary file as they arrive: memory holds one chunk, not the file.
        with self.service.spool(filename) as spool:
            async for message in request_iterator:
                if message.WhichOneof("payload") != "chunk":
                    raise InvalidArgument(
                        f"{filename}: metadata may only be sent once, as the first message",
                        details={"file": filename, "field": "metadata"},
                    )
                # Refuses as soon as the limit is passed, before writing the chunk.
                await asyncio.to_thread(spool.write, message.chunk)
            spool.close()
            options = UploadSource(sheet=meta.sheet, header_row=max(meta.header_row, 0))
            dataset = await asyncio.to_thread(
                self.service.upload_file,
                filename,
                spool.path,
                name=meta.name,
                options=options,
                dataset_id=meta.dataset_id,
            )
        return ingestion_pb2.UploadDatasetResponse(dataset=dataset_to_proto(dataset))

    async def CreateDatasetFromSource(
        self, request: ingestion_pb2.CreateDatasetFromSourceRequest, context: aio.ServicerContext
    ) -> ingestion_pb2.CreateDatasetFromSourceResponse:
        source = source_from_proto(request)
        dataset = await asyncio.to_thread(
            self.service.create_from_source, source, name=request.name
        )
        return ingestion_pb2.CreateDatasetFromSourceResponse(dataset=dataset_to_proto(dataset))

    async def CreateDatasetVersion(
        self, request: ingestion_pb2.CreateDatasetVersionRequest, context: aio.ServicerContext
    ) -> ingestion_pb2.CreateDatasetVersionResponse:
        dataset = await asyncio.to_thread(self.service.new_version, request.dataset_id)
        return ingestion_pb2.CreateDatasetVersionResponse(dataset=dataset_to_proto(dataset))

    async def ListDatasetVersions(
        self, request: ingestion_pb2.ListDatasetVersionsRequest, context: aio.ServicerContext
    ) -> ingestion_pb2.ListDatasetVersionsResponse:
        versions = await asyncio.to_thread(self.service.list_versions, request.dataset_id)
        return ingestion_pb2.ListDatasetVersionsResponse(
            dataset_id=request.dataset_id, versions=[version_to_proto(v) for v in versions]
        )

    async def GetDataset(
        self, request: ingestion_pb2.GetDatasetRequest, context: aio.ServicerContext
    ) -> ingestion_pb2.GetDatasetResponse:
        dataset = await asyncio.to_thread(
            self.service.dataset_at, request.dataset_id, request.version
        )
        return ingestion_pb2.GetDatasetResponse(dataset=dataset_to_proto(dataset))

    async def ListDatasets(
        self, request: ingestion_pb2.ListDatasetsRequest, context: aio.ServicerContext
    ) -> ingestion_pb2.ListDatasetsResponse:
        page = await asyncio.to_thread(
            self.service.list_datasets, page_size=request.page_size, offset=request.offset
        )
        return ingestion_pb2.ListDatasetsResponse(
            datasets=[dataset_to_proto(d) for d in page.datasets], total=page.total
        )

    async def GetDatasetProfile(
        self, request: ingestion_pb2.GetDatasetProfileRequest, context: aio.ServicerContext
    ) -> ingestion_pb2.GetDatasetProfileResponse:
        found = await asyncio.to_thread(
            self.service.get_profile, request.dataset_id, request.version
        )
        return ingestion_pb2.GetDatasetProfileResponse(
            dataset_id=request.dataset_id, profile_json=found.profile_json, version=found.version
        )

    async def GetDatasetRows(
        self, request: ingestion_pb2.GetDatasetRowsRequest, context: aio.ServicerContext
    ) -> ingestion_pb2.GetDatasetRowsResponse:
        page = await asyncio.to_thread(
            self.service.get_rows,
            request.dataset_id,
            offset=request.offset,
            limit=request.limit,
            version=request.version,
        )
        return rows_to_proto(page)

    async def ExportDataset(
        self, request: ingestion_pb2.ExportDatasetRequest, context: aio.ServicerContext
    ) -> AsyncIterator[ingestion_pb2.ExportDatasetChunk]:
        fmt = _EXPORT_FORMATS.get(request.format)
        if fmt is None:
            raise InvalidArgument("format must be csv or parquet", details={"field": "format"})
        exported = await asyncio.to_thread(
            self.service.export, request.dataset_id, version=request.version, fmt=fmt
        )
        first = True
        while (chunk := await asyncio.to_thread(next, exported.chunks, None)) is not None:
            if first:
                first = False
                yield ingestion_pb2.ExportDatasetChunk(
                    chunk=chunk, filename=exported.filename, content_type=exported.content_type
                )
            else:
                yield ingestion_pb2.ExportDatasetChunk(chunk=chunk)
        if first:
            yield ingestion_pb2.ExportDatasetChunk(
                filename=exported.filename, content_type=exported.content_type
            )

    async def GetTargetAnalysis(
        self, request: ingestion_pb2.GetTargetAnalysisRequest, context: aio.ServicerContext
    ) -> ingestion_pb2.GetTargetAnalysisResponse:
        result = await asyncio.to_thread(
            self.service.target_analysis, request.dataset_id, request.target, request.version
        )
        return target_to_proto(request.dataset_id, result)


_EXPORT_FORMATS = {
    ingestion_pb2.EXPORT_FORMAT_CSV: ExportFormat.CSV,
    ingestion_pb2.EXPORT_FORMAT_PARQUET: ExportFormat.PARQUET,
}
