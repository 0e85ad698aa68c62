"""
Comparing states of an article: two revisions, a revision and the live version.

A state is what an editor reads: title, standfirst, body and the claims with
their ratings and citations. It is built from a django-reversion revision
(the versions of the article, its claims and citations saved together), from
the working copy in the database, or from a published version's snapshot.
Two states are compared into a :class:`Comparison` that the admin renders:
word diffs of the text (escaped, with ``<ins>``/``<del>``) and the claims
added, removed, reworded, re-rated or re-sourced.

django-reversion-compare is GPL-3.0, so the comparison is our own (difflib).
"""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cached_property

from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string

from entities.models import Entity, Source

from .models import Article, Citation, CitationRelation, Claim, ClaimKind, Rating

# Words, runs of whitespace and single punctuation marks: a change of one
# word shows as that word, not as the whole line.
_TOKENS = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


# States ----------------------------------------------------------------------


@dataclass(frozen=True)
class CitationState:
    source_id: int | None
    source: str
    relation: str
    excerpt: str = ""
    locator: str = ""
    note: str = ""

    @property
    def relation_label(self) -> str:
        try:
            return CitationRelation(self.relation).label
        except ValueError:
            return self.relation

    @property
    def details(self) -> tuple:
        return (self.excerpt.strip(), self.locator.strip(), self.note.strip())

    def __str__(self):
        return f"{self.relation_label}: {self.source}"


@dataclass(frozen=True)
class ClaimState:
    id: int
    quote: str
    statement: str = ""
    claimant: str = ""
    kind: str = ClaimKind.FACT
    rating: str = Rating.UNRATED
    rating_explanation: str = ""
    citations: dict = field(default_factory=dict)

    @property
    def rating_label(self) -> str:
        try:
            return Rating(self.rating).label
        except ValueError:
            return self.rating

    @property
    def short(self) -> str:
        quote = " ".join(self.quote.split())
        return f"“{quote[:80]}…”" if len(quote) > 80 else f"“{quote}”"

    def __str__(self):
        return self.short


@dataclass(frozen=True)
class ArticleState:
    """An article as it was (or is) at one point, ready to be compared."""

    label: str
    title: str
    dek: str
    body: str
    byline: str = ""
    claims: dict = field(default_factory=dict)


def _statement(statement: str, quote: str) -> str:
    """A statement that only repeats the quote is no statement (as published)."""
    return "" if statement == quote else statement


def _citation_key(citations: list[CitationState]) -> dict:
    """Key citations by source and relation, numbering repeats."""
    keyed, seen = {}, {}
    for citation in citations:
        base = (citation.source_id, citation.relation)
        seen[base] = seen.get(base, 0) + 1
        keyed[(*base, seen[base])] = citation
    return keyed


def _names(model, ids) -> dict:
    """The str() of each ``model`` object in ``ids``, by primary key."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    objects = model._default_manager.filter(pk__in=ids)
    if model is Source:
        objects = objects.select_related("publisher")  # its str() names it
    return {obj.pk: str(obj) for obj in objects}


def article_versions(revision):
    """The versions of ``revision`` grouped by model: article, claims, citations."""
    types = ContentType.objects.get_for_models(Article, Claim, Citation)
    by_type = {ct.pk: model for model, ct in types.items()}
    grouped = {Article: [], Claim: [], Citation: []}
    for version in revision.version_set.all():
        model = by_type.get(version.content_type_id)
        if model is not None:
            grouped[model].append(version)
    return grouped


def state_from_revision(revision, article_id: int, *, label: str = "") -> ArticleState:
    """The article ``article_id`` as saved in ``revision``."""
    grouped = article_versions(revision)
    article = next(
        (v for v in grouped[Article] if str(v.object_id) == str(article_id)), None
    )
    if article is None:
        raise LookupError(
            f"Revision {revision.pk} holds no version of article {article_id}."
        )
    data = article.field_dict
    claims = [
        v.field_dict
        for v in grouped[Claim]
        if v.field_dict.get("article_id") == article.field_dict.get("id")
    ]
    claim_ids = {c["id"] for c in claims}
    citations = [
        v.field_dict for v in grouped[Citation] if v.field_dict["claim_id"] in claim_ids
    ]
    return _state(
        label or f"Revision of {revision.date_created:%Y-%m-%d %H:%M}",
        data,
        sorted(claims, key=lambda c: (c.get("start", 0), c["id"])),
        citations,
    )


def _state(label: str, article: dict, claims: list, citations: list) -> ArticleState:
    """An article state from rows: the article's fields, its claims' and their
    citations' (claimant and source as ids), as revisions and values() hold them."""
    entities = _names(Entity, [c.get("claimant_id") for c in claims])
    sources = _names(Source, [c.get("source_id") for c in citations])
    by_claim = {}
    for c in sorted(citations, key=lambda c: c["id"]):
        by_claim.setdefault(c["claim_id"], []).append(
            CitationState(
                source_id=c.get("source_id"),
                source=sources.get(c.get("source_id"), "(a deleted source)"),
                relation=c.get("relation", ""),
                excerpt=c.get("excerpt", ""),
                locator=c.get("locator", ""),
                note=c.get("note", ""),
            )
        )
    return ArticleState(
        label=label,
        title=article.get("title", ""),
        dek=article.get("dek", ""),
        body=article.get("body", ""),
        byline=article.get("byline", ""),
        claims={
            c["id"]: ClaimState(
                id=c["id"],
                quote=c.get("quote", ""),
                statement=_statement(c.get("statement", ""), c.get("quote", "")),
                claimant=entities.get(c.get("claimant_id"), ""),
                kind=c.get("kind", ClaimKind.FACT),
                rating=c.get("rating", Rating.UNRATED),
                rating_explanation=c.get("rating_explanation", ""),
                citations=_citation_key(by_claim.get(c["id"], [])),
            )
            for c in claims
        },
    )


