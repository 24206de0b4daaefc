"""Model bundles as the platform writes them: files + a manifest of their checksums, signed.

Only bundles whose manifest carries a valid HMAC-SHA256 signature under the platform's signing
key, and whose files all match the manifest, are ever handed to a deserialiser. A bundle uploaded
or altered by anyone without the key is refused before a byte of it is unpickled.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime

from pydantic import BaseModel

from skyulf_errors import DataLoss, InvalidArgument
from skyulf_platform.artifacts.base import ArtifactStore, sha256_hex

FORMAT = "skyulf-bundle/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"


class BundleFile(BaseModel):
    sha256: str
    size: int


class BundleManifest(BaseModel):
    format: str = FORMAT
    created_at: datetime
    files: dict[str, BundleFile]


class StoredBundle(BaseModel):
    uri: str
    prefix: str
    manifest_sha256: str


def _sign(key: bytes, manifest: bytes) -> str:
    return hmac.new(key, manifest, hashlib.sha256).hexdigest()


def write_bundle(
    store: ArtifactStore, prefix: str, files: dict[str, bytes], signing_key: bytes
) -> StoredBundle:
    for name in files:
        if "/" in name or name in (MANIFEST, SIGNATURE):
            raise InvalidArgument(f"invalid bundle file name {name!r}")
    manifest = BundleManifest(
        created_at=datetime.now(UTC),
        files={n: BundleFile(sha256=sha256_hex(b), size=len(b)) for n, b in files.items()},
    )
    for name, data in files.items():
        store.put_bytes(f"{prefix}/{name}", data)
    manifest_bytes = manifest.model_dump_json().encode()
    # The signature goes first and the manifest last: a reader that finds the manifest finds a
    # complete bundle.
    store.put_bytes(f"{prefix}/{SIGNATURE}", _sign(signing_key, manifest_bytes).encode())
    ref = store.put_bytes(f"{prefix}/{MANIFEST}", manifest_bytes)
    return StoredBundle(uri=store.uri_for(prefix), prefix=prefix, manifest_sha256=ref.sha256)


def read_bundle(
    store: ArtifactStore, uri: str, signing_key: bytes, *, manifest_sha256: str | None = None
) -> dict[str, bytes]:
    prefix = store.key_for(uri)
    manifest_bytes = store.get_bytes(f"{prefix}/{MANIFEST}", sha256=manifest_sha256)
    signature = store.get_bytes(f"{prefix}/{SIGNATURE}").decode().strip()
    if not hmac.compare_digest(signature, _sign(signing_key, manifest_bytes)):
        raise DataLoss(
            f"bundle {uri} is not signed by this platform; refusing to load it",
            details={"uri": uri},
        )
    manifest = BundleManifest.model_validate(json.loads(manifest_bytes))
    if manifest.format != FORMAT:
        raise DataLoss(f"bundle {uri} has unknown format {manifest.format!r}")
    return {
        name: store.get_bytes(f"{prefix}/{name}", sha256=meta.sha256)
        for name, meta in manifest.files.items()
    }
