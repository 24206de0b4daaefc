"""A model of another project is not found, exactly like a missing one; names are unique per
project."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from skyulf_errors import NotFound
from skyulf_platform.projects import acting_in
from skyulf_registry.models import NewModelVersion
from skyulf_registry.service import RegistryService


def test_a_model_is_seen_in_its_own_project_only(
    service: RegistryService, new_version: Callable[..., NewModelVersion]
) -> None:
    with acting_in("team-a"):
        made = service.create_model_version(new_version("churn", job_id="job-a"))
        service.set_model_alias("churn", "prod", made.version)
    with acting_in("team-b"):
        assert service.list_models().models == []
        assert service.search_model_versions(name_contains="churn") == []
        assert service.delete_job_versions("job-a") == []
        for name in ("churn", "no-such-model"):
            message = f"model {name!r}"
            with pytest.raises(NotFound, match=message):
                service.get_model_version(name, 1)
            with pytest.raises(NotFound, match=message):
                service.get_model_version(name, alias="prod")
            with pytest.raises(NotFound, match=message):
                service.list_model_versions(name)
            with pytest.raises(NotFound, match=message):
                service.update_model_version(name, 1, description="mine now")
            with pytest.raises(NotFound, match=message):
                service.set_model_alias(name, "prod", 1)
            with pytest.raises(NotFound, match=message):
                service.delete_model_alias(name, "prod")
            with pytest.raises(NotFound, match=message):
                service.delete_model_version(name, 1)
            with pytest.raises(NotFound, match=message):
                service.compare_model_versions(name, 1, 1)
        # The same name is free in another project: its own model, starting at version 1.
        theirs = service.create_model_version(new_version("churn", job_id="job-b"))
        assert theirs.version == 1
        assert [m.name for m in service.list_models().models] == ["churn"]
    with acting_in("team-a"):
        kept = service.get_model_version("churn", alias="prod")
        assert kept.lineage.job_id == "job-a" and kept.description == ""
        assert len(service.list_model_versions("churn")) == 1
