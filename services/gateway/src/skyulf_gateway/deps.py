"""FastAPI dependencies: the service clients and settings held by the app."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from skyulf_gateway.clients import ServiceClients
from skyulf_gateway.settings import GatewaySettings


async def get_clients(request: Request) -> ServiceClients:
    clients: ServiceClients = request.app.state.clients
    return clients


async def get_gateway_settings(request: Request) -> GatewaySettings:
    settings: GatewaySettings = request.app.state.settings
    return settings


ClientsDep = Annotated[ServiceClients, Depends(get_clients)]
SettingsDep = Annotated[GatewaySettings, Depends(get_gateway_settings)]
