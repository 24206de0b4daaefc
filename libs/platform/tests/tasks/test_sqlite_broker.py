"""The embedded broker hands a task to an idle worker at once, not at its next poll."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

from kombu import Queue

from skyulf_platform.settings import PlatformSettings
from skyulf_platform.tasks.app import create_celery_app
from skyulf_platform.tasks.sqlite_broker import Transport, Wakeups


def test_an_idle_consumer_gets_a_put_within_milliseconds(tmp_path: Path) -> None:
    app = create_celery_app(PlatformSettings(data_dir=tmp_path), include_tasks=False)
    queue = Queue("train", routing_key="train")
    received: list[tuple[object, float]] = []
    with app.connection_for_read() as consumer, app.connection_for_write() as producer:
        producer.Producer().publish({"warm": True}, routing_key="train", declare=[queue])
        with consumer.Consumer(queue, callbacks=[lambda _b, m: m.ack()]):
            consumer.drain_events(timeout=5)  # the first message: the consumer is registered
            transport = consumer.transport
            assert isinstance(transport, Transport)
            transport.polling_interval = 30.0  # were it polling, the put would wait 30 s

            def on_message(body: object, message: object) -> None:
                received.append((body, time.monotonic()))
                message.ack()  # type: ignore[attr-defined]

            consumer.Consumer(queue, callbacks=[on_message]).consume()
            waiting = threading.Thread(target=consumer.drain_events, kwargs={"timeout": 10})
            waiting.start()
            time.sleep(0.3)  # the consumer found the queue empty and waits
            sent = time.monotonic()
            producer.Producer().publish({"job": 1}, routing_key="train", declare=[queue])
            waiting.join()
    # Milliseconds on an idle machine; the bound leaves room for a loaded one.
    assert [body for body, _ in received] == [{"job": 1}]
    assert received[0][1] - sent < 2.0
    # The platform's SQLite settings: a put commits without two waits on the disk.
    with sqlite3.connect(tmp_path / "broker.db") as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_put_forgets_consumers_that_died(tmp_path: Path) -> None:
    folder = tmp_path / "broker.db.wake"
    folder.mkdir()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child only exits
        os._exit(0)
    os.waitpid(pid, 0)
    (folder / f"{pid}-9").touch()
    live = Wakeups(folder)
    live.listen()
    Wakeups(folder).notify()
    assert [p.name.partition("-")[0] for p in folder.iterdir()] == [str(os.getpid())]
    assert live.wait(1.0)
    live.close()
    assert not list(folder.iterdir())
