"""Aliases, look-alike names, version tags and description, and deleting versions."""

from __future__ import annotations

import math
from typing import Any

import pytest

from skyulf_errors import FailedPrecondition, InvalidArgument, NotFound
from skyulf_platform.artifacts.local import LocalArtifactStore
from skyulf_registry.models import Lineage
from skyulf_registry.service import RegistryService


def _versions(service: RegistryService, new_version: Any, n: int, name: str = "churn") -> None:
    for _ in range(n):
        service.create_model_version(new_version(name))


def test_alias_points_at_one_version_and_moves(service: RegistryService, new_version: Any) -> None:
    _versions(service, new_version, 2)
    first = service.set_model_alias("churn", "champion", 1)
    assert first.previous_version == 0 and first.alias.version == 1
    assert service.get_model_version("churn", alias="champion").version == 1
    moved = service.set_model_alias("churn", "champion", 2)
    assert moved.previous_version == 1
    by_version = {v.version: v.aliases for v in service.list_model_versions("churn")}
    assert by_version == {1: [], 2: ["champion"]}


def test_alias_to_a_missing_version_or_unknown_alias_is_not_found(
    service: RegistryService, new_version: Any
) -> None:
    _versions(service, new_version, 1)
    with pytest.raises(NotFound, match="version 5"):
        service.set_model_alias("churn", "champion", 5)
    with pytest.raises(NotFound, match="no alias 'challenger'"):
        service.get_model_version("churn", alias="challenger")


@pytest.mark.parametrize("alias", ["", "1", "has space", "x" * 65, "latest"])
def test_bad_alias_names_are_refused(
    service: RegistryService, new_version: Any, alias: str
) -> None:
    _versions(service, new_version, 1)
    with pytest.raises(InvalidArgument) as info:
        service.set_model_alias("churn", alias, 1)
    assert info.value.details["field"] == "alias"


def test_protected_alias_moves_only_with_the_flag(
    service: RegistryService, new_version: Any
) -> None:
    _versions(service, new_version, 2)
    service.set_model_alias("churn", "champion", 1, protected=True)
    with pytest.raises(FailedPrecondition, match="protected"):
        service.set_model_alias("churn", "champion", 2)
    with pytest.raises(FailedPrecondition, match="protected"):
        service.delete_model_alias("churn", "champion")
    moved = service.set_model_alias("churn", "champion", 2, protected=True, allow_protected=True)
    assert moved.alias.protected and moved.alias.version == 2
    service.delete_model_alias("churn", "champion", allow_protected=True)
    with pytest.raises(NotFound):
        service.get_model_version("churn", alias="champion")


@pytest.mark.parametrize("lookalike", ["Churn", " churn ", "CHURN", "%63hurn", "churn%20"])
def test_lookalike_names_name_one_model(
    service: RegistryService, new_version: Any, lookalike: str
) -> None:
    _versions(service, new_version, 1)
    created = service.create_model_version(new_version(lookalike))
    assert created.name == "churn" and created.version == 2
    assert [m.name for m in service.list_models().models] == ["churn"]
    assert service.get_model_version(lookalike, 2).name == "churn"


def test_tags_and_description(service: RegistryService, new_version: Any) -> None:
    _versions(service, new_version, 1)
    updated = service.update_model_version(
        "churn", 1, description="baseline", tags={"team": "growth"}
    )
    assert updated.description == "baseline" and updated.tags == {"team": "growth"}
    # None leaves a field as it is.
    again = service.update_model_version("churn", 1, tags={})
    assert again.description == "baseline" and again.tags == {}


def test_delete_version_collects_its_bundle(
    service: RegistryService, new_version: Any, tmp_path: Any
) -> None:
    store = LocalArtifactStore(tmp_path / "artifacts")
    service.store = store
    for job in ("a", "b"):
        store.put_bytes(f"models/churn/{job}/manifest.json", b"{}")
        store.put_bytes(f"models/churn/{job}/model.joblib", b"x")
        service.create_model_version(
            new_version("churn", job_id=job, bundle_uri=store.uri_for(f"models/churn/{job}"))
        )
    service.set_model_alias("churn", "champion", 1)
    with pytest.raises(FailedPrecondition, match="champion"):
        service.delete_model_version("churn", 1)
    deleted = service.delete_model_version("churn", 2)
    assert deleted.version == 2
    assert store.list("models/churn/b/") == []
    assert store.list("models/churn/a/") != []
    assert [v.version for v in service.list_model_versions("churn")] == [1]
    assert service.get_model_version("churn").version == 1
    service.delete_model_alias("churn", "champion")
    service.delete_model_version("churn", 1)
    with pytest.raises(NotFound):
        service.list_model_versions("churn")


def test_search_by_name_tag_and_metric(service: RegistryService, new_version: Any) -> None:
    for name, accuracy in (("churn", 0.7), ("churn", 0.92), ("Fraud", 0.95)):
        service.create_model_version(new_version(name, metrics={"accuracy": accuracy}))
    service.update_model_version("churn", 2, tags={"team": "growth"})
    found = service.search_model_versions(name_contains="CHU")
    assert [(v.name, v.version) for v in found] == [("churn", 2), ("churn", 1)]
    tagged = service.search_model_versions(tags={"team": "growth"})
    assert [(v.name, v.version) for v in tagged] == [("churn", 2)]
    good = service.search_model_versions(metric="accuracy", min_metric=0.9)
    assert {(v.name, v.version) for v in good} == {("churn", 2), ("Fraud", 1)}
    assert service.search_model_versions(metric="accuracy", max_metric=0.8)[0].version == 1
    assert service.search_model_versions(metric="auc", min_metric=0.1) == []
    with pytest.raises(InvalidArgument):
        service.search_model_versions(min_metric=0.5)


def test_compare_two_versions(service: RegistryService, new_version: Any) -> None:
    service.create_model_version(new_version(metrics={"accuracy": 0.8}))
    changed = Lineage(
        dataset_id="d1",
        pipeline={"nodes": [{"id": "model", "type": "random_forest", "params": {"a": 1}}]},
    )
    service.create_model_version(new_version(metrics={"accuracy": 0.9, "f1": 0.7}, lineage=changed))
    found = service.compare_model_versions("churn", 1, 2)
    assert (found.a.version, found.b.version) == (1, 2)
    by_name = {m: (a, b) for m, a, b in found.metrics}
    assert by_name["accuracy"] == (0.8, 0.9)
    assert math.isnan(by_name["f1"][0]) and by_name["f1"][1] == 0.7
    assert found.nodes_changed == ["model"]
    assert found.same_dataset and found.same_signature
