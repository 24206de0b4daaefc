"""What a prediction server holds: the model versions it has loaded."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import Gauge

LOADED_MODELS = Gauge(
    "skyulf_predictor_loaded_models", "Model versions loaded and ready to predict."
)


def report_loaded_models(count: Callable[[], int]) -> None:
    """Read ``count()`` at every scrape."""
    LOADED_MODELS.set_function(count)
