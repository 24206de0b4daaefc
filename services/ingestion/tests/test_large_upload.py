"""An upload far larger than a chunk is streamed through to the store, never held whole."""

from __future__ import annotations

import tracemalloc
from collections.abc import AsyncIterator, Iterator

from skyulf.ingestion.v1 import ingestion_pb2, ingestion_pb2_grpc
from skyulf_ingestion.models import DatasetStatus
from skyulf_ingestion.service import IngestionService, raw_key

MIB = 1024 * 1024
FILE_BYTES = 20 * MIB
ROWS_PER_CHUNK = 1500
HEADER = b"id,amount,city,day\n"
# Whole rows, about 60 KiB, made once: the sender repeats it rather than building rows under
# tracemalloc, and never holds the whole file either.
BLOCK = "".join(
    f"{i},{i * 0.25:.2f},city_{i % 97},2024-01-{i % 28 + 1:02d}\n" for i in range(ROWS_PER_CHUNK)
).encode()


def _csv_chunks(n_chunks: int) -> Iterator[bytes]:
    yield HEADER
    for _ in range(n_chunks):
        yield BLOCK


async def test_a_20_mib_upload_is_streamed_and_ingested(
    stub: ingestion_pb2_grpc.IngestionServiceStub, service: IngestionService
) -> None:
    service.max_upload_bytes = 64 * MIB
    n_chunks = FILE_BYTES // len(BLOCK)
    sent = 0

    async def requests() -> AsyncIterator[ingestion_pb2.UploadDatasetRequest]:
        nonlocal sent
        meta = ingestion_pb2.UploadMetadata(filename="big.csv")
        yield ingestion_pb2.UploadDatasetRequest(metadata=meta)
        for chunk in _csv_chunks(n_chunks):
            sent += len(chunk)
            yield ingestion_pb2.UploadDatasetRequest(chunk=chunk)

    tracemalloc.start()
    try:
        response = await stub.UploadDataset(requests())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert sent > 19 * MIB
    assert response.dataset.size_bytes == sent
    # Client and server share this process: the whole file would be > 19 MiB; chunks and the
    # 1 MiB sniff sample are what may be held at once.
    assert peak < 8 * MIB, f"peak traced allocation {peak / MIB:.1f} MiB during the upload"

    ready = service.ingest(response.dataset.id)
    assert ready.status is DatasetStatus.READY, ready.error
    assert (ready.n_rows, ready.n_columns) == (n_chunks * ROWS_PER_CHUNK, 4)
    assert service.store.exists(raw_key(ready.id, "big.csv"))
    assert list(service.tmp_dir.iterdir()) == [], "temporary files left behind"
