"""
Finding entities named in a text: whole words, case-insensitive, longest first.

The text is split into word and punctuation tokens; each entity name is a
token sequence. Scanning tries, at each token, the names that start with it,
longest first, so "Azure OpenAI Service" wins over "Azure" and "OpenAI" and
is not counted as them too. This is linear in the text, whatever the number
of entities, where one large regular expression of alternatives is not.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

_TOKEN = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True)
class Found:
    entity_id: int
    count: int
    first_position: int
    first_length: int


@dataclass
class MentionIndex:
    """Entity names by their first token, longest name first."""

    by_first: dict = field(default_factory=dict)
    names: list = field(default_factory=list)  # every name and alias

    @classmethod
    def build(cls, entities) -> "MentionIndex":
        index = cls()
        seen = set()
        for entity in entities:
            for name in entity.names:
                index.names.append(name)
                tokens = tuple(t.lower() for t in _TOKEN.findall(name))
                if not tokens or tokens in seen:
                    continue  # the first entity to claim a name keeps it
                seen.add(tokens)
                index.by_first.setdefault(tokens[0], []).append((tokens, entity.pk))
        for candidates in index.by_first.values():
            candidates.sort(key=lambda item: -len(item[0]))
        return index

    @cached_property
    def known_words(self) -> tuple[set, int]:
        """The names as ``suggest_entities`` compares them, built once."""
        return _known_words(self.names)


def find_mentions(text: str, entities) -> list[Found]:
    """The entities named in ``text`` (entities or a MentionIndex), in order."""
    index = (
        entities if isinstance(entities, MentionIndex) else MentionIndex.build(entities)
    )
    if not index.by_first:
        return []
    matches = list(_TOKEN.finditer(text))
    words = [m.group().lower() for m in matches]
    counts, first = Counter(), {}
    i = 0
    while i < len(words):
        for tokens, entity_id in index.by_first.get(words[i], ()):
            end = i + len(tokens)
            if tuple(words[i:end]) == tokens:
                counts[entity_id] += 1
                start = matches[i].start()
                first.setdefault(entity_id, (start, matches[end - 1].end() - start))
                i = end
                break
        else:
            i += 1
    return [
        Found(entity_id, counts[entity_id], *first[entity_id])
        for entity_id in sorted(first, key=first.get)
    ]


_cached_index: tuple[tuple, MentionIndex] | None = None


def entity_index(changes=None) -> MentionIndex:
    """
    The index of every entity, rebuilt only when an entity changed.

    ``changes``: a counter that every entity save moves in its own
    transaction, if the caller has one. The entities' latest change time
    alone misses an edit that commits after a later one (an admin save
    stays open while it renders pages again).
    """
    global _cached_index
    from django.db.models import Count, Max

    from .models import Entity

    stamp = (
        *Entity.objects.aggregate(Max("updated_at"), Count("pk"), Max("pk")).values(),
        changes,
    )
    if _cached_index is None or _cached_index[0] != stamp:
        _cached_index = (stamp, MentionIndex.build(Entity.objects.all()))
    return _cached_index[1]


# Suggesting new entities ---------------------------------------------------------

# Words capitalised in running text that do not name an entity by themselves.
GENERIC_WORDS = frozenset(
    {
        "i",
        "ai",
        "ceo",
        "cfo",
        "coo",
        "cto",
        "chairman",
        "president",
        "minister",
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    }
)
# Small words that may sit inside a name ("Bank of America").
NAME_LINKS = frozenset({"of", "de", "du", "van", "von", "der", "la", "le", "del"})
_WORD = re.compile(r"\w+")
# What may stand between a sentence's end and its first word.
_OPENERS = " \t\u00a0“‘\"'([*_#>-"


def _is_name_word(word: str) -> bool:
    """Capitalised ("Azure"), or a capital inside ("iPhone"); not a number."""
    return word[0].isupper() or (
        word[0].isalpha() and any(c.isupper() for c in word[1:])
    )


def _starts_sentence(text: str, position: int) -> bool:
    before = text[:position].rstrip(" \t\u00a0")
    if before and before[-1] in "“‘\"'(":
        return True  # a quotation starts a sentence of its own
    before = before.rstrip(_OPENERS)
    return not before or before[-1] in ".!?:…\n"


def _runs(text: str):
    """Runs of capitalised words: (words, starts a sentence, position)."""
    run, start, sentence_start, end = [], 0, False, -1
    for match in _WORD.finditer(text):
        word = match.group()
        joined = run and text[end : match.start()] in (" ", "\u00a0")
        if joined and (_is_name_word(word) or word in NAME_LINKS):
            run.append(word)
            end = match.end()
            continue
        if run:
            yield run, sentence_start, start
        run = []
        if _is_name_word(word):
            run, start, end = [word], match.start(), match.end()
            sentence_start = _starts_sentence(text, match.start())
    if run:
        yield run, sentence_start, start


def _split_known(words: list[str], known: set, longest: int) -> list[list[str]]:
    """
    The parts of a run that are not known names (longest names first).

    ``longest`` is the most words a known name has.
    """
    lowered = [w.lower() for w in words]
    parts, current, i = [], [], 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            if tuple(lowered[i : i + size]) in known:
                parts.append(current)
                current, i = [], i + size
                break
        else:
            current.append(words[i])
            i += 1
    parts.append(current)
    return parts


def _tidy(words: list[str]) -> list[str]:
    """Drop links and generic words from a name's ends ("CEO Sam Altman")."""
    while words and (words[0].lower() in NAME_LINKS | GENERIC_WORDS):
        words = words[1:]
    while words and (words[-1].lower() in NAME_LINKS | GENERIC_WORDS):
        words = words[:-1]
    return words


def _known_words(names) -> tuple[set, int]:
    """Each name as a tuple of lower-case words, and the most words a name has."""
    known = set()
    for name in names:
        tokens = tuple(t.lower() for t in _WORD.findall(name))
        if tokens:
            known.add(tokens)
    return known, max((len(k) for k in known), default=0)


def suggest_entities(
    text: str, known_names, *, min_count: int = 2, limit: int = 10
) -> list[tuple[str, int]]:
    """
    Capitalised names in ``text`` that no known entity has, and that recur.

    ``known_names``: the names entities have, or a ``MentionIndex`` (whose
    names are prepared once). Returns ``(name, count)`` pairs, the most
    frequent first. A capitalised word that only ever starts a sentence
    ("Earlier", "They") is not taken for a name; parts of a run of capitals
    that are known names ("OpenAI CEO Sam Altman") are left out, and so are
    titles, months and days.
    """
    known, longest = (
        known_names.known_words
        if isinstance(known_names, MentionIndex)
        else _known_words(known_names)
    )
    runs = list(_runs(text))
    inside = {tuple(words) for words, sentence_start, _ in runs if not sentence_start}
    counts, first = Counter(), {}
    for words, sentence_start, position in runs:
        # "They", "Earlier this month": a sentence's first word is taken for
        # a name only if it stands alone as one elsewhere too.
        if sentence_start and tuple(words) not in inside and (words[0],) not in inside:
            words = words[1:]
        for part in _split_known(words, known, longest):
            part = _tidy(part)
            if not part or not any(_is_name_word(w) for w in part):
                continue
            name = " ".join(part)
            counts[name] += 1
            first.setdefault(name, position)
    found = [(name, n) for name, n in counts.items() if n >= min_count]
    found.sort(key=lambda item: (-item[1], first[item[0]]))
    return found[:limit]
