"""
The public generation, kept current in each process without a query per
request.

Every change readers can see bumps the generation (``caching.bump_generation``)
and, in the same transaction, sends a notification: PostgreSQL's ``NOTIFY``
(delivered when the transaction commits, never before), and, when
``REDIS_URL`` is set, a Redis publish once it has committed. Each process
runs one listener, a daemon thread started on the process's first public
request (never at import: a gunicorn worker starts its own after the fork).
It reads the generation on a connection of its own, then waits for a
notification for at most ``POLL_SECONDS``, then reads it again: on a
notification at once, otherwise at the end of the wait.

What a request uses is the last value read together with the moment the read
began (its confirmation). A request uses it only while that confirmation is
at most ``BOUND_SECONDS`` old; otherwise it reads the database itself, as it
did before listeners existed. So the guarantee does not rest on the
notifications: a change committed at time T is served by every process of
every host from T + BOUND_SECONDS on, whether notifications arrive, are lost,
or the listener is dead. In the normal case (a notification) it is served
within milliseconds. When the listening connection is lost the value is
forgotten at once (the next request reads the database) and the listener
reconnects, waiting a little longer after each failure (at most 5 s). A
process's own commit also forgets it, so the process that published serves
the new page on its very next request.

Inside a transaction (tests, or code that serves a page from within one) the
database is always read: the transaction may hold a bump of its own that no
other connection sees yet.

On SQLite without Redis there is nothing to listen to: the listener only
polls, reading the generation every ``POLL_SECONDS`` on a connection of its
own, and the same bound holds (a change another process commits is served
within ``BOUND_SECONDS``; one this process commits, on its next request). An
in-memory SQLite database (the tests') has no listener, since it is one
process's alone and a second connection reading it would lock its tables
against the first one's writes: each request reads the generation.
"""

import contextlib
import logging
import os
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection, connections, transaction

logger = logging.getLogger(__name__)

CHANNEL = "newsroom_public_generation"
# The listener reads the generation again at least this often ...
POLL_SECONDS = 0.25
# ... and a request uses what it read for at most this long after the read
# began; older, the request reads the database itself.
BOUND_SECONDS = 0.5
STATE_SQL = "SELECT generation, changed_at FROM articles_publicstate WHERE id = 1"
APPLICATION_NAME = "newsroom generation listener"
_MAX_BACKOFF = 5.0


@dataclass(frozen=True)
class Known:
    generation: int
    changed_at: str
    confirmed: float  # time.monotonic() when the read that found it began


_lock = threading.Lock()
_known: Known | None = None
_floor = 0.0  # confirmations older than this are refused (see forget)
_listener: "Listener | None" = None
_listener_pid: int | None = None


def spell(changed_at) -> str:
    """``changed_at`` as every reader spells it (its ETag depends on it)."""
    if isinstance(changed_at, datetime) and changed_at.tzinfo is not None:
        changed_at = changed_at.astimezone(UTC)
    return str(changed_at) if changed_at is not None else ""


def enabled() -> bool:
    """Whether this process keeps the generation with a listener."""
    if not getattr(settings, "NEWSROOM_GENERATION_LISTENER", True):
        return False
    if _redis_url() or connection.vendor == "postgresql":
        return True
    return connection.vendor == "sqlite" and not connection.is_in_memory_db()


def _redis_url() -> str | None:
    return getattr(settings, "REDIS_URL", None)


def known_state() -> tuple[int, str] | None:
    """
    The public generation and when it changed, if this process knows it
    (confirmed at most BOUND_SECONDS ago); None: read the database.
    """
    if connection.in_atomic_block or not enabled():
        return None
    _ensure_listener()
    known = _known
    if known is None or time.monotonic() - known.confirmed > BOUND_SECONDS:
        return None
    return known.generation, known.changed_at


def confirm(generation: int, changed_at: str, confirmed: float) -> None:
    """Record a value read from the database by a read begun at ``confirmed``."""
    global _known
    with _lock:
        if confirmed < _floor:
            return  # begun before a commit this process made, or a loss
        if _known is None or confirmed >= _known.confirmed:
            _known = Known(generation, changed_at, confirmed)


