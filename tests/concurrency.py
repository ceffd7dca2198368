"""Run callers at the same moment, each in its own thread and database connection."""
import threading

from django.db import close_old_connections, connection


def run_concurrently(work, n: int) -> list:
    """Start n threads behind a barrier so they really collide; each closes its own
    connection when done. Returns what each caller got (a result or the exception it
    raised), in no particular order."""
    barrier = threading.Barrier(n)
    results, lock = [], threading.Lock()

    def target(i):
        try:
            barrier.wait()
            outcome = work(i)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each caller got
            outcome = exc
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()
    return results
