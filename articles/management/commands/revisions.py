"""
The revisions of an article, oldest first.

    python manage.py revisions openai-and-microsoft-expand-partnership

Each line: the revision id (what ``revert`` takes), date, user, comment, and
what changed since the revision before, in a few words ("created", "title,
body +12/-3 words", "1 claim added", "2 ratings changed", ...).
"""

from difflib import SequenceMatcher

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, Citation, Claim

from ._console import plural, shorten, table
from ._lookup import get_article

TEXT_FIELDS = ("title", "dek", "byline", "publish_at")


class Command(BaseCommand):
    help = (
        "List the revisions of the article SLUG, oldest first: id, date, user, "
        "comment and what changed. Give the id to 'revert' to restore one."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The article's slug.")

    def handle(self, *args, slug, **options):
        article = get_article(slug)
        versions = list(
            Version.objects.get_for_object(article)
            .select_related("revision__user")
            .order_by("revision__date_created", "pk")
        )
        if not versions:
            self.stdout.write(f"'{slug}' has no revisions.")
            return
        states = _states(article, [v.revision_id for v in versions])
        rows, previous = [], None
        for version in versions:
            state = {**version.field_dict, **states.get(version.revision_id, {})}
            revision = version.revision
            rows.append(
                [
                    str(revision.pk),
                    f"{timezone.localtime(revision.date_created):%Y-%m-%d %H:%M}",
                    revision.user.get_username() if revision.user else "-",
                    shorten(revision.comment, 60) or "-",
                    _changes(previous, state),
                ]
            )
            previous = state
        for line in table(rows, ["id", "date", "user", "comment", "changes"]):
            self.stdout.write(line)
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"{plural(len(rows), 'revision')}. Restore one with: "
                f"manage.py revert {slug} ID"
            )


def _states(article: Article, revision_ids: list[int]) -> dict[int, dict]:
    """The claims (id -> rating) and citation count of each revision."""
    claim_type = ContentType.objects.get_for_model(Claim)
    citation_type = ContentType.objects.get_for_model(Citation)
    states = {rid: {"claims": {}, "citations": set()} for rid in revision_ids}
    related = Version.objects.filter(
        revision_id__in=revision_ids, content_type__in=[claim_type, citation_type]
    ).select_related("content_type")
    claims_of = {}
    for version in related:
        state = states[version.revision_id]
        if version.content_type_id == claim_type.pk:
            fields = version.field_dict
            if fields.get("article_id") == article.pk:
                state["claims"][int(version.object_id)] = fields.get("rating")
        else:
            claims_of.setdefault(version.revision_id, []).append(version)
    for revision_id, versions in claims_of.items():
        state = states[revision_id]
        state["citations"] = {
            int(v.object_id)
            for v in versions
            if v.field_dict.get("claim_id") in state["claims"]
        }
    return states


def _changes(before: dict | None, after: dict) -> str:
    """What changed between two states of the article, in a few words."""
    if before is None:
        return "created" + (
            f" with {plural(len(after['claims']), 'claim')}" if after["claims"] else ""
        )
    parts = [name for name in TEXT_FIELDS if before.get(name) != after.get(name)]
    if before.get("body") != after.get("body"):
        old = (before.get("body") or "").split()
        new = (after.get("body") or "").split()
        added = removed = 0
        for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new).get_opcodes():
            if tag in ("replace", "delete"):
                removed += i2 - i1
            if tag in ("replace", "insert"):
                added += j2 - j1
        parts.append(f"body +{added}/-{removed} words")
    if set(before.get("authors") or []) != set(after.get("authors") or []):
        parts.append("authors")
    if before.get("status") != after.get("status"):
        parts.append(f"status {before.get('status')} -> {after.get('status')}")
    old_claims, new_claims = before["claims"], after["claims"]
    added = len(new_claims.keys() - old_claims.keys())
    removed = len(old_claims.keys() - new_claims.keys())
    if added:
        parts.append(f"{plural(added, 'claim')} added")
    if removed:
        parts.append(f"{plural(removed, 'claim')} removed")
    kept = new_claims.keys() & old_claims.keys()
    rated = sum(old_claims[pk] == "unrated" != new_claims[pk] for pk in kept)
    rerated = sum(old_claims[pk] not in ("unrated", new_claims[pk]) for pk in kept)
    if rated:
        parts.append(f"{plural(rated, 'claim')} rated")
    if rerated:
        parts.append(f"{plural(rerated, 'rating')} changed")
    cited = len(after["citations"] - before["citations"])
    uncited = len(before["citations"] - after["citations"])
    if cited:
        parts.append(f"{plural(cited, 'citation')} added")
    if uncited:
        parts.append(f"{plural(uncited, 'citation')} removed")
    return ", ".join(parts) or "no change to the text"