def forget() -> None:
    """
    Drop what this process knows: the next request reads the database. Any
    read begun before now is refused when it reports.
    """
    global _known, _floor
    with _lock:
        _known = None
        _floor = time.monotonic()


def read_and_confirm(read) -> tuple[int, str]:
    """``read()`` the state from the database, remembering it when it may."""
    started = time.monotonic()
    row = read()
    state = (row[0], spell(row[1])) if row else (0, "")
    if row and not connection.in_atomic_block and enabled():
        confirm(*state, started)
    return state


# Sending ----------------------------------------------------------------------


def announce() -> None:
    """
    Tell every process that the generation changed: on PostgreSQL a NOTIFY in
    the current transaction (delivered when it commits); with Redis, a
    publish once it has committed. This process forgets its value when the
    transaction commits.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, '')", [CHANNEL])
    if _redis_url():
        transaction.on_commit(_publish_to_redis)
    transaction.on_commit(forget)


_redis_client = None  # (its URL, the client)
_redis_failed = False


def _publish_to_redis() -> None:
    global _redis_client, _redis_failed
    url = _redis_url()
    try:
        if _redis_client is None or _redis_client[0] != url:
            import redis

            _redis_client = (
                url,
                redis.Redis.from_url(
                    url, socket_timeout=0.5, socket_connect_timeout=0.5
                ),
            )
        _redis_client[1].publish(CHANNEL, b"")
    except Exception:  # noqa: BLE001 - the poll covers a lost notification
        if not _redis_failed:
            logger.warning(
                "Could not publish the generation change to Redis: other "
                "processes see it within %s s (their poll)",
                BOUND_SECONDS,
                exc_info=True,
            )
        _redis_failed = True
    else:
        _redis_failed = False


# Listening --------------------------------------------------------------------


def _ensure_listener() -> None:
    global _listener, _listener_pid
    pid = os.getpid()
    if _listener_pid == pid and _listener is not None and _listener.is_alive():
        return
    with _lock:
        if _listener_pid == pid and _listener is not None and _listener.is_alive():
            return
        if _redis_url():
            kind = RedisListener
        elif connection.vendor == "postgresql":
            kind = PostgresListener
        else:
            kind = PollingListener
        _listener = kind()
        _listener_pid = pid
        _listener.start()


def stop_listener(timeout: float = 5.0) -> None:
    """Stop this process's listener (tests; a process that ends)."""
    global _listener, _listener_pid
    listener, _listener, _listener_pid = _listener, None, None
    if listener is not None and listener.pid == os.getpid():
        listener.stop()
        listener.join(timeout)
    forget()


def listener_alive() -> bool:
    return (
        _listener is not None and _listener_pid == os.getpid() and _listener.is_alive()
    )


def _after_fork() -> None:
    # The parent's listener thread does not exist in the child, and what the
    # parent knew is not the child's to trust; a lock that thread held at
    # the fork would never be released in the child.
    global _listener, _listener_pid, _known, _redis_client, _lock
    _listener = _listener_pid = _known = _redis_client = None
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork)


