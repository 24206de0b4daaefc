from __future__ import annotations

import zipfile
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest

from skyulf.ingestion.v1 import ingestion_pb2_grpc
from skyulf_ingestion.__main__ import MIGRATIONS_DIR, SERVICE_NAME
from skyulf_ingestion.grpc.servicer import IngestionServicer
from skyulf_ingestion.service import IngestionService
from skyulf_ingestion.settings import IngestionSettings
from skyulf_ingestion.wiring import build_service
from skyulf_platform.checks import artifact_store_check, database_check
from skyulf_platform.db.migrations import upgrade
from skyulf_platform.grpc.client import aio_channel
from skyulf_platform.grpc.server import RunningServer, ServiceBinding, start_server

DATA = Path(__file__).parent / "data"
UPLOAD_LIMIT = 2 * 1024 * 1024


@pytest.fixture
def churn_csv() -> bytes:
    return (DATA / "churn_300.csv").read_bytes()


@pytest.fixture
def customers_csv() -> bytes:
    return (DATA / "customers_15.csv").read_bytes()


@pytest.fixture
def settings(tmp_path: Path) -> IngestionSettings:
    s = IngestionSettings(data_dir=tmp_path, max_upload_bytes=UPLOAD_LIMIT)
    upgrade(MIGRATIONS_DIR, s.resolved_database_url(), s.service_name)
    return s


@pytest.fixture
def queued() -> list[str]:
    """Dataset ids the service asked to ingest."""
    return []


@pytest.fixture
def service(settings: IngestionSettings, queued: list[str]) -> Iterator[IngestionService]:
    svc = build_service(settings, enqueue=queued.append)
    yield svc
    svc.uow.engine.dispose()


@pytest.fixture
async def server(service: IngestionService) -> AsyncIterator[RunningServer]:
    running = await start_server(
        [
            ServiceBinding(
                IngestionServicer(service),
                ingestion_pb2_grpc.add_IngestionServiceServicer_to_server,
                SERVICE_NAME,
            )
        ],
        host="127.0.0.1",
        port=0,
        checks=[database_check(service.uow.engine), artifact_store_check(service.store)],
    )
    yield running
    await running.stop(0)


@pytest.fixture
async def stub(server: RunningServer) -> AsyncIterator[ingestion_pb2_grpc.IngestionServiceStub]:
    channel = aio_channel(f"127.0.0.1:{server.port}")
    yield ingestion_pb2_grpc.IngestionServiceStub(channel)
    await channel.close()


# -- Excel workbooks for tests (inline strings and numbers; no writer library) --

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "{sheets}</Types>"
)
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)


def _col(i: int) -> str:
    name = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(65 + r) + name
    return name


def _cell(ref: str, value: object) -> str:
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def _sheet(rows: list[list[object]], dimension: str | None) -> str:
    body = "".join(
        f'<row r="{r + 1}">'
        + "".join(_cell(f"{_col(c)}{r + 1}", v) for c, v in enumerate(row))
        + "</row>"
        for r, row in enumerate(rows)
    )
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dim}<sheetData>{body}</sheetData></worksheet>"
    )


def write_xlsx(
    path: Path, sheets: dict[str, list[list[object]]], *, dimension: str | None = None
) -> Path:
    names = list(sheets)
    workbook = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        + "".join(
            f'<sheet name="{escape(n)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
            for i, n in enumerate(names)
        )
        + "</sheets></workbook>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
            for i in range(len(names))
        )
        + "</Relationships>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        types = "".join(_SHEET_TYPE.format(n=i + 1) for i in range(len(names)))
        z.writestr("[Content_Types].xml", _CONTENT_TYPES.format(sheets=types))
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        for i, name in enumerate(names):
            z.writestr(f"xl/worksheets/sheet{i + 1}.xml", _sheet(sheets[name], dimension))
    return path


@pytest.fixture
def xlsx() -> Callable[..., Path]:
    return write_xlsx


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty ingestion database on SQLite, then on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ingestion.db'}"
    value: Any = request.getfixturevalue("fresh_postgres_url")
    return str(value)
