from __future__ import annotations

import pytest

from skyulf_deployment.predictor.auth import ApiKeyVerifier
from skyulf_errors import RateLimited, Unavailable
from skyulf_platform.grpc.auth import installed
from skyulf_platform.stack import free_port


async def test_service_tokens_pass_and_api_keys_are_rate_limited() -> None:
    creds = installed()
    assert creds is not None
    # No gateway listens here: an API key cannot be confirmed, and is never taken on trust.
    verifier = ApiKeyVerifier(f"http://127.0.0.1:{free_port()}", creds, rate_per_minute=1)
    assert await verifier.check(creds.mint()) == "ok"
    assert await verifier.check(creds.mint() + "0") == "unknown"
    with pytest.raises(Unavailable, match="gateway"):
        await verifier.check("sky_some-key")
    with pytest.raises(RateLimited):
        await verifier.check("sky_some-key")
    # Over gRPC the reason travels (RESOURCE_EXHAUSTED, UNAVAILABLE), not a bare refusal.
    with pytest.raises(RateLimited):
        await verifier.grpc_verifier("sky_some-key", "/inference.GRPCInferenceService/ModelInfer")
    assert not await verifier.grpc_verifier(
        creds.mint(), "/skyulf.deployment.v1.PredictorService/X"
    )
    await verifier.close()


async def test_a_key_acts_in_its_own_project_whatever_the_metadata_says() -> None:
    creds = installed()
    assert creds is not None
    verifier = ApiKeyVerifier(f"http://127.0.0.1:{free_port()}", creds)
    asked: list[str] = []

    async def gateway_says(token: str) -> tuple[str, str]:
        asked.append(token)
        return "ok", "team-a"

    verifier._ask = gateway_says  # type: ignore[method-assign]
    claim = ("x-skyulf-project", "team-b")
    key_call = [("authorization", "Bearer sky_team-a-key"), claim]
    assert await verifier.grpc_project(key_call) == "team-a"
    assert await verifier.grpc_project(key_call) == "team-a"
    assert asked == ["sky_team-a-key"]  # remembered, not asked twice
    service_call = [("authorization", f"Bearer {creds.mint()}"), claim]
    assert await verifier.grpc_project(service_call) == "team-b"
    await verifier.close()
