"""
Restoring an article to a revision, and recovering a deleted one: state
changes of the rules layer, with their ``check_*`` twins (DESIGN §5).

A restore needs the rights of everything it changes. It brings back the
text, claims and citations of the revision; the workflow fields (status,
live version, schedule) stay as they are, and so does a published article's
address. A rating it changes is a rating: it needs a user who may rate, and
it comes back credited to them and stale (a fact-checker re-checks or
re-confirms it), unless it is the rating the claim has now, which keeps its
check. A recovery undoes a delete: it needs the right to delete.
"""

import logging

import reversion
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from reversion.models import Version

from desk import audit
from desk.models import Action
from entities.models import Entity, Source
from media.models import Image

from . import editing, revisions, staleness, workflow
from .models import Article, Citation, Claim, Rating
from .workflow import CHECK_FIELDS, WORKFLOW_FIELDS, invalid, refuse

logger = logging.getLogger(__name__)


def _rating_of(claim: Claim) -> tuple:
    return (claim.rating, claim.rating_explanation.strip(), claim.media_authenticity)


def _rating_changes(saved: revisions.SavedArticle, current: dict) -> list[Claim]:
    """The saved claims whose rating a restore would bring back changed."""
    changed = []
    for claim in saved.objects.claims:
        now = current.get(claim.pk)
        if now is None:
            if claim.is_rated:
                changed.append(claim)
        elif _rating_of(claim) != _rating_of(now):
            changed.append(claim)
    return changed


def _split_ratings(saved, current: dict, user) -> tuple[set, dict]:
    """
    The claims whose rating a restore brings back (``user`` may rate them),
    and those whose rating it leaves as it is, each with the reason.
    """
    restored, kept = set(), {}
    for claim in _rating_changes(saved, current):
        now = current.get(claim.pk)
        if denied := workflow.check_rate(now or claim, user=user):
            before = Rating(now.rating).label.lower() if now else "no claim"
            kept[claim.pk] = (
                f"the rating of claim {claim} stays {before} (the revision says "
                f"{Rating(claim.rating).label.lower()}): {denied[0]}"
            )
        else:
            restored.add(claim.pk)
    return restored, kept


def kept_ratings(article: Article, revision, *, user) -> list[str]:
    """
    The ratings a restore of ``revision`` by ``user`` would leave as they are,
    because ``user`` may not rate those claims, each in words.
    """
    try:
        saved = revisions.saved_article(revision, article.pk)
    except LookupError:
        return []
    current = {c.pk: c for c in article.claims.all()}
    return list(_split_ratings(saved, current, user)[1].values())


def check_restore(article: Article, revision, *, user) -> list[str]:
    """Whether ``user`` may restore ``article`` to ``revision``; every reason."""
    if reasons := workflow.check_edit_article(article, user=user):
        return reasons
    try:
        saved = revisions.saved_article(revision, article.pk)
    except LookupError:
        return ["That revision is not a revision of this article."]
    return missing_references(
        saved.objects.claims, saved.objects.citations, saved.objects.article
    )


def restore_revision(article: Article, revision, *, user) -> Article:
    """
    Bring back the article's text, claims and citations as in ``revision``.
    Its ratings come back only where ``user`` may rate (``kept_ratings`` says
    which stay as they are).
    """
    if reasons := workflow.check_edit_article(article, user=user):
        raise refuse(user, f"restore article {article.pk}", reasons)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        try:
            saved = revisions.saved_article(revision, article.pk)
        except LookupError:
            raise invalid(
                ["That revision is not a revision of this article."], "wrong_article"
            ) from None
        objects = saved.objects
        if reasons := missing_references(
            objects.claims, objects.citations, objects.article
        ):
            raise invalid(reasons, "missing_references")
        current = {c.pk: c for c in article.claims.all()}
        rerated, _kept = _split_ratings(saved, current, user)
        with reversion.create_revision():
            _write_restore(article, saved, current, rerated, user=user)
            article = Article.objects.get(pk=article.pk)
            # The restored claims' offsets refer to the restored body.
            editing.process_edit(article)
            reversion.add_to_revision(article)
            reversion.set_user(user)
            when = timezone.localtime(revision.date_created)
            reversion.set_comment(
                f"Restored the revision of {when:%Y-%m-%d %H:%M} (#{revision.pk})"
            )
        audit.record(
            Action.RESTORE,
            user=user,
            article=article,
            detail=f"the revision of {when:%Y-%m-%d %H:%M} (#{revision.pk})",
        )
    logger.info(
        "Article %s restored to revision %s by %s", article.pk, revision.pk, user
    )
    return article


