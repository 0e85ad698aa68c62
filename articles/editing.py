"""
Editing an article's text: its claims follow the text, its entities are
linked from it (DESIGN §6).

``process_edit`` runs after every save of the body (the admin, an import, a
restore): it also takes back to review an article signed off because it has
no checkable claims, once its text is no longer the text that was read;
``reanchor`` is the repair after bodies changed outside the admin
(the ``reanchor_claims`` command), a state change with its check like the
others of the rules layer.
"""

import logging
from dataclasses import dataclass, field

import reversion
from django.core.exceptions import PermissionDenied
from django.db import transaction

from entities.mentions import entity_index, find_mentions, suggest_entities
from media.usage import refresh_placements

from . import anchoring, caching, gate, staleness
from .models import Article, Claim, Mention

logger = logging.getLogger(__name__)


@dataclass
class EditReport:
    """What a save of the body did to the claims."""

    moved: list[Claim] = field(default_factory=list)
    changed: list[Claim] = field(default_factory=list)
    orphaned: list[Claim] = field(default_factory=list)
    found: list[Claim] = field(default_factory=list)
    anchored: int = 0  # found where they were
    updated: int = 0  # claims written (offsets, context or state)
    # After a repair (``reanchor``): the article's claims by anchor state.
    counts: dict = field(default_factory=dict)

    @property
    def touched(self) -> bool:
        """Whether any claim moved, changed, was lost or was found again."""
        return bool(self.moved or self.changed or self.orphaned or self.found)

    def messages(self) -> list[str]:
        """What the editor is told, the moved claims first (information only)."""
        lines = []
        if self.moved:
            lines.append(
                f"{_count(len(self.moved), 'claim')} moved with the text, "
                f"unchanged (ratings still hold): {_quotes(self.moved)}."
            )
        for claim in self.found:
            lines.append(f"Claim {claim} is in the text again.")
        for claim in self.changed:
            lines.append(
                f"Claim {claim} changed with the text: its quote was updated"
                + (" and its rating needs a re-check." if claim.is_rated else ".")
            )
        for claim in self.orphaned:
            lines.append(
                f"Claim {claim} is no longer found in the text: re-tag it or delete "
                "it before publishing."
            )
        return lines


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _quotes(claims, shown: int = 5) -> str:
    listed = ", ".join(str(claim) for claim in claims[:shown])
    if len(claims) > shown:
        listed += f" and {len(claims) - shown} more"
    return listed


def _selector(claim: Claim) -> anchoring.Selector:
    return anchoring.Selector(
        claim.quote, claim.prefix, claim.suffix, claim.start, claim.end
    )


def reanchor_claims(
    article: Article, *, old_body: str | None = None, placed=()
) -> EditReport:
    """
    Find every claim of ``article`` again in its current body.

    ``old_body`` is the body the claims were anchored in, when known (an
    editor's save); without it the claims are searched for (after bulk
    edits). ``placed`` holds the ids of claims whose selectors were just set
    on the current body (tagged or re-quoted in the same save).
    """
    report = EditReport()
    body = article.body
    text_map = None
    if old_body is not None and old_body != body:
        # One diff for all the claims.
        text_map = anchoring.TextMap(old_body, body)
    placed = set(placed)
    # Citations prefetched: a revision being recorded follows each saved
    # claim to its citations, which would be a query per claim.
    # A claim about media that quotes no words of the text has nothing to find.
    claims = article.claims.exclude(quote="").select_related("claimant")
    for claim in claims.prefetch_related(staleness.with_sources()):
        old = _selector(claim)
        if claim.pk in placed:
            result = anchoring.anchor(body, old, old_body=body)
        elif claim.anchor == Claim.Anchor.ORPHANED:
            # Lost by an earlier save: back only if its passage is put back.
            result = anchoring.refind(body, old)
        else:
            result = anchoring.anchor(body, old, old_body=old_body, text_map=text_map)
        updates = {}
        if result.state == "orphaned":
            if claim.anchor != Claim.Anchor.ORPHANED:
                updates["anchor"] = Claim.Anchor.ORPHANED
                report.orphaned.append(claim)
        else:
            selector = result.selector
            state = (
                Claim.Anchor.CHANGED
                if result.state == "changed" or claim.anchor == Claim.Anchor.CHANGED
                else Claim.Anchor.ANCHORED
            )
            new = {
                "quote": selector.quote,
                "prefix": selector.prefix,
                "suffix": selector.suffix,
                "start": selector.start,
                "end": selector.end,
                "anchor": state,
            }
            updates = {k: v for k, v in new.items() if getattr(claim, k) != v}
            if result.state == "changed":
                report.changed.append(claim)
            elif claim.anchor == Claim.Anchor.ORPHANED:
                report.found.append(claim)
            elif (claim.start, claim.end) != (selector.start, selector.end):
                report.moved.append(claim)
            else:
                report.anchored += 1
        if updates:
            for name, value in updates.items():
                setattr(claim, name, value)
            claim.save(update_fields=list(updates))
            report.updated += 1
    return report


