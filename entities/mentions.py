"""Finding entities named in a text: whole words, longest name first."""

import re
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class Found:
    entity_id: int
    count: int
    first_position: int
    first_length: int


def _pattern(names: list[str]) -> str:
    # Longest first, so "Azure OpenAI Service" wins over "Azure" and "OpenAI".
    ordered = sorted(set(names), key=lambda n: (-len(n), n))
    alternatives = "|".join(re.escape(name).replace(r"\ ", r"\s+") for name in ordered)
    return rf"(?<!\w)(?:{alternatives})(?!\w)"


def find_mentions(text: str, entities) -> list[Found]:
    """Return the entities named in ``text`` with their counts and first place."""
    by_name = {}
    for entity in entities:
        for name in entity.names:
            by_name.setdefault(" ".join(name.casefold().split()), entity.pk)
    if not by_name:
        return []
    regex = re.compile(_pattern(list(by_name)), re.IGNORECASE)
    counts, first = Counter(), {}
    for match in regex.finditer(text):
        entity_id = by_name.get(" ".join(match.group().casefold().split()))
        if entity_id is None:
            continue
        counts[entity_id] += 1
        first.setdefault(entity_id, (match.start(), match.end() - match.start()))
    return [
        Found(entity_id, counts[entity_id], *first[entity_id])
        for entity_id in sorted(first, key=first.get)
    ]
