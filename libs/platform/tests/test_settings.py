from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from skyulf_platform.settings import PlatformSettings


def test_embedded_defaults_live_under_the_data_dir(tmp_path: Path) -> None:
    s = PlatformSettings(service_name="registry", data_dir=tmp_path)
    assert s.resolved_database_url() == f"sqlite:///{tmp_path}/registry.db"
    assert s.resolved_broker_url() == f"sqla+sqlite:///{tmp_path}/broker.db"
    assert s.resolved_artifact_url() == (tmp_path / "artifacts").as_uri()
    assert s.port() == 50053


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SKYULF_DATABASE_URL", "postgresql+psycopg://u@db/skyulf")
    monkeypatch.setenv("SKYULF_GRPC_PORT", "6000")
    s = PlatformSettings(service_name="pipeline", data_dir=tmp_path)
    assert s.resolved_database_url() == "postgresql+psycopg://u@db/skyulf"
    assert s.port() == 6000


def test_production_refuses_embedded_defaults(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="SKYULF_BUNDLE_SIGNING_KEY"):
        PlatformSettings(env="production", data_dir=tmp_path)


def test_local_signing_key_is_generated_once_and_shared(tmp_path: Path) -> None:
    a = PlatformSettings(data_dir=tmp_path).signing_key()
    b = PlatformSettings(data_dir=tmp_path).signing_key()
    assert a == b and len(a) == 64
    assert (tmp_path / "signing.key").stat().st_mode & 0o077 == 0


def test_production_refuses_a_short_signing_key(tmp_path: Path) -> None:
    parts = {
        "database_url": "postgresql+psycopg://u@db/s",
        "broker_url": "redis://r:6379/0",
        "artifact_url": "s3://b/p",
    }
    with pytest.raises(ValidationError, match="at least 32 bytes"):
        PlatformSettings(env="production", data_dir=tmp_path, bundle_signing_key="short", **parts)
    ok = PlatformSettings(env="production", data_dir=tmp_path, bundle_signing_key="k" * 32, **parts)
    assert len(ok.service_credentials_key()) == 32
    assert ok.service_credentials_key() != ok.signing_key()


def test_secret_files_are_never_readable_by_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Even with a permissive umask, the file is created 0600 (not chmod'ed after writing).
    import os

    from skyulf_platform.settings import write_secret_file

    old = os.umask(0)
    try:
        assert write_secret_file(tmp_path / "s.key", "v1") == "v1"
        assert write_secret_file(tmp_path / "s.key", "v2") == "v1"  # first writer wins
    finally:
        os.umask(old)
    assert (tmp_path / "s.key").stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["s.key"]
