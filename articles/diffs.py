"""
Word diffs of two texts, made within a bound on the work.

The public history page and the admin's comparison show what changed
between two versions word by word. Any two versions of up to the body's
limit must be compared in bounded time, so the work that grows faster than
the texts (matching one sequence against another) is counted in steps and
held to a :class:`Budget`; what is linear in the texts (splitting them into
words, setting aside what they share at the start and the end) is not.

Long texts are matched paragraph by paragraph first, then the paragraphs
that changed sentence by sentence, then word by word, each with Myers'
O(ND) algorithm (a shortest edit script: the work grows with the size of
the texts times the number of changes, not with how often a word recurs).
When the budget runs out, what is left is shown as a plainer diff: the
paragraphs concerned replaced whole, and a note that says which
("Paragraphs 12–20,011 replaced: ..."). Nothing fails and nothing waits.

django-reversion-compare is GPL-3.0, so the comparison is our own.
"""

import re
from array import array
from dataclasses import dataclass, field

from django.template.loader import render_to_string

# Words, runs of whitespace and single punctuation marks: a change of one
# word shows as that word, not as the whole line.
_TOKENS = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)

# Steps of matching one comparison may take (the history page shares one
# budget between all the versions it shows). About half a second of CPU at
# worst on the development VM; see bench/README.md.
WORK_LIMIT = 1_000_000
# Texts shorter than this (tokens on each side, multiplied) are matched
# word by word at once: paragraphs and sentences would only cost more.
_DIRECT = 2_500

PARAGRAPH, SENTENCE, WORD = 0, 1, 2


@dataclass
class Budget:
    """The steps of matching a request may still spend."""

    limit: int = WORK_LIMIT
    spent: int = 0

    @property
    def left(self) -> int:
        return self.limit - self.spent


class Diff(list):
    """
    (op, text) runs: "equal", "delete" (only in the old text), "insert".

    ``coarse`` lists the stretches shown replaced whole because matching
    them word by word would have cost more than the budget left, as
    (first, last) paragraph numbers of the old text; ``summary`` says so in
    words.
    """

    def __init__(self, runs=(), *, coarse=(), work: int = 0):
        super().__init__(runs)
        self.coarse = list(coarse)
        self.work = work

    @property
    def summary(self) -> str:
        if not self.coarse:
            return ""
        spans = [f"{a:,}" if a == b else f"{a:,}–{b:,}" for a, b in self.coarse[:3]]
        more = len(self.coarse) - 3
        if more > 0:
            spans.append(f"{more:,} more")
        single = len(self.coarse) == 1 and self.coarse[0][0] == self.coarse[0][1]
        noun = "Paragraph" if single else "Paragraphs"
        return (
            f"{noun} {', '.join(spans)} replaced: too many changes to compare "
            "word by word, so the old and new text are shown whole."
        )


def tokens(text: str) -> list[str]:
    return _TOKENS.findall(text or "")


def word_diff(old: str, new: str, *, budget: Budget | None = None) -> Diff:
    """``new`` as runs against ``old``, within ``budget`` (a fresh one if none).

    Templates render it with ``includes/word_diff.html``, which escapes every
    run and marks deletions with <del> and insertions with <ins>.
    """
    budget = budget if budget is not None else Budget()
    before = budget.spent
    differ = _Differ(budget)
    runs = differ.diff(tokens(old), tokens(new))
    return Diff(_join_changes(runs), coarse=differ.coarse, work=budget.spent - before)


def render_word_diff(runs) -> str:
    """The HTML of a word diff (escaped, with <del> and <ins>)."""
    return render_to_string("includes/word_diff.html", {"diff": runs})


# Matching --------------------------------------------------------------------


def edit_script(a: list, b: list, budget: Budget) -> list[tuple] | None:
    """
    Opcodes ("equal", "delete", "insert", "replace", i1, i2, j1, j2) that turn
    ``a`` into ``b``, as difflib spells them; None when matching would cost
    more than ``budget`` has left (what was tried is spent all the same).
    """
    n, m = len(a), len(b)
    if not n or not m:
        return _whole(n, m)
    # Compare small integers, not strings: the same item, the same number.
    ids: dict = {}
    x_ids = [ids.setdefault(item, len(ids)) for item in a]
    shared = len(ids)
    y_ids = [ids.setdefault(item, len(ids)) for item in b]
    budget.spent += n + m
    if all(i >= shared for i in y_ids):
        return _whole(n, m)  # nothing in common: replaced, exactly
    path = _myers(x_ids, y_ids, budget)
    return None if path is None else _opcodes(path, n, m)


def _whole(n: int, m: int) -> list[tuple]:
    if n and m:
        return [("replace", 0, n, 0, m)]
    if n:
        return [("delete", 0, n, 0, 0)]
    return [("insert", 0, 0, 0, m)] if m else []


