"""
The live servers of the browser tests (tests/browser/, tests/test_xss.py):
a gate around their application.
"""

import contextlib
import threading

from django.db import connection


def in_memory_database() -> bool:
    """Whether the test database is SQLite's in-memory one (shared by threads)."""
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


class Gate:
    """
    Around the live server's application. On SQLite's in-memory database the
    server's threads share the test's connection, so a request still running
    when the test ends (an autosave or a preview the closed page had sent)
    would write into the flush of the database under it, and fail the flush.
    ``shut()`` refuses new requests (503, without touching the database) and
    waits for those running to finish; ``reopen()`` lets them in again.

    ``serial``: one request at a time. Threads sharing one SQLite connection
    interleave their statements (a page's requests read a session while
    another request writes it: "get() returned more than one Session").
    """

    def __init__(self, serial=False):
        self._condition = threading.Condition()
        self._open = True
        self._running = 0
        self._serial = threading.Lock() if serial else contextlib.nullcontext()

    def wrap(self, app):
        def gated(environ, start_response):
            with self._condition:
                if not self._open:
                    start_response("503 Service Unavailable", [])
                    return [b""]
                self._running += 1
            try:
                with self._serial:
                    # The whole body inside the gate: a streamed one may query.
                    result = app(environ, start_response)
                    try:
                        return [b"".join(result)]
                    finally:
                        if hasattr(result, "close"):
                            result.close()
            finally:
                with self._condition:
                    self._running -= 1
                    self._condition.notify_all()

        return gated

    def shut(self, timeout=30.0):
        with self._condition:
            self._open = False
            if not self._condition.wait_for(lambda: self._running == 0, timeout):
                raise AssertionError(
                    f"{self._running} requests still running {timeout} s after "
                    "the test ended"
                )

    def reopen(self):
        with self._condition:
            self._open = True
