"""Fixtures for every test in the repository: real PostgreSQL, Redis and S3 where asked for."""

pytest_plugins = ["skyulf_platform.testing.pytest_plugin"]
