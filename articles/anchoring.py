"""
Claim anchoring: where a claim's quote is in the article body.

A claim is held by a W3C Web Annotation TextQuoteSelector (quote, prefix,
suffix) and a TextPositionSelector (start, end). When the body changes, each
claim is found again:

1. the exact quote with its context (the occurrence whose prefix, suffix and
   position fit best, when the quote occurs more than once);
2. failing that, the old span carried through a diff of the old body to the
   new one (when the old body is known), or a fuzzy search near the old
   position, accepted only when the text found is close to the old quote.

A wrong anchor is worse than an orphan: when nothing close enough is found the
claim is orphaned, never attached to another sentence.
"""

from dataclasses import dataclass
from difflib import SequenceMatcher

from diff_match_patch import diff_match_patch

CONTEXT_LENGTH = 32
# How close a re-found span must be to the old quote to count as the same
# claim reworded (0..1, SequenceMatcher ratio).
CHANGED_THRESHOLD = 0.6


@dataclass(frozen=True)
class Selector:
    quote: str
    prefix: str
    suffix: str
    start: int
    end: int


@dataclass(frozen=True)
class Anchoring:
    """The outcome of finding a claim in a body."""

    state: str  # "anchored", "changed" or "orphaned"
    selector: Selector | None

    @property
    def moved(self):
        return self.selector is not None


def select(body: str, start: int, end: int) -> Selector:
    """Return the selector of ``body[start:end]``."""
    if not 0 <= start <= end <= len(body):
        raise ValueError(f"offsets {start}-{end} are outside the text")
    return Selector(
        quote=body[start:end],
        prefix=body[max(0, start - CONTEXT_LENGTH) : start],
        suffix=body[end : end + CONTEXT_LENGTH],
        start=start,
        end=end,
    )


def _similarity(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _occurrences(body: str, quote: str):
    position = body.find(quote)
    while position != -1:
        yield position
        position = body.find(quote, position + 1)


def _context_score(body: str, start: int, end: int, old: Selector) -> float:
    before = body[max(0, start - len(old.prefix)) : start]
    after = body[end : end + len(old.suffix)]
    return _similarity(before, old.prefix) + _similarity(after, old.suffix)


def _exact(body: str, old: Selector) -> Selector | None:
    if not old.quote:
        return None
    best, best_key = None, None
    length = len(old.quote)
    for position in _occurrences(body, old.quote):
        context = _context_score(body, position, position + length, old)
        # Context first; the distance from the old place breaks ties.
        key = (round(context, 6), -abs(position - old.start))
        if best_key is None or key > best_key:
            best, best_key = position, key
    if best is None:
        return None
    return select(body, best, best + length)


def _through_diff(old_body: str, body: str, old: Selector) -> Selector | None:
    """Carry the old span through a diff of the old body to the new one."""
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 1.0
    diffs = dmp.diff_main(old_body, body, False)
    dmp.diff_cleanupSemantic(diffs)
    start = dmp.diff_xIndex(diffs, old.start)
    end = dmp.diff_xIndex(diffs, old.end)
    if old.end > old.start and old.end <= len(old_body):
        # xIndex maps the end of a deleted run to its start: map the last
        # character instead and step past it.
        end = dmp.diff_xIndex(diffs, old.end - 1) + 1
    if end <= start:
        return None
    return _trim(body, start, end)


def _trim(body: str, start: int, end: int) -> Selector:
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return select(body, start, end)


def _fuzzy(body: str, old: Selector) -> Selector | None:
    """Find a reworded quote near its old place without the old body."""
    if not old.quote:
        return None
    dmp = diff_match_patch()
    dmp.Match_Threshold = 0.3
    dmp.Match_Distance = max(1000, len(body))
    head = (old.prefix[-16:] + old.quote[:16]) or old.quote[:32]
    tail = (old.quote[-16:] + old.suffix[:16]) or old.quote[-32:]
    loc = min(max(0, old.start - len(old.prefix[-16:])), len(body))
    start = dmp.match_main(body, head[: dmp.Match_MaxBits], loc)
    if start == -1:
        return None
    start += len(old.prefix[-16:])
    end_loc = min(max(0, start + len(old.quote) - 16), len(body))
    end = dmp.match_main(body, tail[: dmp.Match_MaxBits], end_loc)
    if end == -1:
        return None
    end += len(old.quote[-16:])
    if end <= start or end > len(body):
        return None
    return _trim(body, start, end)


def anchor(body: str, old: Selector, *, old_body: str | None = None) -> Anchoring:
    """Find ``old`` in ``body``; ``old_body`` is the text it was selected in."""
    found = _exact(body, old)
    if found is not None:
        return Anchoring("anchored", found)
    candidate = None
    if old_body is not None and old_body != body:
        candidate = _through_diff(old_body, body, old)
    if candidate is None:
        candidate = _fuzzy(body, old)
    if candidate is None or _similarity(candidate.quote, old.quote) < CHANGED_THRESHOLD:
        return Anchoring("orphaned", None)
    if candidate.quote == old.quote:
        return Anchoring("anchored", candidate)
    return Anchoring("changed", candidate)
