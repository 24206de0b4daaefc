"""Who may call the prediction server: API keys with the ``predict`` permission (checked with
the gateway, which owns them, and remembered briefly), or another Skyulf process's service
credential. Only health is public.

A key acts in the project it was made in: the server answers it with that project's endpoints
only (another's is not found, like a missing one). A service token's call acts in the project
its ``x-skyulf-project`` metadata (REST: header) names."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable
from typing import Any

import httpx
from fastapi import Request

from skyulf_errors import PermissionDenied, Unauthenticated, Unavailable
from skyulf_platform.grpc.auth import (
    TOKEN_PREFIX,
    ServiceCredentials,
    bearer_token,
    outgoing_metadata,
)
from skyulf_platform.projects import (
    DEFAULT_PROJECT,
    PROJECT_KEY,
    project_from_metadata,
    project_var,
)
from skyulf_platform.ratelimit import RateLimiter

log = logging.getLogger(__name__)

PUBLIC_REST_PREFIX = "/v2/health/"
INFERENCE_METHODS = "/inference.GRPCInferenceService/"
# A valid key is trusted this long before the gateway is asked again (a revocation takes
# effect within it); a refused one is remembered for less.
VALID_TTL_S = 10.0
INVALID_TTL_S = 2.0
_MAX_CACHED = 10_000


class ApiKeyVerifier:
    def __init__(
        self,
        gateway_url: str,
        credentials: ServiceCredentials,
        rate_per_minute: int | None = None,
    ) -> None:
        self.gateway_url = gateway_url.rstrip("/")
        self.credentials = credentials
        self.limiter = (
            RateLimiter(rate_per_minute, 60.0, "predictions") if rate_per_minute else None
        )
        # key -> (expiry, verdict, the key's project id)
        self._cache: dict[str, tuple[float, str, str]] = {}
        self._client: httpx.AsyncClient | None = None

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def check(self, token: str) -> str:
        """``"ok"``, ``"unknown"`` (no such key, or revoked) or ``"forbidden"`` (no predict)."""
        if token.startswith(TOKEN_PREFIX):
            return "ok" if self.credentials.verify(token) is not None else "unknown"
        if self.limiter is not None:
            # Keyed by a digest: the limiter's table never holds a key itself.
            self.limiter.hit(hashlib.sha256(token.encode()).hexdigest())
        return (await self._verdict(token))[0]

    async def key_project(self, token: str) -> str:
        """The id of the project an API key acts in."""
        return (await self._verdict(token))[1]

    async def _verdict(self, token: str) -> tuple[str, str]:
        now = time.monotonic()
        cached = self._cache.get(token)
        if cached is not None and cached[0] > now:
            return cached[1], cached[2]
        verdict, project = await self._ask(token)
        if len(self._cache) > _MAX_CACHED:
            self._cache.clear()
        ttl = VALID_TTL_S if verdict == "ok" else INVALID_TTL_S
        self._cache[token] = (now + ttl, verdict, project)
        return verdict, project

    async def _ask(self, token: str) -> tuple[str, str]:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=5.0)
        headers = dict(outgoing_metadata())
        try:
            resp = await self._client.post(
                f"{self.gateway_url}/api/v1/auth/introspect",
                json={"api_key": token},
                headers=headers,
            )
            resp.raise_for_status()
            body: dict[str, Any] = resp.json()
        except (httpx.HTTPError, ValueError) as e:
            log.warning("could not check an API key with the gateway: %s", e)
            raise Unavailable(
                "the gateway, which checks API keys, is not reachable",
                details={"service": "gateway"},
            ) from e
        if not body.get("valid"):
            return "unknown", ""
        project = str(body.get("project_id") or DEFAULT_PROJECT)
        return ("ok" if "predict" in body.get("permissions", []) else "forbidden"), project

    async def grpc_project(self, metadata: Iterable[tuple[str, Any]] | None) -> str:
        """The project a gRPC call acts in: an API key's own, else what the (service-token)
        call's metadata names."""
        token = bearer_token(metadata)
        if token is not None and not token.startswith(TOKEN_PREFIX):
            return await self.key_project(token)
        return project_from_metadata(metadata)

    async def grpc_verifier(self, token: str, method: str) -> bool:
        """True for a key that may predict; a refusal with a reason (no predict scope, too many
        calls, the gateway unreachable) is raised, so the caller gets that status."""
        if not method.startswith(INFERENCE_METHODS):
            return False
        verdict = await self.check(token)
        if verdict == "forbidden":
            raise PermissionDenied(
                "this API key may not predict: it needs the 'predict' scope",
                details={"permission": "predict"},
            )
        return verdict == "ok"

    async def rest_dependency(self, request: Request) -> None:
        """Every REST route but health: ``Authorization: Bearer <API key>``."""
        if request.url.path.startswith(PUBLIC_REST_PREFIX):
            return
        await self.check_header(
            request.headers.get("authorization", ""), request.headers.get(PROJECT_KEY)
        )

    async def check_header(self, authorization: str, project_header: str | None = None) -> None:
        """Raises unless the ``Authorization`` header carries a key that may predict; then sets
        the project the call acts in (a key's own; for a service token, ``project_header``)."""
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated(
                "send an API key as 'Authorization: Bearer <key>'",
                details={"field": "authorization"},
            )
        verdict = await self.check(token)
        if verdict == "unknown":
            raise Unauthenticated(
                "the API key is unknown or revoked", details={"field": "authorization"}
            )
        if verdict == "forbidden":
            raise PermissionDenied(
                "this API key may not predict: it needs the 'predict' scope",
                details={"permission": "predict"},
            )
        # Async, so the route's own coroutine sees the project set here.
        if token.startswith(TOKEN_PREFIX):
            project_var.set(project_header or DEFAULT_PROJECT)
        else:
            project_var.set(await self.key_project(token))
