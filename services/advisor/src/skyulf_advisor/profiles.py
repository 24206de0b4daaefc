"""Dataset profiles and rows, asked of the ingestion service over gRPC."""

from __future__ import annotations

import polars as pl
from grpc import aio
from pydantic import ValidationError

from skyulf.ingestion.v1 import ingestion_pb2, ingestion_pb2_grpc
from skyulf_advisor.rows import frame_from_pages
from skyulf_core.profiling import DatasetProfile
from skyulf_errors import DataLoss
from skyulf_platform.grpc.client import translated

INGESTION_SERVICE = ingestion_pb2.DESCRIPTOR.services_by_name["IngestionService"].full_name
PAGE = 1000  # ingestion's largest page
PAGES = 5  # rows the rules that need values see: all up to 5000, else 5 pages spread out


def page_offsets(n_rows: int, page: int = PAGE, pages: int = PAGES) -> list[int]:
    """Offsets covering every row of a small dataset, or ``pages`` pages spread evenly over a
    large one (a dataset sorted by its target still shows every class)."""
    if n_rows <= page * pages:
        return list(range(0, n_rows, page))
    step = (n_rows - page) / (pages - 1)
    return [round(i * step) for i in range(pages)]


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

    async def sample(self, dataset_id: str, n_rows: int) -> pl.DataFrame:
        """Up to ``PAGE * PAGES`` of the dataset's rows, for the rules that need values."""
        pages: list[str] = []
        columns = []
        for offset in page_offsets(n_rows):
            request = ingestion_pb2.GetDatasetRowsRequest(
                dataset_id=dataset_id, offset=offset, limit=PAGE
            )
            with translated("ingestion"):
                response = await self.stub.GetDatasetRows(request, timeout=self.timeout)
            pages.append(response.rows_json)
            columns = list(response.columns)
        try:
            return frame_from_pages(columns, pages)
        except (ValueError, pl.exceptions.PolarsError) as e:
            raise DataLoss(
                f"the rows of dataset {dataset_id} from ingestion could not be read",
                details={"dataset_id": dataset_id},
            ) from e
