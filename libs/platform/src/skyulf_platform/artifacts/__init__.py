"""The artifact store: one interface, a local-folder backend and an S3 backend, chosen by URI."""

from skyulf_platform.artifacts.base import ArtifactRef, ArtifactStore
from skyulf_platform.artifacts.factory import open_store

__all__ = ["ArtifactRef", "ArtifactStore", "open_store"]