def _write_restore(article: Article, saved, current: dict, rerated, *, user) -> None:
    objects = saved.objects
    checks = {
        c.pk: c
        for c in Citation.objects.filter(claim__article=article).only(
            "pk", "source_id", "source_alert", "checked_capture_id"
        )
    }
    kept_claims = {c.pk for c in objects.claims}
    article.claims.exclude(pk__in=kept_claims).delete()
    Citation.objects.filter(claim__article=article).exclude(
        pk__in={c.pk for c in objects.citations}
    ).delete()
    restored = objects.article
    for name in (*WORKFLOW_FIELDS, *workflow.fixed_fields(article)):
        setattr(restored, name, getattr(article, name))
    restored.lock_version += 1
    restored.save()
    restored.authors.set(_existing_users(objects.authors))
    when = timezone.localtime(saved.revision.date_created)
    for claim in objects.claims:
        now = current.get(claim.pk)
        # Who the claim is assigned to is the desk's, not the text's.
        claim.assignee_id = now.assignee_id if now is not None else None
        if now is not None and claim.quote != now.quote:
            claim.tagged_by = user  # re-quoting a claim is tagging it
        if claim.pk in rerated:
            # A rating brought back is a rating by whoever brings it back,
            # to be checked again (or re-confirmed) before it is published.
            claim.checked_by, claim.checked_at = user, timezone.now()
            claim.checked_fingerprint = ""
            claim.checked_snapshot = staleness.restored_snapshot(
                claim, when=when, user=user
            )
            claim.separation_overridden = False
        elif now is not None:
            for name in CHECK_FIELDS:
                setattr(claim, name, getattr(now, name))
        elif claim.is_rated:
            # Deleted since, and its rating is not this user's to restore.
            for name in CHECK_FIELDS:
                setattr(claim, name, Claim._meta.get_field(name).get_default())
        claim.save()
    keep_source_checks(objects.citations, checks)
    for citation in objects.citations:
        citation.save()


def keep_source_checks(citations: list[Citation], current: dict) -> None:
    """
    What the sources' checks found is not the text's to restore: each
    citation keeps the alert and the checked capture it has now (an old
    revision would bring back an alert already answered, or lose a new one);
    one that comes back takes the alert its source stands under now.
    """
    from sources.workflow import standing_alert

    for citation in citations:
        now = current.get(citation.pk)
        if now is not None and now.source_id == citation.source_id:
            citation.source_alert = now.source_alert
            citation.checked_capture_id = now.checked_capture_id
        else:
            citation.source_alert = standing_alert(citation.source_id)
            citation.checked_capture_id = None


def _existing_users(ids) -> list[int]:
    User = get_user_model()
    return list(User.objects.filter(pk__in=set(ids)).values_list("pk", flat=True))


def missing_references(
    claims: list[Claim], citations: list[Citation], article: Article | None = None
) -> list[str]:
    """Claimants, sources and images the revision names that were deleted since."""
    missing = []
    claimants = {c.claimant_id for c in claims} - {None}
    found = set(Entity.objects.filter(pk__in=claimants).values_list("pk", flat=True))
    missing += [f"entity #{pk}" for pk in sorted(claimants - found)]
    sources = {c.source_id for c in citations}
    found = set(Source.objects.filter(pk__in=sources).values_list("pk", flat=True))
    missing += [f"source #{pk}" for pk in sorted(sources - found)]
    images = {c.media_image_id for c in claims}
    if article is not None:
        images.add(article.lead_image_id)
    images -= {None}
    if images:
        found = set(Image.objects.filter(pk__in=images).values_list("pk", flat=True))
        missing += [f"image #{pk}" for pk in sorted(images - found)]
    if not missing:
        return []
    return [
        "Its claims name records that were deleted since ("
        + ", ".join(missing)
        + "): recover them from their own admin pages first (an image: upload "
        "it again and choose it anew)."
    ]


# Recovering a deleted article ----------------------------------------------------

UNDO_DELETE = ("articles.delete_article", "articles.add_article")


def check_recover_rights(*, user) -> list[str]:
    """Whether ``user`` may recover deleted articles at all; why not."""
    if not all(workflow.may(user, p) for p in UNDO_DELETE):
        return ["Only publishers may recover deleted articles."]
    return []


