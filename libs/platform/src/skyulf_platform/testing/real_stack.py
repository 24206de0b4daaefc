"""The local platform on real PostgreSQL, Redis and an S3 server, scaled out:
``python -m skyulf_platform.testing.real_stack --workers 2 --predictors 2`` (``make run-scaled``).

The database, the Redis database number and the S3 server (SeaweedFS from PyPI, or MinIO) come
from the same providers as the test fixtures, fresh for this run and removed at its end; the
rest is :mod:`skyulf_platform.stack`, with N worker processes and M prediction servers that the
deployment service reaches through one round-robin gRPC target.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Sequence

from skyulf_platform import stack
from skyulf_platform.testing.containers import postgres_service, redis_service, s3_service


@contextlib.contextmanager
def real_parts_env(prefix: str = "scaled") -> Iterator[dict[str, str]]:
    """SKYULF_* variables pointing at a fresh database, Redis database and S3 bucket."""
    with postgres_service() as pg, redis_service() as redis, s3_service() as s3:
        yield {
            "SKYULF_DATABASE_URL": pg,
            "SKYULF_BROKER_URL": redis,
            "SKYULF_ARTIFACT_URL": f"s3://{s3.bucket}/{prefix}",
            "SKYULF_S3_ENDPOINT_URL": s3.endpoint_url,
            "SKYULF_S3_ACCESS_KEY": s3.access_key,
            "SKYULF_S3_SECRET_KEY": s3.secret_key,
            "SKYULF_S3_REGION": s3.region,
        }


def main(argv: Sequence[str] | None = None) -> int:
    with real_parts_env() as env:
        os.environ.update(env)
        print(
            f"PostgreSQL {env['SKYULF_DATABASE_URL'].rsplit('@', 1)[-1]}, "
            f"Redis {env['SKYULF_BROKER_URL']}, S3 {env['SKYULF_S3_ENDPOINT_URL']}",
            flush=True,
        )
        return stack.main(list(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    sys.exit(main())
