"""Real backing services for tests: SeaweedFS S3, PostgreSQL, Redis (or containers).

Modules:

* :mod:`.seaweed`       ``SeaweedS3``, a SeaweedFS S3 server on loopback.
* :mod:`.databases`     ``postgres_database()`` and ``redis_url()`` on running servers.
* :mod:`.containers`    ``postgres_service()``, ``redis_service()``, ``s3_service()``:
                        testcontainers when Docker answers, loopback otherwise.
* :mod:`.pytest_plugin` session fixtures ``postgres_url``, ``redis_url``, ``s3_server``.

Importing this package does not import pytest.
"""

from skyulf_platform.testing.containers import (
    MinioS3,
    docker_available,
    postgres_service,
    redis_service,
    s3_service,
)
from skyulf_platform.testing.databases import (
    ServiceUnavailable,
    postgres_database,
    redis_database,
    redis_url,
)
from skyulf_platform.testing.seaweed import SeaweedS3, SeaweedS3Error

__all__ = [
    "MinioS3",
    "SeaweedS3",
    "SeaweedS3Error",
    "ServiceUnavailable",
    "docker_available",
    "postgres_database",
    "postgres_service",
    "redis_database",
    "redis_service",
    "redis_url",
    "s3_service",
]