CLAIM_FIELDS = (
    "id",
    "quote",
    "statement",
    "claimant_id",
    "kind",
    "rating",
    "rating_explanation",
)
CITATION_FIELDS = (
    "id",
    "claim_id",
    "source_id",
    "relation",
    "excerpt",
    "locator",
    "note",
)


def state_from_article(
    article: Article, claims=None, *, label: str = ""
) -> ArticleState:
    """
    The working copy of ``article`` as it is in the database now.

    ``claims``: its claims with their citations prefetched, when the caller
    has them (``workflow.claims_to_check()``); by default they are read here.
    """
    if claims is None:
        # Rows, not model instances: an article may have hundreds of claims.
        rows = list(article.claims.values(*CLAIM_FIELDS))
        citations = list(
            Citation.objects.filter(claim__article=article).values(*CITATION_FIELDS)
        )
    else:
        rows = [{name: getattr(c, name) for name in CLAIM_FIELDS} for c in claims]
        citations = [
            {name: getattr(cited, name) for name in CITATION_FIELDS}
            for c in claims
            for cited in c.citations.all()
        ]
    fields = {
        name: getattr(article, name) for name in ("title", "dek", "body", "byline")
    }
    return _state(label or "Working copy (now)", fields, rows, citations)


def state_from_published(version, *, label: str = "") -> ArticleState:
    """What readers see of a published version (its frozen snapshot)."""

    def source_name(source: dict) -> str:
        publisher = source.get("publisher")
        return f"{source['title']} ({publisher})" if publisher else source["title"]

    return ArticleState(
        label=label or f"Published version {version.number}",
        title=version.title,
        dek=version.dek,
        body=version.body,
        byline=version.byline,
        claims={
            c["id"]: ClaimState(
                id=c["id"],
                quote=c.get("quote", ""),
                # The snapshot falls back to the quote when there is no
                # statement; undo that so it compares with the working copy.
                statement=_statement(c.get("statement", ""), c.get("quote", "")),
                claimant=(c.get("claimant") or {}).get("name", ""),
                kind=c.get("kind", ClaimKind.FACT),
                rating=c.get("rating", Rating.UNRATED),
                rating_explanation=c.get("rating_explanation", ""),
                citations=_citation_key(
                    [
                        CitationState(
                            source_id=cit["source"].get("id"),
                            source=source_name(cit["source"]),
                            relation=cit.get("relation", ""),
                            excerpt=cit.get("excerpt", ""),
                            locator=cit.get("locator", ""),
                            note=cit.get("note", ""),
                        )
                        for cit in c.get("citations", [])
                    ]
                ),
            )
            for c in version.claims
        },
    )


# Diffs -----------------------------------------------------------------------


def tokens(text: str) -> list[str]:
    return _TOKENS.findall(text or "")


# Above this product of token counts, two runs of text are matched by
# paragraphs, then by sentences, and only then word by word: SequenceMatcher's
# cost grows with how often each token (a space, "the") recurs, so a
# 20,000-word body matched word by word would take minutes.
_DIRECT_LIMIT = 2_500
# A replaced stretch still this large is shown as replaced whole.
_GIVE_UP_LIMIT = 250_000


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """``new`` as (op, text) runs: "equal", "delete" (only in ``old``), "insert".

    Templates render it with ``includes/word_diff.html``, which escapes every
    run and marks deletions with <del> and insertions with <ins>.
    """
    return _join_changes(_diff(tokens(old), tokens(new), 0))