def _recover_problems(version: Version, user) -> list[tuple[str, str]]:
    """What stops the recovery of ``version``'s article: (code, reason) pairs."""
    if version.content_type.model_class() is not Article:
        return [("not_article", "That revision is not a revision of an article.")]
    pk = int(version.object_id)
    if Article.objects.filter(pk=pk).exists():
        return [
            (
                "not_deleted",
                "That article was not deleted: restore one of its revisions from "
                "its history instead.",
            )
        ]
    saved = revisions.saved_article(version.revision, pk)
    slug = saved.fields.get("slug")
    problems = []
    if Article.objects.filter(slug=slug).exists():
        problems.append(
            (
                "slug_taken",
                f"Another article now has the address “{slug}”: change that "
                "article's slug first.",
            )
        )
    if any(c.is_rated for c in saved.objects.claims) and not workflow.may(
        user, workflow.RATE_PERMISSION
    ):
        problems.append(
            (
                "rights",
                "Its claims come back with their ratings: only fact-checkers may "
                "rate claims.",
            )
        )
    objects = saved.objects
    problems += [
        ("missing_references", r)
        for r in missing_references(objects.claims, objects.citations, objects.article)
    ]
    return problems


def check_recover(version: Version, *, user) -> list[str]:
    """Whether ``user`` may bring the deleted article of ``version`` back."""
    if reasons := check_recover_rights(user=user):
        return reasons
    return [reason for _code, reason in _recover_problems(version, user)]


def recover_article(version: Version, *, user) -> Article:
    """Bring back a deleted article from ``version`` (its last revision) as a draft."""
    if reasons := check_recover_rights(user=user):
        raise refuse(user, f"recover deleted article {version.object_id}", reasons)
    with transaction.atomic():
        if problems := _recover_problems(version, user):
            rights = [reason for code, reason in problems if code == "rights"]
            if rights:
                raise refuse(user, f"recover article {version.object_id}", rights)
            code, reason = problems[0]
            raise invalid([reason for _c, reason in problems], code)
        pk = int(version.object_id)
        saved = revisions.saved_article(version.revision, pk)
        with reversion.create_revision():
            article = _write_recovery(saved, pk)
            editing.process_edit(article)
            reversion.add_to_revision(article)
            reversion.set_user(user)
            when = timezone.localtime(version.revision.date_created)
            reversion.set_comment(
                f"Recovered the deleted article as a draft, from its revision of "
                f"{when:%Y-%m-%d %H:%M} (#{version.revision.pk})"
            )
            audit.record(Action.RECOVER, user=user, article=article)
    logger.info(
        "Deleted article %s recovered from revision %s by %s",
        pk,
        version.revision.pk,
        user,
    )
    return article


def _write_recovery(saved: revisions.SavedArticle, pk: int) -> Article:
    objects = saved.objects
    article = objects.article
    claims = objects.claims
    users = set(
        _existing_users(
            {c.tagged_by_id for c in claims}
            | {c.checked_by_id for c in claims}
            | set(objects.authors)
        )
    )
    # The published versions went with the article: it comes back as a draft
    # that readers cannot see until it is published again.
    created_at = article.created_at
    claim_created = {c.pk: c.created_at for c in claims}
    article.status = Article.Status.DRAFT
    article.live_version = None
    article.first_published_at = article.last_published_at = None
    article.publish_at = article.scheduled_by = None
    article.withdrawn_note = ""
    # Back as a draft: any sign-off it had is gone with its versions.
    article.signed_off_by = article.signed_off_at = None
    article.review_reason = ""
    article.lock_version += 1
    article.save(force_insert=True)
    article.authors.set(a for a in objects.authors if a in users)
    for claim in claims:
        # Whoever tagged or checked it may have left since.
        if claim.tagged_by_id not in users:
            claim.tagged_by_id = None
        if claim.checked_by_id not in users:
            claim.checked_by_id = None
        claim.save(force_insert=True)
    keep_source_checks(objects.citations, {})
    for citation in objects.citations:
        citation.save(force_insert=True)
    for correction in revisions.last_saved_corrections(pk):
        correction.save(force_insert=True)
    # An insert stamps "created" now; keep when they were first made.
    Article.objects.filter(pk=pk).update(created_at=created_at)
    for claim in claims:
        Claim.objects.filter(pk=claim.pk).update(created_at=claim_created[claim.pk])
    return Article.objects.get(pk=pk)
