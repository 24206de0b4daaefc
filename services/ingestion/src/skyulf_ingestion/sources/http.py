"""Reading records from a JSON API, refusing to reach inside the network.

Every hop (the first request and each redirect) resolves the host, refuses it when any of its
addresses is private, loopback, link-local, reserved or a cloud metadata address (whatever
numeric spelling the URL used: the resolver normalises them), and then connects to the very
address that was checked, so a second DNS answer cannot swap it. Hosts named in the operator's
allow-list are admitted. Bytes and time are capped over all pages.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import time
from typing import Any
from urllib.parse import urlsplit

import httpx
import polars as pl

from skyulf_errors import InvalidArgument, Unavailable
from skyulf_ingestion.sources import refuse_control_characters
from skyulf_ingestion.sources.models import HttpSource

MAX_REDIRECTS = 5
_METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
# IPv6 spellings that carry an IPv4 address in their last 32 bits: IPv4-compatible (::a.b.c.d,
# deprecated but still routed by some stacks) and the NAT64 prefixes (RFC 6052, RFC 8215).
_EMBEDS_IPV4 = [
    ipaddress.ip_network("::/96"),
    ipaddress.ip_network("64:ff9b::/96"),
    ipaddress.ip_network("64:ff9b:1::/48"),
]


def _invalid(message: str, field: str = "url") -> InvalidArgument:
    return InvalidArgument(message, details={"field": field})


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and any(address in net for net in _EMBEDS_IPV4):
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return _is_public(embedded)
        if address.teredo is not None:
            return False
    return address.is_global and not address.is_multicast and address not in _METADATA


def resolve(url: str, allowed_hosts: list[str]) -> tuple[str, str]:
    """(host, checked address to connect to); refuses internal addresses unless allowed."""
    refuse_control_characters(url, "url", "URL")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _invalid(f"only http(s) URLs with a host are accepted, not {parts.scheme!r}")
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as e:
        raise _invalid(f"host {host!r} cannot be resolved") from e
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if host.lower() not in {h.lower() for h in allowed_hosts}:
        for address in addresses:
            if not _is_public(address):
                raise _invalid(
                    f"host {host!r} resolves to an internal address ({address}); "
                    "an operator may admit it with SKYULF_HTTP_ALLOWED_HOSTS"
                )
    return host, str(addresses[0])


def _at_path(document: Any, path: str, field: str) -> Any:
    for part in [p for p in path.split(".") if p]:
        if isinstance(document, dict) and part in document:
            document = document[part]
        elif isinstance(document, list) and part.isdigit() and int(part) < len(document):
            document = document[int(part)]
        else:
            return None
    return document


class _Fetcher:
    def __init__(self, source: HttpSource, allowed: list[str], max_bytes: int, timeout: float):
        self.source = source
        self.allowed = allowed
        self.max_bytes = max_bytes
        self.deadline = time.monotonic() + timeout
        self.received = 0
        self.client = httpx.Client(follow_redirects=False, timeout=min(timeout, 30.0))

    def _remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise _invalid("the API did not answer within the time limit")
        return left

    def _read(self, response: httpx.Response) -> bytes:
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            self.received += len(chunk)
            if self.received > self.max_bytes:
                raise InvalidArgument(
                    f"the API sent more than the limit of {self.max_bytes} bytes",
                    details={"field": "url", "limit_bytes": self.max_bytes},
                )
            self._remaining()
        return bytes(body)

    def get(self, url: str, params: dict[str, str]) -> Any:
        headers = {"Accept": "application/json"}
        if self.source.auth_header_name:
            headers[self.source.auth_header_name] = self.source.auth_header_value
        for _ in range(MAX_REDIRECTS + 1):
            host, address = resolve(url, self.allowed)
            parts = urlsplit(url)
            pinned = parts._replace(
                netloc=(f"[{address}]" if ":" in address else address)
                + (f":{parts.port}" if parts.port else "")
            ).geturl()
            request = self.client.build_request(
                "GET",
                pinned,
                params=params,
                headers={**headers, "Host": parts.netloc.rsplit("@", 1)[-1]},
                extensions={
                    "sni_hostname": host,
                    "timeout": {
                        "pool": self._remaining(),
                        "connect": 10.0,
                        "read": self._remaining(),
                        "write": 10.0,
                    },
                },
            )
            try:
                response = self.client.send(request, stream=True)
            except httpx.TransportError as e:
                raise Unavailable(
                    f"the API at {host} could not be reached ({type(e).__name__})",
                    details={"field": "url"},
                ) from None
            try:
                if response.is_redirect:
                    url = str(httpx.URL(url).join(response.headers.get("location", "")))
                    params = {}
                    continue
                if response.status_code >= 400:
                    raise _invalid(f"the API answered HTTP {response.status_code}")
                body = self._read(response)
            finally:
                response.close()
            try:
                return json.loads(body)
            except (json.JSONDecodeError, UnicodeDecodeError) as e:
                raise _invalid("the API's answer is not JSON") from e
        raise _invalid(f"the API redirected more than {MAX_REDIRECTS} times")


def read_http(
    source: HttpSource,
    *,
    allowed_hosts: list[str],
    max_bytes: int,
    timeout_s: float,
    max_rows: int,
) -> pl.DataFrame:
    fetcher = _Fetcher(source, allowed_hosts, max_bytes, timeout_s)
    records: list[dict[str, Any]] = []
    params: dict[str, str] = {}
    page = 1
    try:
        for _ in range(source.max_pages if source.pagination != "none" else 1):
            if source.pagination == "page":
                params = {source.page_param: str(page)}
            document = fetcher.get(source.url, params)
            batch = _at_path(document, source.records_path, "records_path")
            if not isinstance(batch, list):
                raise _invalid(
                    f"records_path {source.records_path!r} is not an array in the answer",
                    "records_path",
                )
            if not all(isinstance(r, dict) for r in batch):
                raise _invalid("the records must be JSON objects", "records_path")
            records.extend(batch)
            if len(records) > max_rows:
                raise InvalidArgument(f"the API yielded more than {max_rows} rows")
            if source.pagination == "page":
                if not batch:
                    break
                page += 1
            elif source.pagination == "cursor":
                cursor = _at_path(document, source.cursor_path, "cursor_path")
                if cursor in (None, "") or not batch:
                    break
                params = {source.page_param: str(cursor)}
    finally:
        fetcher.client.close()
    if not records:
        raise _invalid("the API returned no records", "records_path")
    try:
        return pl.from_dicts(records, infer_schema_length=None)
    except pl.exceptions.PolarsError as e:
        raise _invalid(f"the records cannot be read as a table: {e}", "records_path") from e
