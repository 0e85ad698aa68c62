"""
A process's own copy of public pages: a least-recently-used cache bounded in
bytes, not in entries.

Django's local-memory cache counts entries (a few of the largest pages could
take hundreds of megabytes) and pickles every value on the way in and out.
This one holds at most ``OPTIONS["MAX_BYTES"]`` bytes of values (64 MB by
default; the least recently read page goes first), and keeps a page, an
immutable tuple of its status, content type and bytes, as it is: a hit
costs a dictionary look-up, not an unpickling of the page. Any other value is
pickled, as in Django's cache, and counted at its pickled size.

Like Django's local-memory cache, every thread of the process shares the one
store of a given cache name.
"""

import pickle
import threading
import time
from collections import OrderedDict

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
# What an entry costs besides its value: the key, the tuple, the bookkeeping.
ENTRY_OVERHEAD = 200
_IMMUTABLE = (bytes, str, int, float, bool, type(None))


class _Store:
    def __init__(self):
        self.lock = threading.Lock()
        # key -> (value, pickled?, size, expires at or None); most recent last
        self.entries: OrderedDict = OrderedDict()
        self.bytes = 0


_stores: dict[str, _Store] = {}


def _frozen(value) -> bool:
    return isinstance(value, _IMMUTABLE) or (
        type(value) is tuple and all(isinstance(v, _IMMUTABLE) for v in value)
    )


def _size(value) -> int:
    if isinstance(value, bytes | str):
        return len(value)
    if type(value) is tuple:
        return sum(len(v) if isinstance(v, bytes | str) else 8 for v in value)
    return 8


class PageMemoryCache(BaseCache):
    def __init__(self, name, params):
        super().__init__(params)
        options = params.get("OPTIONS", {})
        self.max_bytes = int(options.get("MAX_BYTES", DEFAULT_MAX_BYTES))
        self._store = _stores.setdefault(name, _Store())

    # The keys are the project's own (hashes): no validation per request.
    def get(self, key, default=None, version=None):
        key = self.make_key(key, version)
        store = self._store
        with store.lock:
            entry = store.entries.get(key)
            if entry is None:
                return default
            if entry[3] is not None and entry[3] <= time.time():
                self._remove(key)
                return default
            store.entries.move_to_end(key)
        value, pickled = entry[0], entry[1]
        # Only what this process pickled itself (in set()) is unpickled.
        return pickle.loads(value) if pickled else value  # noqa: S301  # nosec B301

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_key(key, version)
        if _frozen(value):
            stored, pickled, size = value, False, _size(value)
        else:
            stored = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
            pickled, size = True, len(stored)
        size += ENTRY_OVERHEAD
        expires = self.get_backend_timeout(timeout)
        store = self._store
        with store.lock:
            self._remove(key)
            if size > self.max_bytes:
                return
            while store.bytes + size > self.max_bytes and store.entries:
                self._remove(next(iter(store.entries)))
            store.entries[key] = (stored, pickled, size, expires)
            store.bytes += size

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if self.has_key(key, version):
            return False
        self.set(key, value, timeout, version)
        return True

    def has_key(self, key, version=None):
        sentinel = object()
        return self.get(key, sentinel, version) is not sentinel

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_key(key, version)
        store = self._store
        with store.lock:
            entry = store.entries.get(key)
            if entry is None:
                return False
            store.entries[key] = (*entry[:3], self.get_backend_timeout(timeout))
            return True

    def delete(self, key, version=None):
        key = self.make_key(key, version)
        with self._store.lock:
            return self._remove(key)

    def clear(self):
        store = self._store
        with store.lock:
            store.entries.clear()
            store.bytes = 0

    @property
    def size_in_bytes(self) -> int:
        """What the entries count for now (values and overhead)."""
        return self._store.bytes

    def keys(self) -> list[str]:
        """The stored keys, least recently used first (for tests and checks)."""
        with self._store.lock:
            return list(self._store.entries)

    def _remove(self, key) -> bool:
        entry = self._store.entries.pop(key, None)
        if entry is None:
            return False
        self._store.bytes -= entry[2]
        return True
