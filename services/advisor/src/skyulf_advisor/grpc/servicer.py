"""The gRPC face of the advisor: fetch the profile (and rows), run the rules in a thread,
encode."""

from __future__ import annotations

import asyncio

from grpc import aio

from skyulf.advisor.v1 import advisor_pb2, advisor_pb2_grpc
from skyulf_advisor.grpc.converters import pipeline_to_proto, recommendation_to_proto
from skyulf_advisor.profiles import ProfileSource
from skyulf_advisor.service import AdvisorService


class AdvisorServicer(advisor_pb2_grpc.AdvisorServiceServicer):
    def __init__(self, service: AdvisorService, profiles: ProfileSource) -> None:
        self.service = service
        self.profiles = profiles

    async def GetRecommendations(
        self, request: advisor_pb2.GetRecommendationsRequest, context: aio.ServicerContext
    ) -> advisor_pb2.GetRecommendationsResponse:
        profile = await self.profiles.profile(request.dataset_id)
        sample = await self.profiles.sample(request.dataset_id, profile.n_rows)
        found = await asyncio.to_thread(
            self.service.recommendations, profile, request.target or None, sample
        )
        return advisor_pb2.GetRecommendationsResponse(
            dataset_id=request.dataset_id,
            recommendations=[recommendation_to_proto(r) for r in found],
        )

    async def SuggestPipeline(
        self, request: advisor_pb2.SuggestPipelineRequest, context: aio.ServicerContext
    ) -> advisor_pb2.SuggestPipelineResponse:
        profile = await self.profiles.profile(request.dataset_id)
        sample = await self.profiles.sample(request.dataset_id, profile.n_rows)
        suggested = await asyncio.to_thread(
            self.service.pipeline,
            profile,
            request.target,
            sample,
            request.task or None,
            request.model or None,
        )
        return pipeline_to_proto(request.dataset_id, suggested)
