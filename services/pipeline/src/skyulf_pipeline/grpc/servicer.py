"""The thin gRPC face of PipelineService: decode, run the service in a thread, encode."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from grpc import aio

from skyulf.pipeline.v1 import pipeline_pb2, pipeline_pb2_grpc
from skyulf_pipeline import portability
from skyulf_pipeline.grpc import converters as conv
from skyulf_pipeline.peers import AsyncIngestionClient
from skyulf_pipeline.saved import SavedPipelineService, parse_layout
from skyulf_pipeline.service import PipelineService


class PipelineServicer(pipeline_pb2_grpc.PipelineServiceServicer):
    def __init__(
        self,
        service: PipelineService,
        ingestion: AsyncIngestionClient,
        saved: SavedPipelineService,
        *,
        watch_poll_seconds: float = 0.25,
    ) -> None:
        self.service = service
        self.ingestion = ingestion
        self.saved = saved
        self.watch_poll_seconds = watch_poll_seconds

    async def ListNodes(
        self, request: pipeline_pb2.ListNodesRequest, context: aio.ServicerContext
    ) -> pipeline_pb2.ListNodesResponse:
        nodes = await asyncio.to_thread(self.service.list_nodes)
        return pipeline_pb2.ListNodesResponse(nodes=[conv.node_to_proto(n) for n in nodes])

    async def ValidatePipeline(
        self, request: pipeline_pb2.ValidatePipelineRequest, context: aio.ServicerContext
    ) -> pipeline_pb2.ValidatePipelineResponse:
        graph = conv.graph_from_proto(request.graph)
        dataset = (
            await self.ingestion.get_dataset(request.dataset_id) if request.dataset_id else None
        )
        result = await asyncio.to_thread(
            self.service.validate, graph, dataset, partial=request.partial
        )
        return conv.validation_to_proto(result)

    async def PreviewPipeline(
        self, request: pipeline_pb2.PreviewPipelineRequest, context: aio.ServicerContext
    ) -> pipeline_pb2.PreviewPipelineResponse:
        graph = conv.graph_from_proto(request.graph)
        dataset = await self.ingestion.get_dataset(request.dataset_id)
        previews = await asyncio.to_thread(self.service.preview, dataset, graph, request.rows)
        return pipeline_pb2.PreviewPipelineResponse(
            nodes=[conv.preview_to_proto(p) for p in previews]
        )

    async def CreateJob(
        self, request: pipeline_pb2.CreateJobRequest, context: aio.ServicerContext
    ) -> pipeline_pb2.CreateJobResponse:
        graph = conv.graph_from_proto(request.graph)
        source = await asyncio.to_thread(
            self.saved.source, request.pipeline_id, request.pipeline_version
        )
        dataset = await self.ingestion.get_dataset(request.dataset_id)
        job = await asyncio.to_thread(
            self.service.create_job,
            dataset,
            graph,
            request.model_name,
            request.idempotency_key,
            source=source,
        )
        return pipeline_pb2.CreateJobResponse(job=conv.job_to_proto(job))

    async def RetryJob(
        self, request: pipeline_pb2.RetryJobRequest, context: aio.ServicerContext
    ) -> pipeline_pb2.RetryJobResponse:
        failed = await asyncio.to_thread(self.service.get_job, request.job_id)
        dataset = await self.ingestion.get_dataset(
            failed.dataset_id, version=failed.dataset_version or 0
        )
        job = await asyncio.to_thread(self.service.retry_job, failed, dataset)
        return pipeline_pb2.RetryJobResponse(job=conv.job_to_proto(job))

    async def GetJob(
        self, request: pipeline_pb2.GetJobRequest, context: aio.ServicerContext
    ) -> pipeline_pb2.GetJobResponse:
        job = await asyncio.to_thread(self.service.get_job, request.job_id)
        return pipeline_pb2.GetJobResponse(job=conv.job_to_proto(job))

    async def ListJobs(
        self, request: pipeline_pb2.ListJobsRequest, context: aio.ServicerContext
    ) -> pipeline_pb2.ListJobsResponse:
        jobs, total = await asyncio.to_thread(
            self.service.list_jobs, request.page_size, request.offset
        )
        return pipeline_pb2.ListJobsResponse(jobs=[conv.job_to_proto(j) for j in jobs], total=total)

    async def CancelJob(
        self, request: pipeline_pb2.CancelJobRequest, context: aio.ServicerContext
    ) -> pipeline_pb2.CancelJobResponse:
        job = await asyncio.to_thread(self.service.cancel_job, request.job_id)
        return pipeline_pb2.CancelJobResponse(job=conv.job_to_proto(job))

    async def GetJobEvaluation(
        self, request: pipeline_pb2.GetJobEvaluationRequest, context: aio.ServicerContext
    ) -> pipeline_pb2.GetJobEvaluationResponse:
        evaluation = await asyncio.to_thread(
            self.service.get_job_evaluation,
            request.job_id,
            request.model_name,
            request.model_version,
        )
        return pipeline_pb2.GetJobEvaluationResponse(evaluation_json=evaluation.model_dump_json())

    async def ListJobTrials(
        self, request: pipeline_pb2.ListJobTrialsRequest, context: aio.ServicerContext
    ) -> pipeline_pb2.ListJobTrialsResponse:
        trials = await asyncio.to_thread(self.service.job_trials, request.job_id)
        return pipeline_pb2.ListJobTrialsResponse(trials_json=trials.model_dump_json())

    async def ExportPipeline(
        self, request: pipeline_pb2.ExportPipelineRequest, context: aio.ServicerContext
    ) -> pipeline_pb2.ExportPipelineResponse:
        if request.job_id:
            job = await asyncio.to_thread(self.service.get_job, request.job_id)
            script, filename = portability.job_script(job)
        else:
            script, filename = portability.graph_script(conv.graph_from_proto(request.graph))
        return pipeline_pb2.ExportPipelineResponse(script=script, filename=filename)

    async def ImportPipeline(
        self, request: pipeline_pb2.ImportPipelineRequest, context: aio.ServicerContext
    ) -> pipeline_pb2.ImportPipelineResponse:
        imported = await asyncio.to_thread(portability.import_saved, request.config_json)
        graph = imported.graph.model_dump(mode="json", exclude_none=True)
        return pipeline_pb2.ImportPipelineResponse(
            graph=conv.graph_to_proto(graph), warnings=imported.warnings
        )

    async def WatchJob(
        self, request: pipeline_pb2.WatchJobRequest, context: aio.ServicerContext
    ) -> AsyncIterator[pipeline_pb2.WatchJobResponse]:
        # Polls the events table rather than an in-process signal: the worker writing the
        # events is another process, possibly on another machine.
        after = max(request.after_seq, 0)
        while True:
            events, finished = await asyncio.to_thread(
                self.service.job_events, request.job_id, after
            )
            for event in events:
                yield conv.event_to_proto(event)
                after = event.seq
                if event.status.finished:
                    return
            if finished and not events:
                return
            if not events:
                await asyncio.sleep(self.watch_poll_seconds)

    # -- saved pipelines ---------------------------------------------------------------------

    async def CreatePipeline(
        self, request: pipeline_pb2.CreatePipelineRequest, context: aio.ServicerContext
    ) -> pipeline_pb2.CreatePipelineResponse:
        graph = conv.graph_from_proto(request.graph)
        pipeline = await asyncio.to_thread(
            self.saved.create,
            name=request.name,
            description=request.description,
            dataset_id=request.dataset_id,
            graph=graph,
            layout=parse_layout(request.layout_json),
        )
        return pipeline_pb2.CreatePipelineResponse(pipeline=conv.saved_pipeline_to_proto(pipeline))

    async def GetPipeline(
        self, request: pipeline_pb2.GetPipelineRequest, context: aio.ServicerContext
    ) -> pipeline_pb2.GetPipelineResponse:
        pipeline = await asyncio.to_thread(self.saved.get, request.pipeline_id)
        return pipeline_pb2.GetPipelineResponse(pipeline=conv.saved_pipeline_to_proto(pipeline))

    async def ListPipelines(
        self, request: pipeline_pb2.ListPipelinesRequest, context: aio.ServicerContext
    ) -> pipeline_pb2.ListPipelinesResponse:
        pipelines, total = await asyncio.to_thread(
            self.saved.page, request.page_size, request.offset
        )
        return pipeline_pb2.ListPipelinesResponse(
            pipelines=[conv.saved_pipeline_to_proto(p) for p in pipelines], total=total
        )

    async def UpdatePipeline(
        self, request: pipeline_pb2.UpdatePipelineRequest, context: aio.ServicerContext
    ) -> pipeline_pb2.UpdatePipelineResponse:
        graph = conv.graph_from_proto(request.graph)
        pipeline = await asyncio.to_thread(
            self.saved.update,
            request.pipeline_id,
            graph=graph,
            name=request.name if request.HasField("name") else None,
            description=request.description if request.HasField("description") else None,
            dataset_id=request.dataset_id if request.HasField("dataset_id") else None,
            layout=parse_layout(request.layout_json) if request.HasField("layout_json") else None,
        )
        return pipeline_pb2.UpdatePipelineResponse(pipeline=conv.saved_pipeline_to_proto(pipeline))

    async def ListPipelineVersions(
        self, request: pipeline_pb2.ListPipelineVersionsRequest, context: aio.ServicerContext
    ) -> pipeline_pb2.ListPipelineVersionsResponse:
        versions = await asyncio.to_thread(self.saved.versions, request.pipeline_id)
        return pipeline_pb2.ListPipelineVersionsResponse(
            versions=[conv.saved_version_to_proto(v) for v in versions]
        )

    async def RestorePipelineVersion(
        self, request: pipeline_pb2.RestorePipelineVersionRequest, context: aio.ServicerContext
    ) -> pipeline_pb2.RestorePipelineVersionResponse:
        pipeline = await asyncio.to_thread(self.saved.restore, request.pipeline_id, request.version)
        return pipeline_pb2.RestorePipelineVersionResponse(
            pipeline=conv.saved_pipeline_to_proto(pipeline)
        )

    async def DeletePipeline(
        self, request: pipeline_pb2.DeletePipelineRequest, context: aio.ServicerContext
    ) -> pipeline_pb2.DeletePipelineResponse:
        pipeline = await asyncio.to_thread(self.saved.delete, request.pipeline_id)
        return pipeline_pb2.DeletePipelineResponse(pipeline=conv.saved_pipeline_to_proto(pipeline))

    async def ListTemplates(
        self, request: pipeline_pb2.ListTemplatesRequest, context: aio.ServicerContext
    ) -> pipeline_pb2.ListTemplatesResponse:
        templates = await asyncio.to_thread(self.saved.templates)
        return pipeline_pb2.ListTemplatesResponse(
            templates=[conv.template_to_proto(t) for t in templates]
        )
