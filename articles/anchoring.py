"""
Claim anchoring: where a claim's quote is in the article body.

A claim is held by a W3C Web Annotation TextQuoteSelector (quote, prefix,
suffix) and a TextPositionSelector (start, end). When the body changes, each
claim is found again, in one of two ways.

With the text the claim was selected in (an editor's save: the old body is
known), the old body is diffed against the new one, word by word and once
for all the claims of the article (``TextMap``), and each quote is carried
through the diff. A quote whose characters the diff left alone is anchored at
its new place, wherever the edits around it moved it; so is one whose words
still stand whole where the diff saw an edit (equal words next to an edit
can be read either way). A quote the edit touched is changed (the text that
replaced it, when it is still close to the old quote) or orphaned (deleted,
or rewritten beyond recognition); a quote whose words were cut from one
place and pasted in another, context and all, follows them, unless the text
has fewer of those words than before. A selector that does not describe the
old body (offsets left stale by a bulk edit) is searched for instead.

Without the old text (a repair after bulk edits: the ``reanchor_claims``
command), the quote is searched for:

1. the exact quote; among several occurrences, the one whose 32-character
   prefix and suffix fit best, then the one nearest the old place;
2. the quote bracketed by its own prefix and suffix, to tell a reworded quote
   (changed) and a deleted one (orphaned, its prefix and suffix now side by
   side) from another occurrence of the same words elsewhere.

A wrong anchor is worse than an orphan: a candidate is accepted only above a
threshold of similarity to the old quote and with its context on both sides,
and an exact occurrence is not taken when the context says the quote was
edited or deleted in its own place. Offsets are Python string indices (code
points), the unit the database, the interchange format and the admin's
tagger use.
"""

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

from diff_match_patch import diff_match_patch

CONTEXT_LENGTH = 32
# How close a re-found span must be to the old quote to count as the same
# claim reworded (0..1, SequenceMatcher ratio).
CHANGED_THRESHOLD = 0.6
# How well each side of a bracketed candidate must match the old context.
CONTEXT_THRESHOLD = 0.5
# An exact occurrence elsewhere loses to the quote's own place (its old prefix
# and suffix, word for word and found nowhere else, around other words or
# none) when its own context scores this much less than a perfect fit
# (context scores run from 0 to 2). The own place's prefix and suffix,
# weighed by their length (a quote near the end of the text has a short
# suffix, which says little), must score 2 - CONTEXT_MARGIN or more.
CONTEXT_MARGIN = 0.5
# A quote that occurs several times is taken only where its context is at
# least this good; below it, which occurrence is meant is a guess.
AMBIGUOUS_CONTEXT = 1.0
# A quote cut and pasted elsewhere is followed when one side of its context
# came along this well (a paragraph moved to the end has no suffix).
MOVED_CONTEXT = 0.8
# The piece of the prefix (its end) and of the suffix (its start) searched for
# to bracket a quote.
BRACKET_PIECE = 12
# At most this many places are examined per claim for a bracketed candidate.
BRACKET_CANDIDATES = 64

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


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


def locate(body: str, quote: str, *, near: int = 0) -> Selector | None:
    """The occurrence of ``quote`` in ``body`` nearest ``near``, if any."""
    if not quote:
        return None
    positions = list(_occurrences(body, quote))
    if not positions:
        return None
    best = min(positions, key=lambda p: (abs(p - near), p))
    return select(body, best, best + len(quote))


# Comparing texts ----------------------------------------------------------------


