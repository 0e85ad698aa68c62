"""
The editorial workflow: the rules layer every door calls.

Every state change of an article (submit, tag, edit a claim, rate,
schedule, publish, unpublish, correct) is one function here, and each has a
``check_<verb>(obj, *, user) -> list[str]`` twin that says, without doing
anything, whether the user may do it now and, if not, why, in an editor's
words. The function calls its check first: PermissionDenied for a right the
user lacks, ValidationError (one message per problem, each with a code) for
the state of the article. The admin shows the buttons and fields the checks
allow, the commands and the scheduler call the same functions, so a door
never decides a right on its own. Restoring and recovering revisions are in
``articles.restoring``; the gate is ``articles.gate``; what a rating covers
is ``articles.staleness``.
"""

import logging
from datetime import UTC

import reversion
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from reversion.models import Version

from desk import audit
from desk.models import Action
from entities.models import Source
from media import usage as media_usage
from media.claim_media import MediaAuthenticity

from . import anchoring, caching, gate, pages, search, snapshots, staleness
from .models import (
    NOTE_MAX_LENGTH,
    RENDERED_PAGE,
    Article,
    Citation,
    Claim,
    Correction,
    Draft,
    PublishedVersion,
    Rating,
)

logger = logging.getLogger(__name__)

RATE_PERMISSION = "articles.rate_claim"
PUBLISH_PERMISSION = "articles.publish_article"
# Fields of the article that belong to the workflow, not to its content: an
# editor's save and a restore of an old revision keep their current values.
WORKFLOW_FIELDS = (
    "status",
    "live_version_id",
    "first_published_at",
    "last_published_at",
    "withdrawn_note",
    "lock_version",
    "publish_at",
    "scheduled_by_id",
    # The desk's (desk/workflow.py): who is on it, by when, its sign-off.
    "editor_id",
    "reporter_id",
    "checker_id",
    "due_at",
    "priority",
    "signed_off_by_id",
    "signed_off_at",
    "review_reason",
    # A fact-checker's record that the text has no checkable claims.
    "no_claims_by_id",
    "no_claims_at",
    "no_claims_text",
)
# Claim fields written only by rate_claim (and a restore, as a rating).
CHECK_FIELDS = (
    "rating",
    "rating_explanation",
    "media_authenticity",
    "checked_by_id",
    "checked_at",
    "checked_fingerprint",
    "checked_snapshot",
    "separation_overridden",
)

ONLY_PUBLISHERS_PUBLISH = "Only publishers may publish articles."
ONLY_PUBLISHERS_SCHEDULE = "Only publishers schedule publication."
ONLY_CHECKERS_RATE = "Only fact-checkers may rate claims."
OWN_CLAIM = "You tagged this claim, so another fact-checker must rate it."


def refuse(user, action: str, reasons: list[str]) -> PermissionDenied:
    """Log a refused state change at WARNING; return the error to raise."""
    logger.warning("Permission denied: %s may not %s", user, action)
    return PermissionDenied(" ".join(reasons))


def invalid(reasons: list[str], code: str) -> ValidationError:
    """The ValidationError of ``reasons`` (one message each, with ``code``)."""
    if len(reasons) == 1:
        return ValidationError(reasons[0], code=code)
    return ValidationError([ValidationError(r, code=code) for r in reasons])


def check_note(note: str) -> None:
    """Refuse a publish or withdrawal note longer than the notes may be."""
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            f"The note is {len(note):,} characters long; the limit is "
            f"{NOTE_MAX_LENGTH:,}. Shorten it and try again.",
            code="note_too_long",
        )


def may(user, permission: str) -> bool:
    """Whether ``user`` is active and holds ``permission``."""
    return user is not None and user.is_active and user.has_perm(permission)


# Editing the article -----------------------------------------------------------


def check_edit_article(article: Article, *, user) -> list[str]:
    """Whether ``user`` may change the article's content; why not."""
    if not may(user, "articles.change_article"):
        return ["You may not change articles."]
    return []


def fixed_fields(article: Article) -> dict[str, str]:
    """The content fields no save may change any more, each with the reason."""
    if article.pk is not None and article.first_published_at:
        return {
            "slug": "Readers and search engines know its address: it is fixed "
            "once the article is published."
        }
    return {}


