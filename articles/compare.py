"""
Comparing states of an article: two revisions, a revision and the live version.

A state is what an editor reads: title, standfirst, body and the claims with
their ratings and citations. It is built from a django-reversion revision
(the versions of the article, its claims and citations saved together), from
the working copy in the database, or from a published version's snapshot.
Two states are compared into a :class:`Comparison` that the admin renders:
word diffs of the text (escaped, with ``<ins>``/``<del>``) and the claims
added, removed, reworded, re-rated or re-sourced.

django-reversion-compare is GPL-3.0, so the comparison is our own
(``articles.diffs``: word diffs within a bound on the work).
"""

from dataclasses import dataclass, field
from functools import cached_property

from entities.models import Entity, Source

from . import diffs, revisions
from .models import Article, Citation, CitationRelation, ClaimKind, Rating

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


def state_from_revision(revision, article_id: int, *, label: str = "") -> ArticleState:
    """The article ``article_id`` as saved in ``revision`` (LookupError if not)."""
    saved = revisions.saved_article(revision, article_id)
    return _state(
        label or f"Revision of {revision.date_created:%Y-%m-%d %H:%M}",
        saved.fields,
        sorted(saved.claim_fields, key=lambda c: (c.get("start", 0), c["id"])),
        saved.citation_fields,
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
    has them (``gate.claims_to_check()``); by default they are read here.
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

# The word diffs are made within a budget of work (articles.diffs), shared by
# all the diffs of one comparison: any two versions compare in bounded time.
tokens, word_diff, render_word_diff = (
    diffs.tokens,
    diffs.word_diff,
    diffs.render_word_diff,
)


@dataclass(frozen=True)
class TextChange:
    """One text field of two states; its word diff is made when first shown."""

    name: str
    old: str
    new: str
    budget: diffs.Budget = field(default_factory=diffs.Budget, compare=False)

    @property
    def changed(self) -> bool:
        return self.old != self.new

    @cached_property
    def diff(self) -> list:
        return word_diff(self.old, self.new, budget=self.budget)


@dataclass(frozen=True)
class ClaimChange:
    """A claim in one state or both; word diffs are made when first shown."""

    old: ClaimState | None
    new: ClaimState | None
    details: tuple = ()
    budget: diffs.Budget = field(default_factory=diffs.Budget, compare=False)

    @property
    def claim(self) -> ClaimState:
        return self.new or self.old

    @cached_property
    def quote_diff(self) -> list | None:
        if self.old is None or self.new is None:
            return None
        return word_diff(self.old.quote, self.new.quote, budget=self.budget)

    @cached_property
    def statement_diff(self) -> list | None:
        if self.old is None or self.new is None:
            return None
        if self.old.statement == self.new.statement:
            return None
        return word_diff(self.old.statement, self.new.statement, budget=self.budget)

    @cached_property
    def explanation_diff(self) -> list | None:
        if self.old is None or self.new is None:
            return None
        return word_diff(
            self.old.rating_explanation,
            self.new.rating_explanation,
            budget=self.budget,
        )


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


def compare(
    old: ArticleState, new: ArticleState, *, budget: diffs.Budget | None = None
) -> Comparison:
    """
    What changed from ``old`` to ``new``. Its word diffs share ``budget``
    (a page that shows several comparisons passes one for them all).
    """
    budget = budget if budget is not None else diffs.Budget()
    texts = [
        TextChange(name, getattr(old, attr), getattr(new, attr), budget)
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
            reworded.append(ClaimChange(before, after, details, budget))
        if (
            before.rating != after.rating
            or before.rating_explanation != after.rating_explanation
        ):
            rerated.append(ClaimChange(before, after, budget=budget))
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
