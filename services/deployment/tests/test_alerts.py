"""Alerts pushed to a webhook: delivered, retried while the receiver fails, and never raising."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from skyulf_deployment.alerts import WebhookAlerts, target_of


class _Receiver:
    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.bodies: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                receiver.bodies.append(json.loads(self.rfile.read(length)))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/T000/secret"


@pytest.fixture
def receiver(request: pytest.FixtureRequest) -> Iterator[_Receiver]:
    r = _Receiver(list(getattr(request, "param", [])))
    yield r
    r.server.shutdown()
    r.server.server_close()


def test_an_alert_is_delivered_and_names_the_host_not_the_secret_path(
    receiver: _Receiver,
) -> None:
    delivery = WebhookAlerts(receiver.url).send({"kind": "drift", "text": "t"})
    assert delivery.to_dict() == {
        "status": "delivered",
        "target": f"http://127.0.0.1:{receiver.server.server_port}",
        "attempts": 1,
    }
    assert receiver.bodies == [{"kind": "drift", "text": "t"}]


@pytest.mark.parametrize("receiver", [[503, 502]], indirect=True)
def test_a_failing_receiver_is_tried_again(receiver: _Receiver) -> None:
    delivery = WebhookAlerts(receiver.url, backoff=0.01).send({"n": 1})
    assert (delivery.status, delivery.attempts) == ("delivered", 3)
    assert len(receiver.bodies) == 3


@pytest.mark.parametrize("receiver", [[404]], indirect=True)
def test_a_refusal_is_final_and_said(receiver: _Receiver) -> None:
    delivery = WebhookAlerts(receiver.url, backoff=0.01).send({"n": 1})
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert delivery.error == "the receiver answered 404"


def test_an_unreachable_receiver_fails_without_raising() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    delivery = WebhookAlerts(f"http://127.0.0.1:{port}/x", backoff=0.01, timeout=1).send({})
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert "ConnectError" in delivery.error


@pytest.mark.parametrize("url", ["ftp://host/x", "not a url", "http:///path"])
def test_a_webhook_must_be_an_http_url(url: str) -> None:
    with pytest.raises(ValueError, match="http"):
        WebhookAlerts(url)


def test_the_target_keeps_scheme_host_and_port_only() -> None:
    assert target_of("https://hooks.example.com/services/T0/B0/XYZ?token=1") == (
        "https://hooks.example.com"
    )
    assert target_of("http://10.0.0.5:9093/api") == "http://10.0.0.5:9093"