def save_article(article: Article, *, user, current: Article | None) -> Article:
    """
    Save an editor's change to the content of ``article`` (``current``: its
    row, locked, as it is in the database). The workflow fields stay the
    database's: they change only through the functions below.
    """
    if current is None:
        if not may(user, "articles.add_article"):
            raise refuse(user, "add articles", ["You may not add articles."])
        article.status = Article.Status.DRAFT
        article.publish_at = article.scheduled_by = None
        article.save()
        return article
    if reasons := check_edit_article(current, user=user):
        raise refuse(user, f"change article {article.pk}", reasons)
    moved = [
        why
        for name, why in fixed_fields(current).items()
        if getattr(article, name) != getattr(current, name)
    ]
    if moved:
        raise invalid(moved, "fixed_field")
    for name in WORKFLOW_FIELDS:
        setattr(article, name, getattr(current, name))
    article.lock_version = current.lock_version + 1
    article.save()
    # Saved: the editor's autosaved draft (articles.drafts) has served.
    Draft.objects.filter(article=article, user=user).delete()
    return article


# Submitting ---------------------------------------------------------------------


def check_submit(article: Article, *, user) -> list[str]:
    """Whether ``user`` may send ``article`` to the fact-checkers now; why not."""
    if reasons := check_edit_article(article, user=user):
        return reasons
    if article.status not in (Article.Status.DRAFT, Article.Status.WITHDRAWN):
        return [
            "Only a draft can be submitted for review; this article is "
            f"{article.get_status_display().lower()}."
        ]
    return []


def submit_for_review(article: Article, *, user) -> Article:
    """Send a draft to the fact-checkers."""
    if reasons := check_edit_article(article, user=user):
        raise refuse(user, f"submit article {article.pk} for review", reasons)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if reasons := check_submit(article, user=user):
            raise invalid(reasons, "not_draft")
        with reversion.create_revision():
            article.status = Article.Status.IN_REVIEW
            article.save()
            reversion.set_user(user)
            reversion.set_comment("Submitted for review")
        audit.record(Action.SUBMIT, user=user, article=article)
    logger.info("Article %s submitted for review by %s", article.pk, user)
    return article


# Tagging and editing claims -------------------------------------------------------


def check_tag(article: Article, *, user) -> list[str]:
    """Whether ``user`` may tag claims on ``article``; why not."""
    if not (may(user, "articles.add_claim") and may(user, "articles.change_article")):
        return ["You may not tag claims."]
    return []


def tag_claim(article: Article, *, user, start: int, end: int, **fields) -> Claim:
    """Tag ``article.body[start:end]`` as a claim."""
    if reasons := check_tag(article, user=user):
        raise refuse(user, f"tag claims on article {article.pk}", reasons)
    try:
        selector = anchoring.select(article.body, start, end)
    except ValueError as exc:
        raise ValidationError(str(exc), code="bad_offsets") from exc
    if not selector.quote.strip():
        raise ValidationError("Select some text to tag.", code="empty_quote")
    claim = Claim(
        article=article,
        quote=selector.quote,
        prefix=selector.prefix,
        suffix=selector.suffix,
        start=selector.start,
        end=selector.end,
        tagged_by=user,
        **fields,
    )
    claim.full_clean()
    with transaction.atomic(), reversion.create_revision():
        claim.save()
        reversion.add_to_revision(article)
        reversion.set_user(user)
        reversion.set_comment(f"Tagged claim {claim}")
        audit.record(Action.TAG, user=user, claim=claim, detail=str(claim))
    logger.info("Claim %s tagged on article %s by %s", claim.pk, article.pk, user)
    return claim


def check_edit_claim(claim: Claim, *, user) -> list[str]:
    """Whether ``user`` may change (or, unsaved, add) ``claim``; why not."""
    permission = "articles.add_claim" if claim.pk is None else "articles.change_claim"
    if not may(user, permission):
        return ["You may not change claims."]
    return []


def save_claim(claim: Claim, *, user) -> Claim:
    """
    Save an editor's change to a claim's quote, claimant, kind or statement.

    Re-quoting a claim is tagging it: whoever sets its words is its tagger,
    for the separation of duties. The rating and its check are the
    database's: they change only through ``rate_claim``. A change to what
    the rating covers makes it stale by itself (``articles.staleness``).
    """
    if reasons := check_edit_claim(claim, user=user):
        raise refuse(user, f"change claim {claim.pk}", reasons)
    if claim.pk is None:
        claim.tagged_by = user
        for name in CHECK_FIELDS:
            setattr(claim, name, Claim._meta.get_field(name).get_default())
        claim.save()
        return claim
    stored = Claim.objects.select_for_update().get(pk=claim.pk)
    for name in CHECK_FIELDS:
        setattr(claim, name, getattr(stored, name))
    if claim.quote != stored.quote:
        claim.tagged_by = user
    claim.save()
    return claim


