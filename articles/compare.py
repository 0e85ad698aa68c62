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


def _citation_key(citations: list[CitationState]) -> dict:
    """Key citations by source and relation, numbering repeats."""
    keyed, seen = {}, {}
    for citation in citations:
        base = (citation.source_id, citation.relation)
        seen[base] = seen.get(base, 0) + 1
        keyed[(*base, seen[base])] = citation
    return keyed


def _names(model, ids) -> dict:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=ids)}


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
        label=label or f"Revision of {revision.date_created:%Y-%m-%d %H:%M}",
        title=data.get("title", ""),
        dek=data.get("dek", ""),
        body=data.get("body", ""),
        byline=data.get("byline", ""),
        claims={
            c["id"]: ClaimState(
                id=c["id"],
                quote=c.get("quote", ""),
                statement=c.get("statement", ""),
                claimant=entities.get(c.get("claimant_id"), ""),
                kind=c.get("kind", ClaimKind.FACT),
                rating=c.get("rating", Rating.UNRATED),
                rating_explanation=c.get("rating_explanation", ""),
                citations=_citation_key(by_claim.get(c["id"], [])),
            )
            for c in sorted(claims, key=lambda c: (c.get("start", 0), c["id"]))
        },
    )


def state_from_article(article: Article, *, label: str = "") -> ArticleState:
    """The working copy of ``article`` as it is in the database now."""
    claims = article.claims.select_related("claimant").prefetch_related(
        "citations__source__publisher"
    )
    return ArticleState(
        label=label or "Working copy (now)",
        title=article.title,
        dek=article.dek,
        body=article.body,
        byline=article.byline,
        claims={
            claim.pk: ClaimState(
                id=claim.pk,
                quote=claim.quote,
                statement=claim.statement,
                claimant=str(claim.claimant) if claim.claimant else "",
                kind=claim.kind,
                rating=claim.rating,
                rating_explanation=claim.rating_explanation,
                citations=_citation_key(
                    [
                        CitationState(
                            source_id=c.source_id,
                            source=str(c.source),
                            relation=c.relation,
                            excerpt=c.excerpt,
                            locator=c.locator,
                            note=c.note,
                        )
                        for c in claim.citations.all()
                    ]
                ),
            )
            for claim in claims
        },
    )


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
                statement=(
                    ""
                    if c.get("statement") == c.get("quote")
                    else c.get("statement", "")
                ),
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


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """``new`` as (op, text) runs: "equal", "delete" (only in ``old``), "insert".

    Templates render it with ``includes/word_diff.html``, which escapes every
    run and marks deletions with <del> and insertions with <ins>.
    """
    a, b = tokens(old), tokens(new)
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
    return _join_changes(runs)


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
    name: str
    changed: bool
    diff: list


@dataclass(frozen=True)
class ClaimChange:
    old: ClaimState | None
    new: ClaimState | None
    quote_diff: list | None = None
    statement_diff: list | None = None
    explanation_diff: list | None = None
    details: tuple = ()

    @property
    def claim(self) -> ClaimState:
        return self.new or self.old


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
        TextChange(name, getattr(old, attr) != getattr(new, attr), diff)
        for name, attr, diff in (
            ("Title", "title", word_diff(old.title, new.title)),
            ("Standfirst", "dek", word_diff(old.dek, new.dek)),
            ("Byline", "byline", word_diff(old.byline, new.byline)),
            ("Body", "body", word_diff(old.body, new.body)),
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
            reworded.append(
                ClaimChange(
                    before,
                    after,
                    quote_diff=word_diff(before.quote, after.quote),
                    statement_diff=(
                        word_diff(before.statement, after.statement)
                        if before.statement != after.statement
                        else None
                    ),
                    details=details,
                )
            )
        if (
            before.rating != after.rating
            or before.rating_explanation != after.rating_explanation
        ):
            rerated.append(
                ClaimChange(
                    before,
                    after,
                    explanation_diff=word_diff(
                        before.rating_explanation, after.rating_explanation
                    ),
                )
            )
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