def _myers(a: list[int], b: list[int], budget: Budget) -> list | None:
    """
    The matched pairs (x, y) of a shortest edit script from ``a`` to ``b``
    (E. Myers, "An O(ND) difference algorithm and its variations", 1986),
    or None once it has spent what ``budget`` had left.

    Each step is one diagonal considered or one item matched; it stops
    before a diagonal once the budget is spent, so it spends at most one
    run of matching items more. The furthest points of every round are
    kept (2d + 3 numbers in round d) to walk the path back, so memory is
    bounded by the budget too.
    """
    n, m = len(a), len(b)
    limit = budget.left
    steps = 0
    offset = n + m + 1
    v = array("i", [0]) * (2 * offset + 1)
    trace = []
    for d in range(n + m + 1):
        trace.append(v[offset - d - 1 : offset + d + 2])
        for k in range(-d, d + 1, 2):
            if k == -d or (k != d and v[offset + k - 1] < v[offset + k + 1]):
                x = v[offset + k + 1]
            else:
                x = v[offset + k - 1] + 1
            y = x - k
            if steps > limit:
                budget.spent += steps
                return None
            start = x
            while x < n and y < m and a[x] == b[y]:
                x += 1
                y += 1
            steps += x - start + 1
            v[offset + k] = x
            if x >= n and y >= m:
                budget.spent += steps
                return _walk_back(trace, n, m, d)
    raise AssertionError("unreachable: d = n + m always reaches the end")


def _walk_back(trace, n: int, m: int, depth: int) -> list[tuple[int, int]]:
    """The matched pairs of the path found in round ``depth``, in order."""
    matched = []
    x, y = n, m
    for d in range(depth, -1, -1):
        v = trace[d]  # v[k + d + 1] is the furthest x on diagonal k
        k = x - y
        if k == -d or (k != d and v[k - 1 + d + 1] < v[k + 1 + d + 1]):
            prev_k = k + 1
        else:
            prev_k = k - 1
        prev_x = v[prev_k + d + 1] if d else 0
        prev_y = prev_x - prev_k if d else 0
        while x > prev_x and y > prev_y:
            x -= 1
            y -= 1
            matched.append((x, y))
        x, y = prev_x, prev_y
    matched.reverse()
    return matched


def _opcodes(matched: list[tuple[int, int]], n: int, m: int) -> list[tuple]:
    ops = []
    i = j = 0
    run_start = None
    for x, y in [*matched, (n, m)]:
        if (x, y) != (i, j):
            if run_start is not None:
                ops.append(("equal", run_start[0], i, run_start[1], j))
                run_start = None
            if x > i and y > j:
                ops.append(("replace", i, x, j, y))
            elif x > i:
                ops.append(("delete", i, x, j, j))
            else:
                ops.append(("insert", i, i, j, y))
        if (x, y) == (n, m):
            break
        if run_start is None:
            run_start = (x, y)
        i, j = x + 1, y + 1
    if run_start is not None:
        ops.append(("equal", run_start[0], i, run_start[1], j))
    return ops


# Paragraphs, sentences, words -------------------------------------------------


def _is_boundary(level: int, token: str, previous: str) -> bool:
    """Whether ``token`` ends a paragraph (a blank line) or a sentence."""
    if not token.isspace():
        return False
    if level == PARAGRAPH:
        return token.count("\n") >= 2
    return "\n" in token or previous in (".", "!", "?")


def _chunks(toks: list[str], level: int) -> list[list[str]]:
    chunks, current, previous = [], [], ""
    for token in toks:
        current.append(token)
        if _is_boundary(level, token, previous):
            chunks.append(current)
            current = []
        previous = token
    if current:
        chunks.append(current)
    return chunks


