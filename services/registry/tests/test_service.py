"""RegistryService on SQLite: numbering, validation, idempotency, lookups."""

from __future__ import annotations

import math
from typing import Any

import pytest

from skyulf_errors import AlreadyExists, InvalidArgument, NotFound
from skyulf_registry.models import Lineage, NewModelVersion
from skyulf_registry.service import RegistryService


def test_versions_are_numbered_per_model(service: RegistryService, new_version: Any) -> None:
    assert service.create_model_version(new_version("churn")).version == 1
    assert service.create_model_version(new_version("churn")).version == 2
    assert service.create_model_version(new_version("price")).version == 1
    assert [v.version for v in service.list_model_versions("churn")] == [1, 2]


def test_a_version_keeps_what_was_registered(service: RegistryService, new_version: Any) -> None:
    new = new_version(metrics={"accuracy": 0.8, "r2": float("nan")})
    created = service.create_model_version(new)
    found = service.get_model_version("churn", created.version)
    assert found.bundle_uri == new.bundle_uri
    assert found.signature == {"inputs": [{"name": "age", "dtype": "Int64"}]}
    assert found.lineage.pipeline == {"nodes": [], "edges": []}
    assert found.metrics["accuracy"] == 0.8
    assert math.isnan(found.metrics["r2"])
    assert found.created_at.tzinfo is not None


@pytest.mark.parametrize("name", ["", "-lead", "has space", "a/b", "x" * 129, "é"])
def test_bad_names_are_refused_naming_the_field(
    service: RegistryService, new_version: Any, name: str
) -> None:
    with pytest.raises(InvalidArgument, match="name") as exc:
        service.create_model_version(new_version(name))
    assert exc.value.details == {"field": "name"}


def test_bad_checksum_and_missing_uri_are_refused(
    service: RegistryService, new_version: Any
) -> None:
    with pytest.raises(InvalidArgument, match="bundle_checksum"):
        service.create_model_version(new_version(bundle_checksum="abc"))
    with pytest.raises(InvalidArgument, match="bundle_uri is required"):
        service.create_model_version(new_version(bundle_uri=""))


def test_registering_the_same_job_again_returns_its_version(
    service: RegistryService, new_version: Any
) -> None:
    first = service.create_model_version(new_version(job_id="job-1"))
    again = service.create_model_version(new_version(job_id="job-1"))
    assert again.version == first.version == 1
    assert again.bundle_uri == first.bundle_uri
    assert service.create_model_version(new_version(job_id="job-2")).version == 2
    assert len(service.list_model_versions("churn")) == 2


def test_a_job_registered_under_another_name_is_a_conflict(
    service: RegistryService, new_version: Any
) -> None:
    service.create_model_version(new_version("churn", job_id="job-1"))
    with pytest.raises(AlreadyExists, match="job job-1 is already registered as model 'churn'"):
        service.create_model_version(new_version("other", job_id="job-1"))


def test_version_zero_is_the_latest(service: RegistryService, new_version: Any) -> None:
    service.create_model_version(new_version())
    latest = service.create_model_version(new_version())
    assert service.get_model_version("churn", 0).bundle_uri == latest.bundle_uri


def test_unknown_model_or_version_is_not_found_naming_both(
    service: RegistryService, new_version: Any
) -> None:
    service.create_model_version(new_version())
    with pytest.raises(NotFound, match="model 'churn' has no version 7") as exc:
        service.get_model_version("churn", 7)
    assert exc.value.details == {"name": "churn", "version": 7}
    with pytest.raises(NotFound, match="model 'ghost' \\(version 2\\) is not registered"):
        service.get_model_version("ghost", 2)
    with pytest.raises(NotFound, match="'ghost'"):
        service.list_model_versions("ghost")


def test_list_models_pages(service: RegistryService, new_version: Any) -> None:
    for name in ["c", "a", "b"]:
        service.create_model_version(new_version(name))
    service.create_model_version(new_version("a"))
    page = service.list_models(page_size=2, offset=0)
    assert page.total == 3
    assert [(m.name, m.latest_version) for m in page.models] == [("a", 2), ("b", 1)]
    assert [m.name for m in service.list_models(page_size=2, offset=2).models] == ["c"]
    with pytest.raises(InvalidArgument, match="offset"):
        service.list_models(offset=-1)


def test_a_job_registers_one_version_per_model_node_and_withdraws_them(
    service: RegistryService,
) -> None:
    def new(name: str, node: str, checksum: str) -> NewModelVersion:
        return NewModelVersion(
            name=name,
            task="classification",
            model_type="svc",
            bundle_uri=f"file:///models/{name}/job-1/attempt-1",
            bundle_checksum=checksum,
            lineage=Lineage(job_id="job-1", node_id=node),
        )

    a = service.create_model_version(new("churn-a", "a", "a" * 64))
    b = service.create_model_version(new("churn-b", "b", "b" * 64))
    assert (a.version, b.version, b.lineage.node_id) == (1, 1, "b")
    # A later attempt's bundle (another checksum) does not replace the registered version.
    again = service.create_model_version(new("churn-a", "a", "c" * 64))
    assert again == a and again.bundle_checksum == "a" * 64
    deleted = service.delete_job_versions("job-1")
    assert sorted(v.name for v in deleted) == ["churn-a", "churn-b"]
    assert service.list_model_versions("churn-a") == []
    # A withdrawn version's number is never given again.
    later = service.create_model_version(
        new("churn-a", "a", "d" * 64).model_copy(update={"lineage": Lineage(job_id="job-2")})
    )
    assert later.version == 2
