"""Dataset profiles, asked of the ingestion service over gRPC."""

from __future__ import annotations

from grpc import aio
from pydantic import ValidationError

from skyulf.ingestion.v1 import ingestion_pb2, ingestion_pb2_grpc
from skyulf_core.errors import DataLoss
from skyulf_core.profiling import DatasetProfile
from skyulf_platform.grpc.client import translated

INGESTION_SERVICE = ingestion_pb2.DESCRIPTOR.services_by_name["IngestionService"].full_name


class ProfileSource:
    def __init__(self, channel: aio.Channel, *, timeout: float = 30.0) -> None:
        self.stub = ingestion_pb2_grpc.IngestionServiceStub(channel)
        self.timeout = timeout

    async def profile(self, dataset_id: str) -> DatasetProfile:
        """The dataset's profile; ingestion's own error (NotFound, not ready...) if it has none."""
        request = ingestion_pb2.GetDatasetProfileRequest(dataset_id=dataset_id)
        with translated("ingestion"):
            response = await self.stub.GetDatasetProfile(request, timeout=self.timeout)
        try:
            return DatasetProfile.model_validate_json(response.profile_json)
        except ValidationError as e:
            raise DataLoss(
                f"the profile of dataset {dataset_id} from ingestion could not be read",
                details={"dataset_id": dataset_id},
            ) from e