def _shared_prefix(a, b) -> int:
    """How many items the sequences ``a`` and ``b`` share at their start."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _paragraphs_in(toks) -> int:
    return sum(1 for t in toks if t.isspace() and t.count("\n") >= 2)


def _flat(chunks) -> list[str]:
    return [t for c in chunks for t in c]


@dataclass
class _Differ:
    """One word diff: its budget, and the paragraphs it showed whole."""

    budget: Budget
    coarse: list = field(default_factory=list)
    _gave_up: bool = False

    def diff(self, a: list[str], b: list[str]) -> list[tuple[str, str]]:
        head = _shared_prefix(a, b)
        tail = _shared_prefix(reversed(a[head:]), reversed(b[head:]))
        middle_a, middle_b = a[head : len(a) - tail], b[head : len(b) - tail]
        runs = [("equal", "".join(a[:head]))] if head else []
        if middle_a and middle_b:
            first = _paragraphs_in(a[:head]) + 1
            runs.extend(self._paragraphs(middle_a, middle_b, first))
        elif middle_a:
            runs.append(("delete", "".join(middle_a)))
        elif middle_b:
            runs.append(("insert", "".join(middle_b)))
        if tail:
            runs.append(("equal", "".join(a[len(a) - tail :])))
        return runs

    def _paragraphs(self, a, b, first: int) -> list[tuple[str, str]]:
        """The runs of the changed middle, ``first`` its paragraph number."""
        if len(a) * len(b) <= _DIRECT:
            return self._refined(a, b, SENTENCE, first, first + _paragraphs_in(a))
        old, new = _chunks(a, PARAGRAPH), _chunks(b, PARAGRAPH)
        ops = self._match(old, new)
        if ops is None:
            self._note(first, first + len(old) - 1)
            return _replaced(a, b)
        # Paragraphs edited in place: each against its counterpart; split,
        # merged or moved: their sentences matched.
        return _runs(
            ops,
            old,
            new,
            each=lambda i, x, y: self._refined(x, y, SENTENCE, first + i, None),
            together=lambda i1, i2, x, y: self._refined(
                x, y, SENTENCE, first + i1, first + i2 - 1
            ),
        )

    def _refined(self, a, b, level: int, first: int, last: int | None):
        """``a`` against ``b`` by sentences or words; whole if over budget."""
        self._gave_up = False
        runs = self._level(a, b, level)
        if self._gave_up:
            self._note(first, first if last is None else last)
        return runs

    def _level(self, a, b, level: int) -> list[tuple[str, str]]:
        if a == b:
            return [("equal", "".join(a))] if a else []
        if level == WORD or len(a) * len(b) <= _DIRECT:
            return self._words(a, b)
        old, new = _chunks(a, level), _chunks(b, level)
        if len(old) == 1 and len(new) == 1:
            return self._words(a, b)
        ops = self._match(old, new)
        if ops is None:
            self._gave_up = True
            return _replaced(a, b)
        return _runs(
            ops,
            old,
            new,
            each=lambda i, x, y: self._words(x, y),
            together=lambda i1, i2, x, y: self._words(x, y),
        )

    def _match(self, old, new):
        """The opcodes of chunks ``old`` against ``new``; None over budget."""
        return edit_script(
            ["".join(c) for c in old], ["".join(c) for c in new], self.budget
        )

    def _words(self, a, b) -> list[tuple[str, str]]:
        ops = edit_script(a, b, self.budget)
        if ops is None:
            self._gave_up = True
            return _replaced(a, b)
        runs = []
        for op, i1, i2, j1, j2 in ops:
            removed, added = "".join(a[i1:i2]), "".join(b[j1:j2])
            if op == "equal":
                runs.append(("equal", added))
                continue
            if removed:
                runs.append(("delete", removed))
            if added:
                runs.append(("insert", added))
        return runs

    def _note(self, first: int, last: int) -> None:
        """Record paragraphs ``first``–``last`` as shown replaced whole."""
        if self.coarse and self.coarse[-1][1] + 1 >= first:
            self.coarse[-1] = (self.coarse[-1][0], max(last, self.coarse[-1][1]))
        else:
            self.coarse.append((first, max(first, last)))


def _runs(ops, old, new, *, each, together) -> list[tuple[str, str]]:
    """
    The runs of the opcodes of chunks ``old`` against ``new``. Chunks
    replaced by as many are matched ``each(i, old[i], its counterpart)``;
    others ``together(i1, i2, old tokens, new tokens)``.
    """
    runs = []
    for op, i1, i2, j1, j2 in ops:
        if op == "equal":
            runs.append(("equal", "".join(_flat(old[i1:i2]))))
        elif op == "delete":
            runs.append(("delete", "".join(_flat(old[i1:i2]))))
        elif op == "insert":
            runs.append(("insert", "".join(_flat(new[j1:j2]))))
        elif i2 - i1 == j2 - j1:
            for k in range(i2 - i1):
                runs.extend(each(i1 + k, old[i1 + k], new[j1 + k]))
        else:
            runs.extend(together(i1, i2, _flat(old[i1:i2]), _flat(new[j1:j2])))
    return runs


def _replaced(a, b) -> list[tuple[str, str]]:
    return [("delete", "".join(a)), ("insert", "".join(b))]


def _join_changes(runs):
    """
    Read "<del>a b</del><ins>c d</ins>", not word by word around spaces.

    Whitespace the two texts share between two changes joins them; the
    whitespace both end with is shown unchanged. Nothing is dropped: the
    equal and deleted runs spell the old text, the equal and inserted runs
    the new one.
    """
    joined, deleted, inserted, shared = [], [], [], []

    def flush():
        old, new = "".join(deleted), "".join(inserted)
        common = 0
        if old and new:
            common = _shared_prefix(reversed(old), reversed(new))
            common = min(common, len(old) - len(old.rstrip()))
        if old[: len(old) - common]:
            joined.append(("delete", old[: len(old) - common]))
        if new[: len(new) - common]:
            joined.append(("insert", new[: len(new) - common]))
        if common or shared:
            joined.append(("equal", old[len(old) - common :] + "".join(shared)))
        deleted.clear()
        inserted.clear()
        shared.clear()

    for op, text in runs:
        if op in ("delete", "insert"):
            if shared:  # whitespace between two changes: part of both
                deleted.extend(shared)
                inserted.extend(shared)
                shared.clear()
            (deleted if op == "delete" else inserted).append(text)
        elif text.isspace() and (deleted or inserted):
            shared.append(text)
        else:
            flush()
            joined.append((op, text))
    flush()
    return _merged(joined)


def _merged(runs):
    """Adjacent runs of one kind as one."""
    merged = []
    for op, text in runs:
        if merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + text)
        elif text:
            merged.append((op, text))
    return merged
