"""Choose the artifact backend by the URI scheme of ``SKYULF_ARTIFACT_URL``."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from pydantic import SecretStr

from skyulf_errors import InvalidArgument
from skyulf_platform.artifacts.base import ArtifactStore
from skyulf_platform.settings import PlatformSettings


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None


def open_store(settings: PlatformSettings) -> ArtifactStore:
    url = settings.resolved_artifact_url()
    parsed = urlparse(url)
    if parsed.scheme == "file":
        from skyulf_platform.artifacts.local import LocalArtifactStore

        return LocalArtifactStore(Path(unquote(parsed.path)))
    if parsed.scheme == "s3":
        from skyulf_platform.artifacts.s3 import S3ArtifactStore

        if not parsed.netloc:
            raise InvalidArgument(f"artifact URL {url} names no bucket")
        return S3ArtifactStore(
            parsed.netloc,
            parsed.path.lstrip("/"),
            endpoint_url=settings.s3_endpoint_url,
            access_key=_secret(settings.s3_access_key),
            secret_key=_secret(settings.s3_secret_key),
            region=settings.s3_region,
        )
    raise InvalidArgument(
        f"unsupported artifact URL scheme {parsed.scheme!r} in SKYULF_ARTIFACT_URL (use file:// or s3://)"
    )
