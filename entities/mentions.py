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

    @classmethod
    def build(cls, entities) -> "MentionIndex":
        index = cls()
        seen = set()
        for entity in entities:
            for name in entity.names:
                tokens = tuple(t.lower() for t in _TOKEN.findall(name))
                if not tokens or tokens in seen:
                    continue  # the first entity to claim a name keeps it
                seen.add(tokens)
                index.by_first.setdefault(tokens[0], []).append((tokens, entity.pk))
        for candidates in index.by_first.values():
            candidates.sort(key=lambda item: -len(item[0]))
        return index


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


def entity_index() -> MentionIndex:
    """The index of every entity, rebuilt only when an entity changed."""
    global _cached_index
    from django.db.models import Count, Max

    from .models import Entity

    stamp = tuple(
        Entity.objects.aggregate(Max("updated_at"), Count("pk"), Max("pk")).values()
    )
    if _cached_index is None or _cached_index[0] != stamp:
        _cached_index = (stamp, MentionIndex.build(Entity.objects.all()))
    return _cached_index[1]