def check_delete_claim(claim: Claim, *, user) -> list[str]:
    """Whether ``user`` may delete ``claim``; why not."""
    if not may(user, "articles.delete_claim"):
        return ["You may not delete claims."]
    return []


def delete_claim(claim: Claim, *, user) -> None:
    """Delete ``claim`` (with its citations), in the audit log with its rating."""
    if reasons := check_delete_claim(claim, user=user):
        raise refuse(user, f"delete claim {claim.pk}", reasons)
    with transaction.atomic():
        claim = (
            Claim.objects.select_for_update(of=("self",))
            .select_related("article")
            .get(pk=claim.pk)
        )
        pk, detail = claim.pk, str(claim)
        if claim.is_rated:
            detail += f" (rated {claim.get_rating_display().lower()})"
        # Logged first: the event names the claim until the delete empties it.
        audit.record(
            Action.DELETE_CLAIM, user=user, article=claim.article, detail=detail
        )
        claim.delete()
    logger.info("Claim %s of article %s deleted by %s", pk, claim.article_id, user)


# Rating ---------------------------------------------------------------------------


def separation_applies(tagger, checker) -> bool:
    """
    Whether the separation of duties stands between the person who tagged a
    claim and the one who would check it (users, ids or usernames alike).
    """
    return bool(
        settings.NEWSROOM_SEPARATE_TAGGING_AND_RATING
        and tagger is not None
        and tagger == checker
    )


def _separation_applies(claim: Claim, user, *, requoted: bool = False) -> bool:
    return separation_applies(user.pk if requoted else claim.tagged_by_id, user.pk)


def check_rate(claim: Claim, *, user, requoted: bool = False) -> list[str]:
    """
    Whether ``user`` may rate ``claim``; why not. ``requoted``: the same save
    sets the claim's words, which makes ``user`` its tagger.
    """
    if not may(user, RATE_PERMISSION):
        return [ONLY_CHECKERS_RATE]
    if _separation_applies(claim, user, requoted=requoted) and not user.is_superuser:
        return [OWN_CLAIM]
    return []


def can_rate(claim: Claim, user) -> bool:
    return not check_rate(claim, user=user)


def rate_claim(
    claim: Claim,
    *,
    user,
    rating: str,
    explanation: str | None = None,
    media_authenticity: str | None = None,
) -> Claim:
    """
    Record a fact-checker's rating of ``claim`` (for a claim about media,
    ``media_authenticity`` too: what the media is, as it was shared).
    """
    if not may(user, RATE_PERMISSION):
        raise refuse(user, f"rate claim {claim.pk}", [ONLY_CHECKERS_RATE])
    if rating not in Rating.values:
        raise ValidationError(f"{rating!r} is not a rating.", code="bad_rating")
    if media_authenticity and media_authenticity not in MediaAuthenticity.values:
        raise ValidationError(
            f"{media_authenticity!r} is not a media authenticity category.",
            code="bad_media_authenticity",
        )
    with transaction.atomic(), reversion.create_revision():
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        if reasons := check_rate(claim, user=user):
            raise refuse(user, f"rate claim {claim.pk}, which they tagged", reasons)
        overridden = _separation_applies(claim, user)
        claim.rating = rating
        if explanation is not None:
            claim.rating_explanation = explanation
        if media_authenticity is not None:
            claim.media_authenticity = media_authenticity
        record_check(claim, user=user)
        claim.separation_overridden = overridden
        if claim.anchor == Claim.Anchor.CHANGED:
            claim.anchor = Claim.Anchor.ANCHORED
        claim.full_clean()
        claim.save()
        reversion.add_to_revision(claim.article)
        reversion.set_user(user)
        comment = f"Rated claim {claim} {claim.get_rating_display().lower()}"
        if overridden:
            comment += " (superuser override of the separation of duties)"
        reversion.set_comment(comment)
        audit.record(Action.RATE, user=user, claim=claim, detail=comment)
    logger.info(
        "Claim %s rated %s by %s%s",
        claim.pk,
        rating,
        user,
        " (separation overridden)" if overridden else "",
    )
    return claim