class Listener(threading.Thread):
    """Keep this process's generation current; see the module's docstring."""

    def __init__(self):
        super().__init__(name=APPLICATION_NAME, daemon=True)
        self.pid = os.getpid()
        self._stopping = threading.Event()
        self._warned = False
        self._backoff = POLL_SECONDS

    def stop(self) -> None:
        self._stopping.set()
        self.interrupt()

    def interrupt(self) -> None:
        """Make a blocked wait return (stop)."""

    def run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.listen()
            except Exception:  # noqa: BLE001 - connection lost: reconnect
                forget()
                if not self._warned and not self._stopping.is_set():
                    logger.warning(
                        "The generation listener lost its connection; requests "
                        "read the database until it is back",
                        exc_info=True,
                    )
                self._warned = True
            finally:
                self.close()
            self._stopping.wait(self._backoff)
            self._backoff = min(self._backoff * 2, _MAX_BACKOFF)

    def connected(self) -> None:
        # Back on: the next loss waits from the shortest pause again.
        self._backoff = POLL_SECONDS
        if self._warned:
            logger.warning("The generation listener is connected again")
        self._warned = False

    def listen(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass


class PostgresListener(Listener):
    """LISTEN on a psycopg connection of its own; reads on the same one."""

    def __init__(self):
        super().__init__()
        self.conn = None
        wrapper = connections["default"]
        params = wrapper.get_connection_params()
        for key in ("cursor_factory", "context", "prepare_threshold"):
            params.pop(key, None)
        params["application_name"] = APPLICATION_NAME
        self.params = params

    def listen(self) -> None:
        import psycopg

        self.conn = psycopg.connect(**self.params, autocommit=True)
        self.conn.execute("SET TIME ZONE 'UTC'")
        self.conn.execute(f"LISTEN {CHANNEL}")
        self.connected()
        while not self._stopping.is_set():
            started = time.monotonic()
            row = self.conn.execute(STATE_SQL).fetchone()
            if row:
                confirm(row[0], spell(row[1]), started)
            # Returns on the first notification, or after POLL_SECONDS.
            for _ in self.conn.notifies(timeout=POLL_SECONDS, stop_after=1):
                pass

    def close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is not None:
            with contextlib.suppress(Exception):  # closing a lost connection
                conn.close()


class PollingListener(Listener):
    """
    No notifications: read the generation every POLL_SECONDS with a database
    connection of the thread's own (SQLite without Redis).
    """

    def listen(self) -> None:
        while not self._stopping.is_set():
            self._read()
            self.connected()
            self._stopping.wait(POLL_SECONDS)

    def _read(self) -> None:
        started = time.monotonic()
        db = connections["default"]
        try:
            with db.cursor() as cursor:
                cursor.execute(STATE_SQL)
                row = cursor.fetchone()
        except Exception:
            db.close()
            raise
        if row:
            confirm(row[0], spell(row[1]), started)

    def close(self) -> None:
        connections["default"].close()


class RedisListener(PollingListener):
    """
    Subscribe to Redis; read the generation with a database connection of the
    thread's own. With Redis unreachable it keeps reading every POLL_SECONDS
    (no notifications, the same bound) and subscribes again every few seconds.
    """

    RESUBSCRIBE_SECONDS = 5.0

    def __init__(self):
        super().__init__()
        self.pubsub = None

    def _subscribe(self):
        import redis

        client = redis.Redis.from_url(
            _redis_url(), socket_timeout=5, socket_connect_timeout=0.5
        )
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(CHANNEL)
        return pubsub

    def listen(self) -> None:
        next_try = 0.0
        while not self._stopping.is_set():
            if self.pubsub is None and time.monotonic() >= next_try:
                try:
                    self.pubsub = self._subscribe()
                    self.connected()
                except Exception:  # noqa: BLE001 - Redis down: poll only
                    self.pubsub = None
                    next_try = time.monotonic() + self.RESUBSCRIBE_SECONDS
                    if not self._warned:
                        logger.warning(
                            "Redis is unreachable: the generation is read every "
                            "%s s without notifications",
                            POLL_SECONDS,
                        )
                    self._warned = True
            self._read()
            if self.pubsub is None:
                self._stopping.wait(POLL_SECONDS)
                continue
            try:
                self.pubsub.get_message(timeout=POLL_SECONDS)
            except Exception:  # noqa: BLE001 - lost Redis: read, poll, retry
                forget()
                self._drop_pubsub()
                next_try = time.monotonic() + POLL_SECONDS

    def _drop_pubsub(self) -> None:
        pubsub, self.pubsub = self.pubsub, None
        if pubsub is not None:
            with contextlib.suppress(Exception):  # closing a lost connection
                pubsub.close()

    def close(self) -> None:
        self._drop_pubsub()
        super().close()
