"""Alerts pushed to a webhook (``SKYULF_ALERT_WEBHOOK_URL``).

The body is JSON any receiver can read, with a ``text`` line that Slack, Mattermost and other
incoming-webhook receivers show as it is. A delivery is tried a few times (a receiver that
answers 5xx or cannot be reached is tried again; 4xx is final), never raises, and says what
happened; the target it reports is the URL's scheme and host only, since webhook URLs carry
their secret in the path.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx

log = logging.getLogger(__name__)

ATTEMPTS = 3
TIMEOUT_SECONDS = 5.0
BACKOFF_SECONDS = 0.5


@dataclass(frozen=True)
class Delivery:
    status: Literal["delivered", "failed"]
    target: str
    attempts: int
    error: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "status": self.status,
            "target": self.target,
            "attempts": self.attempts,
        }
        if self.error:
            out["error"] = self.error
        return out


def target_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}"


class WebhookAlerts:
    def __init__(
        self,
        url: str,
        *,
        attempts: int = ATTEMPTS,
        timeout: float = TIMEOUT_SECONDS,
        backoff: float = BACKOFF_SECONDS,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"the alert webhook must be an http(s) URL, not {target_of(url)!r}")
        self.url = url
        self.target = target_of(url)
        self.attempts = attempts
        self.timeout = timeout
        self.backoff = backoff

    def send(self, alert: dict[str, Any]) -> Delivery:
        error = ""
        for attempt in range(1, self.attempts + 1):
            try:
                reply = httpx.post(
                    self.url, json=alert, timeout=self.timeout, follow_redirects=False
                )
            except httpx.HTTPError as e:
                error = f"{type(e).__name__}: {e}"
            else:
                if reply.is_success:
                    return Delivery("delivered", self.target, attempt)
                error = f"the receiver answered {reply.status_code}"
                if reply.status_code < 500:
                    break
            if attempt < self.attempts:
                time.sleep(self.backoff * attempt)
        log.error("alert to %s not delivered: %s", self.target, error)
        return Delivery("failed", self.target, attempt, error)