def _entity_index():
    # Every entity save moves the public generation in its own transaction.
    return entity_index(changes=caching.current_state()[0])


def suggested_entities(article: Article) -> list[tuple[str, int]]:
    """Recurring capitalised names in the article that no entity has."""
    # The names come from the index of every entity that linking keeps, which
    # is read again only when an entity changed.
    return suggest_entities(f"{article.title}\n\n{article.body}", _entity_index())


def remove_mention(mention: Mention) -> bool:
    """
    Unlink an entity from an article. A link found in the text is suppressed
    rather than deleted (deleted, the next save would find it again); returns
    whether it was suppressed.
    """
    if not mention.count:
        mention.delete()
        return False
    mention.suppressed = True
    mention.save(update_fields=["suppressed"])
    return True


def refresh_mentions(article: Article) -> None:
    """Link the entities named in the article's title and body."""
    text = f"{article.title}\n\n{article.body}"
    found = {f.entity_id: f for f in find_mentions(text, _entity_index())}
    existing = {m.entity_id: m for m in article.mentions.all()}
    for entity_id, mention in existing.items():
        hit = found.get(entity_id)
        if hit is None:
            if mention.origin == Mention.Origin.DETECTED and not mention.suppressed:
                mention.delete()
            elif mention.count:
                mention.count, mention.first_position = 0, None
                mention.save(update_fields=["count", "first_position"])
            continue
        if (mention.count, mention.first_position) != (hit.count, hit.first_position):
            mention.count, mention.first_position = hit.count, hit.first_position
            mention.save(update_fields=["count", "first_position"])
    Mention.objects.bulk_create(
        Mention(
            article=article,
            entity_id=hit.entity_id,
            count=hit.count,
            first_position=hit.first_position,
        )
        for entity_id, hit in found.items()
        if entity_id not in existing
    )


def process_edit(
    article: Article, *, old_body: str | None = None, placed=()
) -> EditReport:
    """
    After the article was saved: re-anchor its claims, refresh its mentions
    and the library images its body places.
    """
    report = reanchor_claims(article, old_body=old_body, placed=placed)
    refresh_mentions(article)
    refresh_placements(article)
    no_claims_lapsed(article)
    return report


def no_claims_lapsed(article: Article) -> bool:
    """
    After a save of ``article``'s text: when it was signed off on the strength
    of a fact-checker's record that it has no checkable claims, and the text
    is no longer the one they read, send it back to review as a changed claim
    does (DESIGN §5). Returns whether it went back.
    """
    # The status is read again under send_back's lock: a sign-off made while
    # the editor's form was open counts.
    if (
        not article.no_claims_at
        or gate.no_claims_recorded(article)
        or article.claims.exists()  # the claims' own changes send it back
    ):
        return False
    who = article.no_claims_by
    name = (who.get_full_name() or who.get_username()) if who else "a fact-checker"
    from desk.workflow import send_back

    return send_back(
        article,
        reason=f"the text changed after {name} recorded that it has no "
        "checkable claims",
    )


def check_reanchor(article: Article, *, user) -> list[str]:
    """Whether ``user`` may re-anchor the claims of ``article``; why not."""
    if not user.has_perm("articles.change_claim"):
        return ["You may not change claims."]
    return []


def reanchor(article: Article, *, user, dry_run: bool = False) -> EditReport:
    """Find every claim of ``article`` again in its current body (a repair)."""
    if reasons := check_reanchor(article, user=user):
        logger.warning("Permission denied: %s may not re-anchor %s", user, article.pk)
        raise PermissionDenied(" ".join(reasons))
    with transaction.atomic():
        # Locked, so that an editor's save can not slip in between.
        article = Article.objects.select_for_update().get(pk=article.pk)
        with reversion.create_revision():
            report = reanchor_claims(article)
            if report.updated:
                # Claims written (even only their context) are a revision of
                # the article, shown in its history.
                reversion.add_to_revision(article)
                reversion.set_user(user)
                reversion.set_comment("Re-anchored the claims in the text")
        # The claims in the text (one about media that quotes no words is not).
        report.counts = {
            state: article.claims.exclude(quote="").filter(anchor=state).count()
            for state in Claim.Anchor.values
        }
        if dry_run:
            transaction.set_rollback(True)
    if report.updated and not dry_run:
        logger.info(
            "Claims of article %s re-anchored by %s: %s written",
            article.pk,
            user,
            report.updated,
        )
    return report
