"""A process's copy of pages is bounded in bytes and drops the least recently read."""

import pytest
from django.core.cache import caches

from articles.pagecache import ENTRY_OVERHEAD, PageMemoryCache


def _cache(max_bytes, name="test-pages"):
    cache = PageMemoryCache(name, {"OPTIONS": {"MAX_BYTES": max_bytes}})
    cache.clear()
    return cache


def _page(size: int, fill=b"x"):
    return (200, "text/html; charset=utf-8", fill * size)


def test_holds_at_most_its_bytes_and_drops_the_least_recently_read():
    entry = 1000 + len("text/html; charset=utf-8") + 8 + ENTRY_OVERHEAD
    cache = _cache(3 * entry)
    for name in ("a", "b", "c"):
        cache.set(name, _page(1000))
    assert cache.get("a") is not None  # read: now the most recent
    cache.set("d", _page(1000))
    assert cache.get("b") is None  # the least recently read went
    assert [cache.get(k) is not None for k in ("a", "c", "d")] == [True] * 3
    assert cache.size_in_bytes <= 3 * entry
    cache.set("big", _page(900, b"y"))
    cache.set("huge", _page(10_000))  # larger than the whole cache: not kept
    assert cache.get("huge") is None
    assert cache.size_in_bytes <= 3 * entry


def test_a_page_comes_back_as_stored_and_other_values_as_copies():
    cache = _cache(10**6)
    page = _page(10)
    cache.set("page", page)
    assert cache.get("page") == page
    listed = [1, 2]
    cache.set("list", listed)
    listed.append(3)
    assert cache.get("list") == [1, 2]


def test_replacing_a_key_counts_its_bytes_once():
    cache = _cache(10**6)
    for _ in range(5):
        cache.set("a", _page(1000))
    assert cache.size_in_bytes < 2 * (1000 + ENTRY_OVERHEAD + 100)
    cache.delete("a")
    assert cache.size_in_bytes == 0


def test_an_expired_entry_is_not_served():
    cache = _cache(10**6)
    cache.set("a", _page(10), timeout=-1)
    assert cache.get("a") is None


@pytest.mark.django_db
def test_public_pages_stay_within_the_bound(client, settings):
    from tests.factories import ArticleFactory

    settings.CACHES = {
        "default": {
            "BACKEND": "articles.pagecache.PageMemoryCache",
            "LOCATION": "bounded",
            "OPTIONS": {"MAX_BYTES": 60_000},
        }
    }
    caches["default"].clear()
    ArticleFactory()
    for page in ("/", "/about/", "/methodology/", "/corrections/", "/feed/"):
        assert client.get(page).status_code == 200
        assert caches["default"].size_in_bytes <= 60_000
    assert caches["default"].keys()
    caches["default"].clear()