def record_check(claim: Claim, *, user, when=None) -> None:
    """
    Stamp ``claim`` as checked by ``user`` now, as it is (the claim unsaved);
    its citations record the captures of their sources the check rests on.
    """
    citations = list(claim.citations.select_related("source"))
    claim.checked_by = user
    claim.checked_at = when or timezone.now()
    claim.checked_fingerprint = staleness.claim_fingerprint(claim, citations)
    claim.checked_snapshot = staleness.check_snapshot(claim, citations)
    rest_on_newest_captures(citations)


def rest_on_newest_captures(citations: list[Citation]) -> None:
    """
    Record on each citation the newest capture of its source: what the
    rating was checked against, from which the source's checks measure drift.
    """
    from django.db.models import OuterRef, Subquery

    from sources.models import Capture

    if not citations:
        return
    newest = dict(
        Source.objects.filter(pk__in={c.source_id for c in citations})
        .annotate(
            newest=Subquery(
                Capture.objects.filter(source=OuterRef("pk"))
                .order_by("-captured_at", "-pk")
                .values("pk")[:1]
            )
        )
        .values_list("pk", "newest")
    )
    moved: dict = {}
    for citation in citations:
        capture_id = newest.get(citation.source_id)
        if citation.checked_capture_id != capture_id:
            citation.checked_capture_id = capture_id
            moved.setdefault(capture_id, []).append(citation.pk)
    for capture_id, pks in moved.items():
        # A derived column, like the source's alert: no revision of its own.
        Citation.objects.filter(pk__in=pks).update(checked_capture_id=capture_id)


def check_reconfirm(claim: Claim, *, user) -> list[str]:
    """
    Whether ``user`` may confirm the stale rating of ``claim`` as it is (after
    an edit that did not change what the rating says); why not.
    """
    if reasons := check_rate(claim, user=user):
        return reasons
    if not claim.is_rated:
        return ["It is not rated yet: rate it."]
    if not staleness.stale_reasons(claim) and claim.anchor != Claim.Anchor.CHANGED:
        return ["Its rating holds: nothing it covers changed since the check."]
    return []


def reconfirm(claim: Claim, *, user) -> Claim:
    """
    Confirm a stale rating without changing it: the check is recorded (who,
    when, what it now covers); readers see no rating change.
    """
    if not may(user, RATE_PERMISSION):
        raise refuse(user, f"re-confirm claim {claim.pk}", [ONLY_CHECKERS_RATE])
    with transaction.atomic(), reversion.create_revision():
        claim = (
            Claim.objects.select_for_update(of=("self",))
            .select_related("article")
            .get(pk=claim.pk)
        )
        if reasons := check_rate(claim, user=user):
            raise refuse(user, f"re-confirm claim {claim.pk}", reasons)
        if reasons := check_reconfirm(claim, user=user):
            raise invalid(reasons, "not_stale")
        changed = "; ".join(staleness.stale_reasons(claim)) or "its words changed"
        record_check(claim, user=user)
        claim.separation_overridden = _separation_applies(claim, user)
        if claim.anchor == Claim.Anchor.CHANGED:
            claim.anchor = Claim.Anchor.ANCHORED
        claim.save()
        reversion.add_to_revision(claim.article)
        reversion.set_user(user)
        comment = (
            f"Re-confirmed claim {claim}: still {claim.get_rating_display().lower()} "
            f"after {changed}"
        )
        reversion.set_comment(comment[:1000])
        audit.record(Action.RECONFIRM, user=user, claim=claim, detail=comment)
    logger.info("Claim %s re-confirmed by %s", claim.pk, user)
    return claim


def check_record_no_claims(article: Article, *, user, claims=None) -> list[str]:
    """
    Whether ``user`` may record that ``article``'s text has no checkable
    claims (the gate's rule for an article without claims); why not.
    ``claims``: the article's claims, when the caller has them.
    """
    if not may(user, RATE_PERMISSION):
        return [
            "Only fact-checkers may record that an article has no checkable claims."
        ]
    if claims if claims is not None else article.claims.exists():
        return [
            "It has tagged claims: the gate checks those. Delete them first if "
            "none of them is checkable."
        ]
    if gate.no_claims_recorded(article):
        return ["It is already recorded that this text has no checkable claims."]
    return []


