"""Fetching an object named by ``s3://bucket/key`` with the platform's S3 settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from skyulf_errors import InvalidArgument, PermissionDenied, Unavailable
from skyulf_ingestion.sources import refuse_control_characters


def split_uri(uri: str) -> tuple[str, str]:
    refuse_control_characters(uri, "uri", "S3 URI")
    if not uri.startswith("s3://") or "/" not in uri[5:] or uri.endswith("/"):
        raise InvalidArgument(f"{uri!r} is not an s3://bucket/key URI", details={"field": "uri"})
    bucket, key = uri[5:].split("/", 1)
    return bucket, key


def split_location(url: str) -> tuple[str, str] | None:
    """(bucket, prefix) of an ``s3://bucket[/prefix]`` artifact URL; None for another scheme."""
    if not url.startswith("s3://"):
        return None
    bucket, _, prefix = url[5:].partition("/")
    return bucket, prefix.strip("/")


class S3Fetcher:
    def __init__(
        self,
        *,
        endpoint_url: str | None,
        access_key: str | None,
        secret_key: str | None,
        region: str,
        reserved: str | None = None,
    ) -> None:
        # The platform's own artifact location (s3://bucket/prefix): the platform's credentials
        # read it, but a source must not (it holds every project's datasets and bundles).
        self.reserved = split_location(reserved) if reserved else None
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            region_name=region,
            config=Config(s3={"addressing_style": "path"}, connect_timeout=5, read_timeout=60),
        )

    def check(self, uri: str) -> tuple[str, str]:
        """(bucket, key) of a source URI, refused inside the platform's artifact location."""
        bucket, key = split_uri(uri)
        if self.reserved is not None:
            reserved_bucket, prefix = self.reserved
            if bucket == reserved_bucket and (not prefix or key.startswith(prefix + "/")):
                raise PermissionDenied(
                    f"{uri} is inside Skyulf's own artifact store; it cannot be read as a source",
                    details={"field": "uri"},
                )
        return bucket, key

    def download(self, uri: str, dest: Path, max_bytes: int) -> None:
        bucket, key = self.check(uri)
        try:
            head = self.client.head_object(Bucket=bucket, Key=key)
            if head["ContentLength"] > max_bytes:
                raise InvalidArgument(
                    f"{uri} is larger than the upload limit of {max_bytes} bytes",
                    details={"field": "uri", "limit_bytes": max_bytes},
                )
            self.client.download_file(bucket, key, str(dest))
        except ClientError as e:
            code = str(e.response.get("Error", {}).get("Code", ""))
            if code in ("404", "NoSuchKey", "NotFound", "NoSuchBucket", "403", "AccessDenied"):
                raise InvalidArgument(
                    f"{uri} does not exist or cannot be read ({code})", details={"field": "uri"}
                ) from e
            raise Unavailable(f"S3 could not serve {uri} ({code})") from e
        except BotoCoreError as e:
            raise Unavailable(f"S3 could not be reached for {uri}") from e
