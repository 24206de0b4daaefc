"""Settings of the deployment service and of the prediction server it ships."""

from __future__ import annotations

from pydantic import SecretStr

from skyulf_platform.settings import DEFAULT_PORTS, PlatformSettings


class DeploymentSettings(PlatformSettings):
    service_name: str = "deployment"
    # Where drift alerts are pushed (an http(s) URL that takes a JSON POST); unset: they are
    # logged and flagged on the report only.
    alert_webhook_url: SecretStr | None = None


class PredictorSettings(PlatformSettings):
    """``SKYULF_HTTP_PORT`` (REST, default 8080) and ``SKYULF_GRPC_PORT`` (gRPC, default 8081)."""

    service_name: str = "predictor"
    # How long a deployment lookup is trusted before it is asked again, in seconds: a redeploy
    # or a deletion takes effect within this time.
    deployment_ttl_seconds: float = 3.0
    # Loaded models kept (the bundle cache): endpoints' models always, others until this bound.
    max_loaded_models: int = 16
    # Logged inputs (endpoints with a log_sample_rate) are written at least this often.
    input_log_flush_seconds: float = 5.0
    # The gateway, which owns API keys: the prediction server asks it whether a key is valid.
    gateway_url: str = f"http://127.0.0.1:{DEFAULT_PORTS['gateway']}"

    def rest_port(self) -> int:
        return self.http_port if self.http_port is not None else DEFAULT_PORTS["predictor"]

    def port(self) -> int:
        return self.grpc_port if self.grpc_port is not None else DEFAULT_PORTS["predictor_grpc"]


def get_settings() -> DeploymentSettings:
    return DeploymentSettings()


def get_predictor_settings() -> PredictorSettings:
    return PredictorSettings()