def record_no_claims(article: Article, *, user) -> Article:
    """Record that a fact-checker read ``article`` and found no checkable claims."""
    if not may(user, RATE_PERMISSION):
        raise refuse(
            user,
            f"record that article {article.pk} has no claims",
            check_record_no_claims(article, user=user),
        )
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if reasons := check_record_no_claims(article, user=user):
            raise invalid(reasons, "has_claims")
        with reversion.create_revision():
            article.no_claims_by, article.no_claims_at = user, timezone.now()
            article.no_claims_text = gate.text_fingerprint(article)
            article.save(
                update_fields=[
                    "no_claims_by",
                    "no_claims_at",
                    "no_claims_text",
                    "updated_at",
                ]
            )
            reversion.add_to_revision(article)
            reversion.set_user(user)
            reversion.set_comment("Recorded that the text has no checkable claims")
        audit.record(Action.NO_CLAIMS, user=user, article=article)
    logger.info("Article %s recorded as having no claims by %s", article.pk, user)
    return article


# Scheduling ---------------------------------------------------------------------


def check_schedule(article: Article, *, user) -> list[str]:
    """Whether ``user`` may set or change when ``article`` publishes itself."""
    if not may(user, PUBLISH_PERMISSION):
        return [ONLY_PUBLISHERS_SCHEDULE]
    return []


def schedule_time_problems(publish_at) -> list[str]:
    """What is wrong with ``publish_at`` as a time to publish at, if anything."""
    try:
        publish_at.astimezone(UTC)  # what the database stores
    except (OverflowError, ValueError):
        return [
            f"{publish_at:%Y-%m-%d %H:%M} is outside the times the newsroom can "
            "store: give a date between the years 2 and 9998."
        ]
    return []


def schedule(article: Article, *, user, publish_at) -> Article:
    """
    Publish ``article`` by itself at ``publish_at`` (None: cancel), as
    ``user``: ``publish_scheduled`` publishes it then for them, if they may
    still publish and it passes the gate.
    """
    if reasons := check_schedule(article, user=user):
        raise refuse(user, f"schedule article {article.pk}", reasons)
    if publish_at is not None and (reasons := schedule_time_problems(publish_at)):
        raise invalid(reasons, "bad_time")
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        with reversion.create_revision():
            article.publish_at = publish_at
            article.scheduled_by = user if publish_at else None
            article.save(update_fields=["publish_at", "scheduled_by", "updated_at"])
            reversion.add_to_revision(article)
            reversion.set_user(user)
            when = timezone.localtime(publish_at) if publish_at else None
            reversion.set_comment(
                f"Scheduled to publish at {when:%Y-%m-%d %H:%M}"
                if when
                else "Cancelled the scheduled publication"
            )
        audit.record(
            Action.SCHEDULE,
            user=user,
            article=article,
            detail=f"for {when:%Y-%m-%d %H:%M}" if when else "cancelled",
        )
    logger.info(
        "Article %s scheduled for %s by %s",
        article.pk,
        publish_at.isoformat() if publish_at else "nothing",
        user,
    )
    return article


def check_scheduled_publish(article: Article) -> list[str]:
    """Why the scheduler would not publish ``article`` for whoever scheduled it."""
    scheduler = article.scheduled_by
    if scheduler is None:
        return [
            "Nobody who may publish scheduled it (the schedule was not set by a "
            "publisher): a publisher must schedule it again."
        ]
    if not may(scheduler, PUBLISH_PERMISSION):
        name = scheduler.get_full_name() or scheduler.get_username()
        return [
            f"{name}, who scheduled it, may no longer publish: a publisher must "
            "schedule it again."
        ]
    return []


# Publishing --------------------------------------------------------------------


def check_publish(
    article: Article, *, user, note: str = "", blockers=None
) -> list[str]:
    """
    Whether ``user`` may publish ``article`` now; every reason why not: the
    right to publish, else the gate's blockers (``blockers``: the gate's
    answer, when the caller has it).
    """
    if not may(user, PUBLISH_PERMISSION):
        return [ONLY_PUBLISHERS_PUBLISH]
    if blockers is None:
        blockers = gate.gate_blockers(article)
    reasons = [b.message for b in blockers]
    try:
        check_note(note)
    except ValidationError as exc:
        reasons += exc.messages
    return reasons


