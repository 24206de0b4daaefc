"""Fetching an object named by ``s3://bucket/key`` with the platform's S3 settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from skyulf_errors import InvalidArgument, Unavailable
from skyulf_ingestion.sources import refuse_control_characters


def split_uri(uri: str) -> tuple[str, str]:
    refuse_control_characters(uri, "uri", "S3 URI")
    if not uri.startswith("s3://") or "/" not in uri[5:] or uri.endswith("/"):
        raise InvalidArgument(f"{uri!r} is not an s3://bucket/key URI", details={"field": "uri"})
    bucket, key = uri[5:].split("/", 1)
    return bucket, key


class S3Fetcher:
    def __init__(
        self,
        *,
        endpoint_url: str | None,
        access_key: str | None,
        secret_key: str | None,
        region: str,
    ) -> None:
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            region_name=region,
            config=Config(s3={"addressing_style": "path"}, connect_timeout=5, read_timeout=60),
        )

    def download(self, uri: str, dest: Path, max_bytes: int) -> None:
        bucket, key = split_uri(uri)
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
