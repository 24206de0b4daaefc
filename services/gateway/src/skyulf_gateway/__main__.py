"""``python -m skyulf_gateway serve``: the HTTP face of Skyulf."""

from __future__ import annotations

import argparse

import uvicorn

from skyulf_gateway.app import create_app
from skyulf_gateway.settings import get_settings
from skyulf_platform.logs import configure_logging
from skyulf_platform.metrics import serve_metrics


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m skyulf_gateway")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="serve the REST API and the canvas")
    parser.parse_args(argv)
    settings = get_settings()
    configure_logging("gateway", settings.log_level, settings.log_format)
    serve_metrics(settings)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.http_listen_port(),
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=10,
    )


if __name__ == "__main__":
    main()
