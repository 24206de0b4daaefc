"""HTTP sources against a local JSON API on 127.0.0.1, admitted only by the allow-list."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from skyulf_errors import InvalidArgument
from skyulf_ingestion.models import DatasetStatus
from skyulf_ingestion.service import IngestionService
from skyulf_ingestion.settings import IngestionSettings
from skyulf_ingestion.sources.http import resolve
from skyulf_ingestion.sources.models import HttpSource
from skyulf_ingestion.sources.s3 import split_uri
from skyulf_ingestion.wiring import build_service

TOKEN = "Bearer s3cret-token"
ROWS = [{"id": i, "name": f"item {i}", "price": i * 2.5} for i in range(1, 26)]


class _Api(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def _json(self, body: object, status: int = 200) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if self.headers.get("Authorization") != TOKEN:
            self._json({"error": "unauthorised"}, 401)
        elif parts.path == "/pages":
            page = int(query.get("page", "1"))
            self._json({"data": {"items": ROWS[(page - 1) * 10 : page * 10]}})
        elif parts.path == "/cursor":
            start = int(query.get("after", "0"))
            nxt = start + 10 if start + 10 < len(ROWS) else None
            self._json({"items": ROWS[start : start + 10], "next": nxt})
        elif parts.path == "/redirect-inside":
            self.send_response(302)
            self.send_header("Location", f"http://localhost:{self.server.server_port}/pages")
            self.end_headers()
        elif parts.path == "/redirect-metadata":
            # The cloud metadata address, spelt as one decimal number.
            self.send_response(307)
            self.send_header("Location", "http://2852039166/latest/meta-data/")
            self.end_headers()
        else:
            self._json({"error": "no such path"}, 404)


@pytest.fixture
def api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def _service(
    settings: IngestionSettings, queued: list[str], allowed: list[str]
) -> IngestionService:
    return build_service(
        settings.model_copy(update={"http_allowed_hosts": allowed}), enqueue=queued.append
    )


def test_paged_records_behind_an_auth_header_become_a_dataset(
    settings: IngestionSettings, queued: list[str], api: str
) -> None:
    service = _service(settings, queued, ["127.0.0.1"])
    source = HttpSource(
        url=f"{api}/pages",
        records_path="data.items",
        pagination="page",
        auth_header_name="Authorization",
        auth_header_value=TOKEN,
    )
    dataset = service.create_from_source(source)
    assert TOKEN not in dataset.model_dump_json()
    done = service.ingest(dataset.id)
    assert done.status is DatasetStatus.READY, done.error
    assert done.n_rows == 25 and [c.name for c in done.columns] == ["id", "name", "price"]


def test_cursor_pagination_follows_the_cursor(
    settings: IngestionSettings, queued: list[str], api: str
) -> None:
    service = _service(settings, queued, ["127.0.0.1"])
    source = HttpSource(
        url=f"{api}/cursor",
        records_path="items",
        pagination="cursor",
        page_param="after",
        cursor_path="next",
        auth_header_name="Authorization",
        auth_header_value=TOKEN,
    )
    done = service.ingest(service.create_from_source(source).id)
    assert done.status is DatasetStatus.READY, done.error
    assert done.n_rows == 25


def test_the_loopback_api_is_refused_without_the_allow_list(
    settings: IngestionSettings, queued: list[str], api: str
) -> None:
    service = _service(settings, queued, [])
    with pytest.raises(InvalidArgument, match="resolves to an internal address") as caught:
        service.create_from_source(HttpSource(url=f"{api}/pages"))
    assert caught.value.details == {"field": "url"}
    assert queued == [] and service.list_datasets().total == 0


def test_a_redirect_to_an_internal_host_is_refused(
    settings: IngestionSettings, queued: list[str], api: str
) -> None:
    service = _service(settings, queued, ["127.0.0.1"])
    source = HttpSource(
        url=f"{api}/redirect-inside",
        records_path="data.items",
        auth_header_name="Authorization",
        auth_header_value=TOKEN,
    )
    done = service.ingest(service.create_from_source(source).id)
    assert done.status is DatasetStatus.FAILED
    assert done.error and "'localhost' resolves to an internal address" in done.error
    assert TOKEN not in done.error


def test_a_redirect_to_the_metadata_address_is_refused(
    settings: IngestionSettings, queued: list[str], api: str
) -> None:
    service = _service(settings, queued, ["127.0.0.1"])
    source = HttpSource(
        url=f"{api}/redirect-metadata",
        records_path="data.items",
        auth_header_name="Authorization",
        auth_header_value=TOKEN,
    )
    done = service.ingest(service.create_from_source(source).id)
    assert done.status is DatasetStatus.FAILED
    assert done.error and "internal address (169.254.169.254)" in done.error
    assert TOKEN not in done.error


def test_the_byte_cap_stops_a_large_answer(
    settings: IngestionSettings, queued: list[str], api: str
) -> None:
    service = build_service(
        settings.model_copy(update={"http_allowed_hosts": ["127.0.0.1"], "http_max_bytes": 100}),
        enqueue=queued.append,
    )
    source = HttpSource(
        url=f"{api}/pages",
        records_path="data.items",
        auth_header_name="Authorization",
        auth_header_value=TOKEN,
    )
    done = service.ingest(service.create_from_source(source).id)
    assert done.status is DatasetStatus.FAILED
    assert done.error and "more than the limit of 100 bytes" in done.error


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://2130706433/",
        "http://0177.0.0.1/",
        "http://0x7f.0.0.1/",
        "http://0x7f000001/",
        "http://127.1/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:7f00:1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
        "http://10.1.2.3/",
        "http://192.168.0.1/",
        "http://172.16.0.1/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://[2002:7f00:1::]/",
        "http://localhost/",
        "http://LOCALHOST/",
        "http://0/",
        "http://[::]/",
        "http://017700000001/",
        "http://0x7f.1/",
        "http://127.000.000.001/",
        "http://0x7f.0x0.0x0.0x1/",
        "http://example.com@127.0.0.1/",
        "http://[0:0:0:0:0:ffff:127.0.0.1]/",
        "http://[::127.0.0.1]/",
        "http://[64:ff9b::7f00:1]/",
        "http://[64:ff9b:1::a9fe:a9fe]/",
        "http://2852039166/",
        "http://0xa9fea9fe/",
        "http://0251.0376.0251.0376/",
        "http://169.254.43518/",
        "http://[::ffff:a9fe:a9fe]/",
        "http://\u2460\u2461\u2466.0.0.1/",
    ],
)
def test_internal_addresses_are_refused_in_every_spelling(url: str) -> None:
    with pytest.raises(InvalidArgument, match="internal address"):
        resolve(url, [])


def test_control_characters_in_a_url_or_key_are_refused() -> None:
    with pytest.raises(InvalidArgument, match="control character") as caught:
        resolve("http://example.com/a\x00b", [])
    assert caught.value.details == {"field": "url"}
    with pytest.raises(InvalidArgument, match="control character") as caught:
        split_uri("s3://bucket/data\x00.csv")
    assert caught.value.details == {"field": "uri"}


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://x/", "ftp://example.com/a"])
def test_other_schemes_are_refused(url: str) -> None:
    with pytest.raises(InvalidArgument, match="only http"):
        resolve(url, [])