def _similarity(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    if not a or not b:
        return 0.0
    # The ratio is at most 2*min/(len(a)+len(b)): skip the work when that
    # bound already says "far apart".
    if 2 * min(len(a), len(b)) / (len(a) + len(b)) < CHANGED_THRESHOLD / 2:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _occurrences(body: str, text: str, start: int = 0, end: int | None = None):
    end = len(body) if end is None else end
    position = body.find(text, start, end)
    while position != -1:
        yield position
        position = body.find(text, position + 1, end)


def _before(body: str, position: int) -> str:
    return body[max(0, position - CONTEXT_LENGTH) : position]


def _after(body: str, position: int) -> str:
    return body[position : position + CONTEXT_LENGTH]


def _prefix_score(body: str, position: int, old: Selector) -> float:
    return _similarity(_before(body, position), old.prefix)


def _suffix_score(body: str, position: int, old: Selector) -> float:
    return _similarity(_after(body, position), old.suffix)


def _context_score(body: str, start: int, end: int, old: Selector) -> float:
    """How well the text around ``body[start:end]`` fits the old context, 0-2.

    A side with no old context (the quote began or ended the text) tells
    nothing: the other side counts twice.
    """
    if not old.prefix and not old.suffix:
        return 2.0
    if not old.prefix:
        return 2 * _suffix_score(body, end, old)
    if not old.suffix:
        return 2 * _prefix_score(body, start, old)
    return _prefix_score(body, start, old) + _suffix_score(body, end, old)


def _fits_exactly(body: str, start: int, end: int, old: Selector) -> bool:
    return _before(body, start) == old.prefix and _after(body, end) == old.suffix


def _trim(body: str, start: int, end: int) -> Selector:
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return select(body, start, end)


# The diff of the old body against the new one --------------------------------------


def _token_code(index: int) -> str:
    """The character that stands for the ``index``-th distinct token."""
    # Private-use characters, then any others past the surrogates (which
    # are not characters).
    if index < 6400:
        return chr(0xE000 + index)
    if index < 6400 + 131068:
        return chr(0xF0000 + index - 6400)
    return chr(0x20000 + index)


class _MinimalDiff(diff_match_patch):
    """
    diff-match-patch without its half-match shortcut, which trades a minimal
    diff for speed: a non-minimal diff may say a quote was deleted and typed
    again when it was not. The deadline still bounds the time.
    """

    def diff_halfMatch(self, text1, text2):
        return None


def _lines(text: str) -> list[str]:
    """The text's lines, blank lines kept with the line before them."""
    return re.split(r"(?<=\n)(?=[^\n])", text) if text else []


def _offsets(lines: list[str]) -> list[int]:
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    return offsets


def _unique_matches(old_lines: list[str], new_lines: list[str]):
    """Pairs (old index, new index) of lines found once in each, in order."""
    old_count, new_count = Counter(old_lines), Counter(new_lines)
    where = {line: j for j, line in enumerate(new_lines) if new_count[line] == 1}
    pairs = [
        (i, where[line])
        for i, line in enumerate(old_lines)
        if old_count[line] == 1 and line in where
    ]
    # The longest run of them in the same order in both texts.
    tails, links, ends = [], [], []
    for index, (_, j) in enumerate(pairs):
        k = bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
            ends.append(index)
        else:
            tails[k] = j
            ends[k] = index
        links.append(ends[k - 1] if k else -1)
    chain, index = [], ends[-1] if ends else -1
    while index != -1:
        chain.append(pairs[index])
        index = links[index]
    return chain[::-1]


class TextMap:
    """
    Where the characters of an old text are in a new one.

    One diff serves every claim of the article. It is a word diff (the
    texts' words, spaces and punctuation, each encoded as one character for
    diff-match-patch): a word diff does not mistake a deleted sentence for
    letters scattered through the next one. For speed it is made in two
    steps, as a "patience" diff is: lines found once in each text (a
    paragraph is a line), in the same order, are matched first; then the
    words between them are diffed. A 20,000-word article with a few edits
    costs a diff of the changed paragraphs' words, not of all of them.
    """

    def __init__(self, old: str, new: str, *, timeout: float = 1.0):
        self.old, self.new = old, new
        # The equal runs, in characters: old start, new start, length.
        self._old_starts, self._new_starts, self._lengths = [], [], []
        self._dmp = _MinimalDiff()
        self._dmp.Diff_Timeout = timeout
        old_lines, new_lines = _lines(old), _lines(new)
        old_offsets = _offsets(old_lines)
        new_offsets = _offsets(new_lines)
        # Lines found once in each text, in the same order, hold the texts
        # together (as in a "patience" diff); the words between them are
        # diffed. A line that occurs more than once ("* * *") anchors nothing.
        previous = (0, 0)
        for i, j in [
            *_unique_matches(old_lines, new_lines),
            (len(old_lines), len(new_lines)),
        ]:
            self._words(
                old[old_offsets[previous[0]] : old_offsets[i]],
                new[new_offsets[previous[1]] : new_offsets[j]],
                old_offsets[previous[0]],
                new_offsets[previous[1]],
            )
            if i < len(old_lines):
                self._add(old_offsets[i], new_offsets[j], len(old_lines[i]))
                previous = (i + 1, j + 1)

    def _diff(self, old_units: list[str], new_units: list[str]):
        """A minimal diff of two lists of strings: (operation, how many)."""
        codes: dict[str, str] = {}
        for unit in set(old_units) | set(new_units):
            codes[unit] = _token_code(len(codes))
        diffs = self._dmp.diff_main(
            "".join(map(codes.__getitem__, old_units)),
            "".join(map(codes.__getitem__, new_units)),
            False,
        )
        return [(op, len(text)) for op, text in diffs]

    def _patience(self, old_tokens: list[str], new_tokens: list[str]):
        """
        The diff of two passages' tokens, words found once in each held
        together first (a "patience" diff, as for the lines): a quote's own
        words stay matched when the edit repeats the words around it, where
        a plain minimal diff may match those instead and read the quote as
        deleted and typed again.
        """
        ops, previous = [], (0, 0)
        for i, j in [
            *_unique_matches(old_tokens, new_tokens),
            (len(old_tokens), len(new_tokens)),
        ]:
            ops += self._diff(old_tokens[previous[0] : i], new_tokens[previous[1] : j])
            if i < len(old_tokens):
                ops.append((diff_match_patch.DIFF_EQUAL, 1))
                previous = (i + 1, j + 1)
        return ops

    def _words(self, old: str, new: str, old_pos: int, new_pos: int):
        """Diff the words of a changed passage; return the positions after it."""
        if not old or not new:
            return old_pos + len(old), new_pos + len(new)
        old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
        old_token = new_token = 0
        for op, count in self._patience(old_tokens, new_tokens):
            if op == diff_match_patch.DIFF_EQUAL:
                length = sum(map(len, old_tokens[old_token : old_token + count]))
                self._add(old_pos, new_pos, length)
                old_pos += length
                new_pos += length
                old_token += count
                new_token += count
            elif op == diff_match_patch.DIFF_DELETE:
                old_pos += sum(map(len, old_tokens[old_token : old_token + count]))
                old_token += count
            else:
                new_pos += sum(map(len, new_tokens[new_token : new_token + count]))
                new_token += count
        return old_pos, new_pos

    def _add(self, old_pos: int, new_pos: int, length: int) -> None:
        if not length:
            return
        if (
            self._old_starts
            and self._old_starts[-1] + self._lengths[-1] == old_pos
            and self._new_starts[-1] + self._lengths[-1] == new_pos
        ):
            self._lengths[-1] += length  # one run, whole lines and words alike
        else:
            self._old_starts.append(old_pos)
            self._new_starts.append(new_pos)
            self._lengths.append(length)

    def _run(self, old_index: int) -> int | None:
        """The equal run that holds old character ``old_index``."""
        run = bisect_right(self._old_starts, old_index) - 1
        if run >= 0 and old_index < self._old_starts[run] + self._lengths[run]:
            return run
        return None

    def untouched(self, start: int, end: int) -> bool:
        """Whether old ``[start, end)`` came through the edit whole and in one piece."""
        run = self._run(start)
        return run is not None and end <= self._old_starts[run] + self._lengths[run]

    def position(self, old_index: int) -> int | None:
        """The new place of old character ``old_index``; None if it was deleted."""
        run = self._run(old_index)
        if run is None:
            return None
        return self._new_starts[run] + old_index - self._old_starts[run]

    def start_of(self, old_index: int) -> int:
        """Where a span starting at ``old_index`` starts in the new text."""
        mapped = self.position(old_index)
        if mapped is not None:
            return mapped
        # Deleted: where the deletion (and whatever replaced it) begins.
        run = bisect_right(self._old_starts, old_index) - 1
        if run < 0:
            return 0
        return self._new_starts[run] + self._lengths[run]

    def end_of(self, old_index: int) -> int:
        """Where a span ending (exclusive) at ``old_index`` ends in the new text."""
        if old_index <= 0:
            return 0
        mapped = self.position(old_index - 1)
        if mapped is not None:
            return mapped + 1
        # Deleted: where the deletion (and whatever replaced it) ends.
        run = bisect_right(self._old_starts, old_index - 1)
        if run >= len(self._old_starts):
            return len(self.new)
        return self._new_starts[run]

    def existed(self, start: int, end: int) -> bool:
        """Whether new ``[start, end)`` was there, whole, in the old text."""
        run = bisect_right(self._new_starts, start) - 1
        return run >= 0 and end <= self._new_starts[run] + self._lengths[run]


# Finding a claim ------------------------------------------------------------------


def anchor(
    body: str,
    old: Selector,
    old_body: str | None = None,
    *,
    text_map: TextMap | None = None,
) -> Anchoring:
    """
    Find ``old`` in ``body``.

    ``old_body`` is the text ``old`` was selected in, when it is known; pass
    ``text_map`` (a ``TextMap`` of the old body and ``body``) instead to
    anchor many claims against one diff.
    """
    if not old.quote:
        return Anchoring("orphaned", None)
    if text_map is not None:
        old_body = text_map.old
    if old_body is not None and _holds(old_body, old):
        if old_body == body:
            return Anchoring("anchored", select(body, old.start, old.end))
        if text_map is None:
            text_map = TextMap(old_body, body)
        return _through_diff(body, old, text_map)
    # No old text, or the selector does not describe it (stale offsets after
    # a bulk edit): search.
    return _search(body, old)


def anchor_all(body: str, selectors, *, old_body: str | None = None) -> list[Anchoring]:
    """Find every selector of ``selectors`` in ``body``, with one diff."""
    text_map = None
    if old_body is not None and old_body != body:
        text_map = TextMap(old_body, body)
    return [
        anchor(body, old, old_body=old_body, text_map=text_map) for old in selectors
    ]


def _holds(text: str, old: Selector) -> bool:
    return old.end <= len(text) and text[old.start : old.end] == old.quote


def _through_diff(body: str, old: Selector, text_map: TextMap) -> Anchoring:
    """Carry ``old`` through the diff of the text it was selected in."""
    quote, length = old.quote, len(old.quote)
    if text_map.untouched(old.start, old.end):
        start = text_map.position(old.start)
        return Anchoring("anchored", select(body, start, start + length))
    start, end = text_map.start_of(old.start), text_map.end_of(old.end)
    # The quote, word for word, where the edit was: the edit was next to the
    # quote (a diff may cut a run of equal words either way), not in it.
    beside = [
        p
        for p in _occurrences(body, quote, max(0, start - length + 1), end + length)
        if p < end and p + length > start
    ]
    if beside:
        best = max(
            beside,
            key=lambda p: (
                round(_context_score(body, p, p + length, old), 6),
                -abs(p - start),
            ),
        )
        return Anchoring("anchored", select(body, best, best + length))
    candidate = _trim(body, start, end)
    if candidate.quote and _similarity(candidate.quote, quote) >= CHANGED_THRESHOLD:
        return Anchoring("changed", candidate)
    moved = _moved(body, old, text_map, near=(start, end))
    if moved is not None:
        return Anchoring("anchored", moved)
    return Anchoring("orphaned", None)


def _moved(
    body: str, old: Selector, text_map: TextMap, *, near: tuple[int, int]
) -> Selector | None:
    """
    The quote cut from its place and pasted elsewhere: within its own context
    (words swapped around it, which a diff may read as the quote deleted and
    typed again), or further, with its context.
    """
    length = len(old.quote)
    positions = list(_occurrences(body, old.quote))
    if len(positions) < sum(1 for _ in _occurrences(text_map.old, old.quote)):
        return None  # fewer of them than before: this one went
    best, best_key = None, None
    for position in positions:
        if text_map.existed(position, position + length):
            continue  # words that were there before: another sentence
        before = _prefix_score(body, position, old)
        after = _suffix_score(body, position + length, old)
        gap = max(near[0] - (position + length), position - near[1], 0)
        if gap > CONTEXT_LENGTH and max(before, after) < MOVED_CONTEXT:
            continue  # the same words typed anew somewhere else
        key = (round(before + after, 6), -gap)
        if best_key is None or key > best_key:
            best, best_key = position, key
    return None if best is None else select(body, best, best + length)


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    context: float
    distance: int
    fit: float = 0.0  # context less penalties for distance and length
    evidence: float = 0.0  # the sides' fit weighed by the old context's length
    distinctive: bool = False  # its context occurs at most twice in the text
    intact: bool = False  # the old prefix and suffix, word for word, around it

    @property
    def key(self):
        return (round(self.context, 6), -self.distance)


def _search(body: str, old: Selector) -> Anchoring:
    """Find ``old`` in ``body`` without the text it was selected in."""
    # Its own words in its own context (the usual case).
    found = refind(body, old)
    if found.state == "anchored":
        return found
    quote, length = old.quote, len(old.quote)
    positions = list(_occurrences(body, quote))
    exact = [
        _Candidate(
            p,
            p + length,
            _context_score(body, p, p + length, old),
            abs(p - old.start),
        )
        for p in positions
    ]
    best = max(exact, key=lambda c: c.key) if exact else None
    bracket = _bracketed(body, old)
    if bracket is not None:
        # The quote itself between its prefix and suffix, with words added
        # beside it.
        inside = [c for c in exact if bracket.start <= c.start and c.end <= bracket.end]
        if inside:
            chosen = max(inside, key=lambda c: c.key)
            return Anchoring("anchored", select(body, chosen.start, chosen.end))
        if best is None or (
            bracket.intact
            and bracket.distinctive
            and bracket.evidence >= 2 - CONTEXT_MARGIN
            and best.context < 2 - CONTEXT_MARGIN
        ):
            # Its own place says it was reworded (or deleted): not the same
            # words elsewhere.
            candidate = _trim(body, bracket.start, bracket.end)
            if candidate.quote and (
                _similarity(candidate.quote, quote) >= CHANGED_THRESHOLD
            ):
                return Anchoring("changed", candidate)
            return Anchoring("orphaned", None)
    if best is None:
        return Anchoring("orphaned", None)
    if len(exact) > 1 and best.context < AMBIGUOUS_CONTEXT:
        return Anchoring("orphaned", None)
    return Anchoring("anchored", select(body, best.start, best.end))


def refind(body: str, old: Selector) -> Anchoring:
    """
    Find a lost (orphaned) claim again: only its own words in its own context,
    word for word, as when the passage it was in is put back.

    A lost claim's selector describes a text that is gone, so nothing can be
    carried through a diff, and any looser match could be another sentence
    that happens to say the same words.
    """
    length = len(old.quote)
    fitting = [
        p
        for p in _occurrences(body, old.quote)
        if old.quote and _fits_exactly(body, p, p + length, old)
    ]
    if not fitting:
        return Anchoring("orphaned", None)
    # The one nearest the old place, should the same passage occur twice.
    best = min(fitting, key=lambda p: (abs(p - old.start), p))
    return Anchoring("anchored", select(body, best, best + length))


def _bracketed(body: str, old: Selector) -> _Candidate | None:
    """The span between the quote's old prefix and suffix, where both still fit."""
    prefix, suffix = old.prefix, old.suffix
    ends = set()
    if len(prefix) < CONTEXT_LENGTH and body.startswith(prefix):
        ends.add(len(prefix))  # it was near the start, and still is
    # The pieces leave out the spaces next to the quote: deleting a quote
    # often takes a space with it.
    piece = prefix.rstrip()[-BRACKET_PIECE:]
    counts = []
    if piece:
        found = [p + len(piece) for p in _occurrences(body, piece)]
        counts.append(len(found))
        ends.update(found)
    starts = set()
    if len(suffix) < CONTEXT_LENGTH and body.endswith(suffix):
        starts.add(len(body) - len(suffix))
    piece = suffix.lstrip()[:BRACKET_PIECE]
    if piece:
        found = list(_occurrences(body, piece))
        counts.append(len(found))
        starts.update(found)
    if not ends or not starts:
        return None
    # Context found all over the text ("the the the") says little about
    # where the quote was.
    distinctive = bool(counts) and max(counts) <= 2
    length = len(old.quote)
    longest = 3 * length + 2 * CONTEXT_LENGTH
    ordered_starts = sorted(starts)
    nearest_ends = sorted(ends, key=lambda e: (abs(e - old.start), e))
    best = None
    for end_of_prefix in nearest_ends[:BRACKET_CANDIDATES]:
        before = _prefix_score(body, end_of_prefix, old)
        if before < CONTEXT_THRESHOLD:
            continue
        first = bisect_left(ordered_starts, end_of_prefix)
        for start_of_suffix in ordered_starts[first : first + 8]:
            if start_of_suffix - end_of_prefix > longest:
                break
            after = _suffix_score(body, start_of_suffix, old)
            if after < CONTEXT_THRESHOLD:
                continue
            context = _context_score(body, end_of_prefix, start_of_suffix, old)
            # Of two places that fit, the nearer one, and the one not longer
            # than the quote (words added beside a quote leave its context
            # further apart).
            scale = length + 2 * CONTEXT_LENGTH
            distance = abs(end_of_prefix - old.start)
            fit = (
                context
                - max(0, start_of_suffix - end_of_prefix - length) / scale
                - 0.5 * min(1.0, distance / scale)
            )
            evidence = before * min(1.0, len(prefix) / CONTEXT_LENGTH) + after * min(
                1.0, len(suffix) / CONTEXT_LENGTH
            )
            candidate = _Candidate(
                end_of_prefix,
                start_of_suffix,
                context,
                distance,
                fit,
                evidence,
                distinctive,
                body[:end_of_prefix].rstrip().endswith(prefix.rstrip())
                and body[start_of_suffix:].lstrip().startswith(suffix.lstrip()),
            )
            if best is None or (round(candidate.fit, 6), -candidate.distance) > (
                round(best.fit, 6),
                -best.distance,
            ):
                best = candidate
    return best
