"""A dataset of another project is not found, exactly like a missing one."""

from __future__ import annotations

import pytest

from skyulf_errors import NotFound
from skyulf_ingestion.service import IngestionService
from skyulf_platform.projects import acting_in


def test_a_dataset_is_seen_in_its_own_project_only(
    service: IngestionService, churn_csv: bytes
) -> None:
    with acting_in("team-a"):
        ds = service.ingest(service.upload("churn.csv", churn_csv, name="churn").id)
        assert [d.id for d in service.list_datasets().datasets] == [ds.id]
    missing = "00000000-0000-4000-8000-000000000000"
    with acting_in("team-b"):
        assert service.list_datasets().datasets == []
        assert service.list_datasets().total == 0
        for dataset_id in (ds.id, missing):
            message = f"dataset {dataset_id!r} not found"
            with pytest.raises(NotFound, match=message):
                service.get_dataset(dataset_id)
            with pytest.raises(NotFound, match=message):
                service.get_profile(dataset_id)
            with pytest.raises(NotFound, match=message):
                service.get_rows(dataset_id, offset=0, limit=5)
            with pytest.raises(NotFound, match=message):
                service.list_versions(dataset_id)
            with pytest.raises(NotFound, match=message):
                service.new_version(dataset_id)
            with pytest.raises(NotFound, match=message):
                # A file as the next version of another project's dataset.
                service.upload("churn.csv", churn_csv, dataset_id=dataset_id)
            with pytest.raises(NotFound, match=message):
                service.target_analysis(dataset_id, "churned")
    with acting_in("team-a"):
        assert service.get_dataset(ds.id).id == ds.id
