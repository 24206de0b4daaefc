"""DeploymentService on SQLite with a stand-in registry."""

from __future__ import annotations

import uuid

import pytest

from skyulf_deployment.models import DeploymentStatus
from skyulf_deployment.service import DeploymentService
from skyulf_errors import AlreadyExists, InvalidArgument, NotFound


def test_create_defaults_the_name_and_resolves_latest(service: DeploymentService) -> None:
    d = service.create_deployment("churn")
    assert (d.name, d.model_name, d.model_version) == ("churn", "churn", 3)
    assert d.status == DeploymentStatus.ACTIVE
    assert service.get_deployment(d.id) == d
    assert service.get_deployment("churn") == d


def test_one_active_deployment_per_name(service: DeploymentService) -> None:
    service.create_deployment("churn", 1, "endpoint")
    with pytest.raises(AlreadyExists, match="'endpoint' already exists") as exc:
        service.create_deployment("other", 2, "endpoint")
    assert exc.value.details == {"name": "endpoint"}


def test_delete_frees_the_name_for_a_redeploy(service: DeploymentService) -> None:
    first = service.create_deployment("churn", 1)
    deleted = service.delete_deployment("churn")
    assert deleted.status == DeploymentStatus.DELETED
    assert service.delete_deployment(first.id).status == DeploymentStatus.DELETED
    with pytest.raises(NotFound, match="'churn'"):
        service.get_deployment("churn")
    second = service.create_deployment("churn", 2)
    assert service.get_deployment("churn").id == second.id
    assert service.get_deployment(first.id).status == DeploymentStatus.DELETED
    with pytest.raises(NotFound, match="is deleted"):
        service.get_active(first.id)
    assert [d.id for d in service.list_deployments()] == [second.id]
    assert len(service.list_deployments(include_deleted=True)) == 2


def test_unknown_ids_and_names_are_not_found(service: DeploymentService) -> None:
    for ref in (str(uuid.uuid4()), "not-a-uuid", ""):
        with pytest.raises(NotFound) as exc:
            service.get_deployment(ref)
        assert exc.value.details == {"deployment_id": ref}


def test_registry_not_found_propagates(service: DeploymentService) -> None:
    with pytest.raises(NotFound, match="'churn' has no version 9"):
        service.create_deployment("churn", 9)


@pytest.mark.parametrize(
    ("args", "field"), [(("bad name",), "model_name"), (("m", 0, "a/b"), "name")]
)
def test_bad_names_are_refused(service: DeploymentService, args: tuple, field: str) -> None:
    with pytest.raises(InvalidArgument, match=field) as exc:
        service.create_deployment(*args)
    assert exc.value.details == {"field": field}
