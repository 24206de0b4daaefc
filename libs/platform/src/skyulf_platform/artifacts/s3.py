"""An S3 bucket (AWS, MinIO, SeaweedFS...), with the endpoint configurable."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

import boto3
from boto3.exceptions import S3UploadFailedError
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from skyulf_errors import NotFound, Unavailable
from skyulf_platform.artifacts.base import CHUNK_BYTES, ArtifactStore, file_sha256

MIB = 1024 * 1024
_MISSING = ("NoSuchKey", "404", "NotFound")


class S3ArtifactStore(ArtifactStore):
    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        endpoint_url: str | None = None,
        access_key: str | None = None,
        secret_key: str | None = None,
        region: str = "us-east-1",
        multipart_threshold: int = 16 * MIB,
        multipart_chunksize: int = 16 * MIB,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.root_uri = f"s3://{bucket}/{self.prefix}" if self.prefix else f"s3://{bucket}"
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            region_name=region,
            config=Config(
                s3={"addressing_style": "path"},
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=5,
                read_timeout=60,
            ),
        )
        # Files above the threshold go up in parts, a few at a time, each read from disk as it
        # is sent; the object appears only when the upload completes. S3 refuses parts < 5 MiB.
        self.transfer_config = TransferConfig(
            multipart_threshold=multipart_threshold,
            multipart_chunksize=max(multipart_chunksize, 5 * MIB),
            max_concurrency=4,
        )

    def _obj(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def _fail(self, e: Exception, action: str, key: str) -> Exception:
        return Unavailable(
            f"artifact store {self.root_uri} failed to {action} {key}: {e}",
            details={"uri": self.uri_for(key)},
        )

    def _write(self, key: str, data: bytes) -> None:
        # A single PUT is atomic in S3: the object appears whole or not at all.
        try:
            self.client.put_object(Bucket=self.bucket, Key=self._obj(key), Body=data)
        except (ClientError, BotoCoreError) as e:
            raise self._fail(e, "write", key) from e

    def _write_file(self, key: str, path: Path) -> tuple[str, int]:
        # The transfer manager reads the file itself (in parts, in parallel), so the checksum
        # takes a pass of its own over the file.
        sha256, size = file_sha256(path)
        try:
            self.client.upload_file(
                str(path), self.bucket, self._obj(key), Config=self.transfer_config
            )
        except (S3UploadFailedError, ClientError, BotoCoreError) as e:
            raise self._fail(e, "write", key) from e
        return sha256, size

    def _get(self, key: str) -> Any:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._obj(key))["Body"]
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in _MISSING:
                raise NotFound(f"artifact {self.uri_for(key)} not found") from e
            raise self._fail(e, "read", key) from e
        except BotoCoreError as e:
            raise self._fail(e, "read", key) from e

    def _read(self, key: str) -> bytes:
        body = self._get(key)
        try:
            return bytes(body.read())
        except BotoCoreError as e:
            raise self._fail(e, "read", key) from e
        finally:
            body.close()

    def _read_chunks(self, key: str) -> Generator[bytes]:
        body = self._get(key)
        try:
            yield from body.iter_chunks(CHUNK_BYTES)
        except BotoCoreError as e:
            raise self._fail(e, "read", key) from e
        finally:
            body.close()

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._obj(key))
            return True
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in _MISSING:
                return False
            raise self._fail(e, "check", key) from e
        except BotoCoreError as e:
            raise self._fail(e, "check", key) from e

    def delete(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._obj(key))
        except (ClientError, BotoCoreError) as e:
            raise self._fail(e, "delete", key) from e

    def list(self, prefix: str = "") -> list[str]:
        strip = len(self.prefix) + 1 if self.prefix else 0
        keys: list[str] = []
        try:
            paginator = self.client.get_paginator("list_objects_v2")
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self._obj(prefix)):
                keys.extend(obj["Key"][strip:] for obj in page.get("Contents", []))
        except (ClientError, BotoCoreError) as e:
            raise self._fail(e, "list", prefix) from e
        return sorted(keys)

    def ping(self) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (ClientError, BotoCoreError) as e:
            raise Unavailable(f"artifact bucket {self.bucket} is not reachable: {e}") from e