def _shared_prefix(a, b) -> int:
    """How many tokens the sequences ``a`` and ``b`` share at their start."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _is_boundary(level: int, token: str, previous: str) -> bool:
    """Whether ``token`` ends a chunk: a paragraph (level 0) or a sentence (1)."""
    if not token.isspace():
        return False
    return "\n" in token or (level == 1 and previous in (".", "!", "?"))


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


def _diff(a: list[str], b: list[str], level: int) -> list[tuple[str, str]]:
    """Runs turning tokens ``a`` into ``b``: by chunks first when they are long."""
    if len(a) * len(b) <= _DIRECT_LIMIT:
        return _token_runs(a, b)
    # Most edits touch a small part of a long text: set aside what the two
    # share at the start and the end, and diff only the middle.
    head = _shared_prefix(a, b)
    tail = _shared_prefix(reversed(a[head:]), reversed(b[head:]))
    middle_a, middle_b = a[head : len(a) - tail], b[head : len(b) - tail]
    runs = [("equal", "".join(a[:head]))] if head else []
    if middle_a and middle_b:
        runs.extend(_diff_middle(middle_a, middle_b, level))
    elif middle_a:
        runs.append(("delete", "".join(middle_a)))
    elif middle_b:
        runs.append(("insert", "".join(middle_b)))
    if tail:
        runs.append(("equal", "".join(a[len(a) - tail :])))
    return runs


def _diff_middle(a: list[str], b: list[str], level: int) -> list[tuple[str, str]]:
    size = len(a) * len(b)
    if size <= _DIRECT_LIMIT or level > 1:
        if size > _GIVE_UP_LIMIT:
            return [("delete", "".join(a)), ("insert", "".join(b))]
        return _token_runs(a, b)
    old, new = _chunks(a, level), _chunks(b, level)
    if len(old) == 1 and len(new) == 1:
        return _diff(a, b, level + 1)
    matcher = SequenceMatcher(
        None, ["".join(c) for c in old], ["".join(c) for c in new], autojunk=False
    )
    runs = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(("equal", "".join(map("".join, old[i1:i2]))))
        elif (
            op == "replace"
            and i2 - i1 != j2 - j1
            and _small(old[i1:i2], new[j1:j2], level)
        ):
            # Paragraphs split, merged or moved: match their sentences.
            runs.extend(
                _diff(
                    [t for c in old[i1:i2] for t in c],
                    [t for c in new[j1:j2] for t in c],
                    level + 1,
                )
            )
        elif op == "replace":
            # Paragraphs (or sentences) edited in place: diff each with its
            # counterpart; any left over were removed or added whole.
            pairs = min(i2 - i1, j2 - j1)
            for before, after in zip(old[i1:], new[j1 : j1 + pairs], strict=False):
                runs.extend(_diff(before, after, level + 1))
            if i1 + pairs < i2:
                runs.append(("delete", "".join(map("".join, old[i1 + pairs : i2]))))
            if j1 + pairs < j2:
                runs.append(("insert", "".join(map("".join, new[j1 + pairs : j2]))))
        elif op == "delete":
            runs.append(("delete", "".join(map("".join, old[i1:i2]))))
        else:
            runs.append(("insert", "".join(map("".join, new[j1:j2]))))
    return runs


def _small(old: list[list[str]], new: list[list[str]], level: int) -> bool:
    """Whether unmatched chunks are few enough to match again a level down."""
    limit = _GIVE_UP_LIMIT if level == 0 else 10 * _DIRECT_LIMIT
    return sum(map(len, old)) * sum(map(len, new)) <= limit


def _token_runs(a: list[str], b: list[str]) -> list[tuple[str, str]]:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    runs = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal":
            runs.append(("equal", added))
            continue
        if removed:
            runs.append(("delete", removed))
        if added:
            runs.append(("insert", added))
    return runs


def _join_changes(runs):
    """Read "<del>a b</del><ins>c d</ins>", not word by word around spaces."""
    joined, deleted, inserted = [], [], []

    def flush():
        for op, parts in (("delete", deleted), ("insert", inserted)):
            text = "".join(parts)
            if text.strip():
                joined.append((op, text.rstrip()))
        trailing = "".join(deleted or inserted)
        tail = trailing[len(trailing.rstrip()) :]
        if tail:
            joined.append(("equal", tail))
        deleted.clear()
        inserted.clear()

    for index, (op, text) in enumerate(runs):
        following = runs[index + 1][0] if index + 1 < len(runs) else None
        if op == "delete":
            deleted.append(text)
        elif op == "insert":
            inserted.append(text)
        elif text.isspace() and (deleted or inserted) and following != "equal":
            for parts in (deleted, inserted):
                if parts:
                    parts.append(text)
        else:
            flush()
            joined.append((op, text))
    flush()
    return joined


def render_word_diff(runs) -> str:
    """The HTML of a word diff (escaped, with <del> and <ins>)."""
    return render_to_string("includes/word_diff.html", {"diff": runs})


@dataclass(frozen=True)
class TextChange:
    """One text field of two states; its word diff is made when first shown."""

    name: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new

    @cached_property
    def diff(self) -> list:
        return word_diff(self.old, self.new)


@dataclass(frozen=True)
class ClaimChange:
    """A claim in one state or both; word diffs are made when first shown."""

    old: ClaimState | None
    new: ClaimState | None
    details: tuple = ()

    @property
    def claim(self) -> ClaimState:
        return self.new or self.old

    @cached_property
    def quote_diff(self) -> list | None:
        if self.old is None or self.new is None:
            return None
        return word_diff(self.old.quote, self.new.quote)

    @cached_property
    def statement_diff(self) -> list | None:
        if self.old is None or self.new is None:
            return None
        if self.old.statement == self.new.statement:
            return None
        return word_diff(self.old.statement, self.new.statement)

    @cached_property
    def explanation_diff(self) -> list | None:
        if self.old is None or self.new is None:
            return None
        return word_diff(self.old.rating_explanation, self.new.rating_explanation)


@dataclass(frozen=True)
class CitationChange:
    claim: ClaimState
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    changed: list = field(default_factory=list)  # (old, new) pairs


@dataclass(frozen=True)
class Comparison:
    old: ArticleState
    new: ArticleState
    texts: list
    claims_added: list
    claims_removed: list
    claims_reworded: list
    ratings_changed: list
    citations_changed: list

    @property
    def has_changes(self) -> bool:
        return any(t.changed for t in self.texts) or any(
            (
                self.claims_added,
                self.claims_removed,
                self.claims_reworded,
                self.ratings_changed,
                self.citations_changed,
            )
        )


def _claim_details(old: ClaimState, new: ClaimState) -> tuple:
    details = []
    if old.claimant != new.claimant:
        details.append(
            f"Claimant: {old.claimant or 'the newsroom'} → "
            f"{new.claimant or 'the newsroom'}"
        )
    if old.kind != new.kind:
        details.append(f"Kind: {old.kind} → {new.kind}")
    return tuple(details)


def _citation_change(old: ClaimState, new: ClaimState) -> CitationChange | None:
    before, after = old.citations, new.citations
    added = [after[k] for k in after if k not in before]
    removed = [before[k] for k in before if k not in after]
    changed = [
        (before[k], after[k])
        for k in after
        if k in before and before[k].details != after[k].details
    ]
    if not (added or removed or changed):
        return None
    return CitationChange(new, added, removed, changed)


def compare(old: ArticleState, new: ArticleState) -> Comparison:
    """What changed from ``old`` to ``new``."""
    texts = [
        TextChange(name, getattr(old, attr), getattr(new, attr))
        for name, attr in (
            ("Title", "title"),
            ("Standfirst", "dek"),
            ("Byline", "byline"),
            ("Body", "body"),
        )
    ]
    added = [
        ClaimChange(None, c) for pk, c in new.claims.items() if pk not in old.claims
    ]
    removed = [
        ClaimChange(c, None) for pk, c in old.claims.items() if pk not in new.claims
    ]
    reworded, rerated, resourced = [], [], []
    for pk, after in new.claims.items():
        before = old.claims.get(pk)
        if before is None:
            continue
        details = _claim_details(before, after)
        if (
            before.quote != after.quote
            or before.statement != after.statement
            or details
        ):
            reworded.append(ClaimChange(before, after, details=details))
        if (
            before.rating != after.rating
            or before.rating_explanation != after.rating_explanation
        ):
            rerated.append(ClaimChange(before, after))
        citation_change = _citation_change(before, after)
        if citation_change:
            resourced.append(citation_change)
    return Comparison(
        old=old,
        new=new,
        texts=texts,
        claims_added=added,
        claims_removed=removed,
        claims_reworded=reworded,
        ratings_changed=rerated,
        citations_changed=resourced,
    )
