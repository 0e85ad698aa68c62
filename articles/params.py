"""
Query parameters of public pages: declared, spelled one way, bounded.

A public page reads only the query parameters it declares
(``public_page(view, query=("page",))``), and the page cache keys what it
serves by the path and those parameters: any other query string is the
same page, served from the same cached copy, so query strings can not fill
a worker's memory. Each declared parameter is given at most once, and a
number has one spelling (a page is a whole number from 1, without leading
zeros), so no two addresses cache the same page. A number past what exists
is answered 404 and a malformed one 400, each with a page that says why:
no value from a query string reaches the database unbounded.
"""

import re

from django.core.paginator import Page, Paginator

# No list on the site has more pages than this; a larger number is refused
# before anything is counted.
MAX_PAGE = 100_000
# Digits, without a leading zero; longer than any number worth reading is
# refused as malformed.
_PAGE = re.compile(r"[1-9][0-9]{0,19}")


class Refused(Exception):
    """A request for something the site does not have, or can not read."""

    status = 400

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class BadParameter(Refused):
    """A query parameter that is malformed: answered 400."""


class NoSuchPage(Refused):
    """A page number past the last page: answered 404."""

    status = 404


def single(query, name: str) -> str | None:
    """The one value of ``name`` in ``query`` (a QueryDict), or None."""
    values = query.getlist(name)
    if len(values) > 1:
        raise BadParameter(f"The parameter “{name}” is given {len(values)} times.")
    return values[0] if values else None


def page_number(request, name: str = "page", *, last: int = MAX_PAGE) -> int:
    """The page asked for by ``name`` (1 when not given), at most ``last``."""
    value = single(request.GET, name)
    if value is None:
        return 1
    if not _PAGE.fullmatch(value):
        raise BadParameter(
            f"“{name}” must be a page number: a whole number from 1 to "
            f"{MAX_PAGE:,}, written without leading zeros or signs."
        )
    number = int(value)
    if number > min(last, MAX_PAGE):
        raise NoSuchPage(
            f"There is no page {number:,} here: the last one is page "
            f"{min(last, MAX_PAGE):,} at most."
        )
    return number


def paginate(request, items, per_page: int, *, name: str = "page") -> Page:
    """The page of ``items`` that ``request`` asks for, or NoSuchPage."""
    number = page_number(request, name)  # refused before anything is counted
    paginator = Paginator(items, per_page)
    if number > paginator.num_pages:
        raise NoSuchPage(
            f"There is no page {number:,} here: the last one is page "
            f"{paginator.num_pages:,}."
        )
    return paginator.page(number)
