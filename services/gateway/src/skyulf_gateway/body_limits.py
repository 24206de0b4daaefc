"""Which body limit holds for which gateway route: dataset uploads take files up to
``max_upload_bytes`` (plus the multipart framing around them); every other route takes JSON up to
``max_body_bytes``. ``skyulf_platform.body_limit`` enforces them as the bytes arrive."""

from __future__ import annotations

import re

from starlette.types import Scope

from skyulf_gateway.settings import GatewaySettings
from skyulf_platform.body_limit import BodyLimit

# Multipart framing around the file: boundaries, part headers, the other fields.
OVERHEAD_BYTES = 64 * 1024
_UPLOAD_PATHS = re.compile(r"^/api/v1/datasets(/[^/]+/versions)?/?$")


class GatewayBodyLimits:
    def __init__(self, settings: GatewaySettings) -> None:
        self.upload = BodyLimit(settings.max_upload_bytes, "file", OVERHEAD_BYTES)
        self.json = BodyLimit(settings.max_body_bytes)

    def __call__(self, scope: Scope) -> BodyLimit:
        if scope["method"] == "POST" and _UPLOAD_PATHS.match(scope["path"]):
            return self.upload
        return self.json
