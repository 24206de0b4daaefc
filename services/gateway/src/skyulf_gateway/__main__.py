"""``python -m skyulf_gateway serve|migrate|create-user``: the HTTP face of Skyulf."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

import uvicorn

from skyulf_gateway.app import create_app, open_accounts
from skyulf_gateway.settings import GatewaySettings, get_settings
from skyulf_platform.grpc.auth import install_from_settings
from skyulf_platform.logs import configure_logging
from skyulf_platform.metrics import serve_metrics
from skyulf_platform.runtime import migrate

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def _serve(settings: GatewaySettings) -> None:
    serve_metrics(settings)
    install_from_settings(settings)
    accounts = open_accounts(settings)
    key = settings.bootstrap_api_key
    accounts.bootstrap(
        api_key=key.get_secret_value() if key is not None else None,
        data_dir=settings.data_dir,
        first_admin=settings.env == "local",
    )
    uvicorn.run(
        create_app(settings, accounts=accounts),
        host=settings.host,
        port=settings.http_listen_port(),
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=10,
    )


def _create_user(settings: GatewaySettings, username: str, role: str) -> None:
    password = getpass.getpass(f"password for {username}: ") if sys.stdin.isatty() else ""
    password = password or sys.stdin.readline().rstrip("\n")
    accounts = open_accounts(settings)
    existing = {u.username: u for u in accounts.list_users()}
    if username in existing:
        accounts.update_user(existing[username].id, role=role, password=password, disabled=False)
        print(f"updated {username} ({role})")
    else:
        accounts.create_user(username, password, role)
        print(f"created {username} ({role})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m skyulf_gateway")
    sub = parser.add_subparsers(dest="command", required=True)
    serve_p = sub.add_parser("serve", help="serve the REST API and the canvas")
    serve_p.add_argument("--migrate", action="store_true", help="migrate the database first")
    sub.add_parser("migrate", help="upgrade the gateway's database (users, sessions, API keys)")
    user_p = sub.add_parser(
        "create-user", help="create a user or reset one's password and role (password on stdin)"
    )
    user_p.add_argument("username")
    user_p.add_argument("--role", choices=["admin", "editor", "viewer"], default="admin")
    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging("gateway", settings.log_level, settings.log_format)
    if args.command == "migrate" or getattr(args, "migrate", False):
        migrate(settings, MIGRATIONS_DIR)
    if args.command == "serve":
        _serve(settings)
    elif args.command == "create-user":
        _create_user(settings, args.username, args.role)


if __name__ == "__main__":
    main()