def publish(article: Article, *, user, note: str = "") -> PublishedVersion:
    """Publish the working copy of ``article`` as its next version."""
    if not may(user, PUBLISH_PERMISSION):
        raise refuse(user, f"publish article {article.pk}", [ONLY_PUBLISHERS_PUBLISH])
    check_note(note)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        gate.check_gate(article)
        now = timezone.now()
        last = (
            article.published_versions.defer(*RENDERED_PAGE, "body_html", "body_text")
            .order_by("-number")
            .first()
        )
        number = last.number + 1 if last else 1
        fields, entities = snapshots.version_fields(article)
        substantive = last is None or snapshots.reader_view(
            last.__dict__
        ) != snapshots.reader_view(fields)
        version = PublishedVersion(
            article=article,
            number=number,
            published_by=user,
            published_at=now,
            modified_at=now if substantive else last.modified_at,
            note=note,
            revision=_latest_revision(article),
            **fields,
        )
        article.first_published_at = article.first_published_at or now
        pages.store(article, version, entities)
        version.save()
        version.entities.set(entities)
        media_usage.record_version(version)
        media_usage.ask_for_renditions(version.images)
        snapshots.record_published_claims(version)
        snapshots.record_published_corrections(version, last)
        search.index_version(version)
        with reversion.create_revision():
            article.live_version = version
            article.status = Article.Status.PUBLISHED
            article.last_published_at = now
            article.publish_at = article.scheduled_by = None
            article.withdrawn_note = ""
            article.save()
            reversion.set_user(user)
            reversion.set_comment(
                f"Published version {number}" + (f": {note}" if note else "")
            )
        audit.record(
            Action.PUBLISH,
            user=user,
            article=article,
            detail=f"version {number}" + (f": {note}" if note else ""),
        )
        caching.bump_generation()
    logger.info("Article %s published as version %s by %s", article.pk, number, user)
    return version


def _latest_revision(article: Article):
    version = Version.objects.get_for_object(article).select_related("revision").first()
    return version.revision if version else None


def check_unpublish(article: Article, *, user, note: str | None = None) -> list[str]:
    """
    Whether ``user`` may withdraw ``article`` now; why not. ``note``: the
    reason readers will read (None: not written yet).
    """
    if not may(user, PUBLISH_PERMISSION):
        return ["Only publishers may unpublish articles."]
    if article.live_version_id is None:
        return ["This article is not published."]
    if note is not None and not note.strip():
        return [
            "Say why in the note: readers see it where the article was, and it "
            "is kept with the article's history."
        ]
    return []


def unpublish(article: Article, *, user, note: str) -> Article:
    """Withdraw ``article``: its public URL answers 410 Gone, with ``note``."""
    if not may(user, PUBLISH_PERMISSION):
        raise refuse(
            user,
            f"unpublish article {article.pk}",
            ["Only publishers may unpublish articles."],
        )
    note = note.strip()
    check_note(note)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if reasons := check_unpublish(article, user=user, note=note):
            live = article.live_version_id is not None
            raise invalid(reasons, "note_required" if live else "not_live")
        with reversion.create_revision():
            article.live_version = None
            article.status = Article.Status.WITHDRAWN
            article.withdrawn_note = note
            # A withdrawal cancels the schedule: only a publisher who
            # schedules it again brings the article back.
            article.publish_at = article.scheduled_by = None
            article.save()
            reversion.set_user(user)
            reversion.set_comment(f"Unpublished: {note}")
        audit.record(Action.UNPUBLISH, user=user, article=article, detail=note)
        caching.bump_generation()
    logger.info("Article %s unpublished by %s", article.pk, user)
    return article


# Corrections ----------------------------------------------------------------------


def check_add_correction(article: Article, *, user) -> list[str]:
    """Whether ``user`` may add a correction to ``article``; why not."""
    if not may(user, "articles.add_correction"):
        return ["Only publishers may add corrections."]
    return []


def add_correction(article: Article, *, user, kind: str, text: str) -> Correction:
    """Add a correction, clarification or update to ``article``."""
    if reasons := check_add_correction(article, user=user):
        raise refuse(user, f"add a correction to article {article.pk}", reasons)
    correction = Correction(article=article, kind=kind, text=text)
    correction.full_clean()
    with transaction.atomic(), reversion.create_revision():
        correction.save()
        reversion.add_to_revision(article)
        reversion.set_user(user)
        reversion.set_comment(f"Added {correction.get_kind_display().lower()}")
        audit.record(Action.CORRECT, user=user, article=article, detail=text)
    logger.info(
        "Correction %s added to article %s by %s", correction.pk, article.pk, user
    )
    return correction
