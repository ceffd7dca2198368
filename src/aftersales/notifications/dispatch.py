"""Handing a sending job on after commit, never doing it inside the request.

With a broker, a job is a Celery task. In embedded mode (no broker) Celery runs tasks
eagerly, in the caller's thread, so an SMS provider taking two seconds would hold the
request for two seconds; `aftersales serve` therefore starts one background sender per
worker process, and jobs go to its queue. Without either (tests, management commands) the
task runs eagerly as before. A job lost with the process (a crash) is not lost for good:
the row stays pending and the sweep hands it on again."""
from __future__ import annotations

import logging
import queue
import threading

from django.db import close_old_connections

log = logging.getLogger("aftersales.notifications")

_sender: BackgroundSender | None = None
_lock = threading.Lock()


class BackgroundSender(threading.Thread):
    def __init__(self):
        super().__init__(name="aftersales-outbox", daemon=True)
        self.jobs: queue.Queue = queue.Queue(maxsize=10_000)

    def submit(self, task, *args) -> None:
        try:
            self.jobs.put_nowait((task, args))
        except queue.Full:  # the sweep will hand it on again
            log.warning("Background sender queue full; %s%s left to the sweep", task.name, args)

    def stop(self) -> None:
        self.jobs.put((None, ()))

    def run(self) -> None:
        while True:
            task, args = self.jobs.get()
            try:
                if task is None:
                    return
                task(*args)  # the task's body, in this thread
            except Exception:
                log.exception("Background job %s%s failed", task.name, args)
            finally:
                close_old_connections()
                self.jobs.task_done()


def start_background_sender() -> BackgroundSender:
    """Called once per worker process by `aftersales serve` in embedded mode."""
    global _sender
    with _lock:
        if _sender is None or not _sender.is_alive():
            _sender = BackgroundSender()
            _sender.start()
        return _sender


def stop_background_sender() -> None:
    global _sender
    with _lock:
        if _sender is not None:
            _sender.stop()
            _sender.join(timeout=10)
        _sender = None


def hand_on(task, *args) -> None:
    """Run `task(*args)` elsewhere: the background sender, the broker, or (no broker and no
    sender) eagerly."""
    if _sender is not None and _sender.is_alive():
        _sender.submit(task, *args)
        return
    try:
        task.delay(*args)
    except Exception:  # broker down: the row stays pending and the sweep sends it later
        log.exception("Could not hand %s%s to the broker", task.name, args)
