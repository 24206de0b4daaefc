from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from skyulf_errors import InvalidArgument
from skyulf_ingestion.models import DatasetStatus
from skyulf_ingestion.service import IngestionService
from skyulf_ingestion.sources.models import UploadSource

SHEETS: dict[str, list[list[object]]] = {
    "notes": [["just", "text"], ["a", "b"]],
    "sales": [
        ["exported 2026-12-01", ""],
        ["region", "amount"],
        ["north", 10],
        ["south", 12.5],
        ["east", 7],
    ],
}


def test_a_chosen_sheet_and_header_row_become_the_dataset(
    xlsx: Callable[..., Path], service: IngestionService, queued: list[str], tmp_path: Path
) -> None:
    book = xlsx(tmp_path / "sales.xlsx", SHEETS)
    options = UploadSource(sheet="sales", header_row=1)
    dataset = service.upload("sales.xlsx", book.read_bytes(), options=options)
    assert queued == [dataset.id]
    done = service.ingest(dataset.id)
    assert done.status is DatasetStatus.READY, done.error
    assert [c.name for c in done.columns] == ["region", "amount"]
    assert done.n_rows == 3
    page = service.get_rows(dataset.id, offset=0, limit=10)
    assert page.rows[1] == {"region": "south", "amount": 12.5}


def test_the_first_sheet_is_read_by_default(
    xlsx: Callable[..., Path], service: IngestionService, tmp_path: Path
) -> None:
    book = xlsx(tmp_path / "b.xlsx", SHEETS)
    done = service.ingest(service.upload("b.xlsx", book.read_bytes()).id)
    assert done.status is DatasetStatus.READY, done.error
    assert [c.name for c in done.columns] == ["just", "text"]


def test_an_unknown_sheet_is_named(
    xlsx: Callable[..., Path], service: IngestionService, queued: list[str], tmp_path: Path
) -> None:
    book = xlsx(tmp_path / "b.xlsx", SHEETS)
    with pytest.raises(
        InvalidArgument, match=r"b.xlsx: has no sheet 'money' \(sheets: notes, sales\)"
    ):
        service.upload("b.xlsx", book.read_bytes(), options=UploadSource(sheet="money"))
    assert queued == []
    assert service.list_datasets().total == 0


def test_a_zip_bomb_is_refused_and_nothing_is_kept(
    xlsx: Callable[..., Path], service: IngestionService, queued: list[str], tmp_path: Path
) -> None:
    bomb = tmp_path / "bomb.xlsx"
    xlsx(bomb, SHEETS)
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/filler.bin", b"\0" * (64 * 1024 * 1024))
    assert bomb.stat().st_size < 1024 * 1024
    with pytest.raises(InvalidArgument, match=r"bomb\.xlsx: expands to too much data"):
        service.upload("bomb.xlsx", bomb.read_bytes())
    assert queued == [] and service.list_datasets().total == 0
    assert service.store.list("datasets/") == []


def test_a_sheet_declaring_absurd_dimensions_is_refused(
    xlsx: Callable[..., Path], service: IngestionService, tmp_path: Path
) -> None:
    book = xlsx(tmp_path / "wide.xlsx", SHEETS, dimension="A1:XFD1048576")
    with pytest.raises(InvalidArgument, match=r"wide.xlsx: declares a sheet of \d+ cells"):
        service.upload("wide.xlsx", book.read_bytes())
