"""
The rules of keeping sources: capturing them (fetched, uploaded or from a
file), checking them for rot and drift, and what a gone or changed source
does to the ratings that rest on it. Each state change has its
``check_<verb>`` twin; the admin, the commands and the worker call these.
"""

import logging
import mimetypes
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.tasks import TaskResultStatus
from django.utils import timezone

from articles.caching import bump_generation
from articles.models import Citation
from articles.workflow import invalid, may, refuse
from entities.models import Source

from . import archiving
from .fetching import Fetched, Fetcher
from .models import Attempt, Capture, SourceState, Watch

logger = logging.getLogger(__name__)

CHANGE_SOURCE = "entities.change_source"
UPLOAD_CAPTURE = "sources.upload_capture"
GONE_STATUSES = {404, 410}
# The site is there but will not show the page to our fetcher (a login, a
# bot wall, a rate limit): recorded, never counted towards "gone".
BLOCKED_STATUSES = {401, 403, 407, 429}


# Capturing ---------------------------------------------------------------------


def check_capture(source: Source, *, user) -> list[str]:
    """Whether ``user`` may have ``source`` captured again now; why not."""
    if not may(user, CHANGE_SOURCE):
        return ["You may not change sources."]
    if not source.url:
        return ["The source has no address to fetch: upload a file as its capture."]
    return []


def request_capture(source: Source, *, user) -> None:
    """Have the worker capture ``source`` once this transaction commits."""
    if reasons := check_capture(source, user=user):
        raise refuse(user, f"capture source {source.pk}", reasons)
    enqueue_capture(source.pk, by=user.pk)
    logger.info("Capture of source %s asked by %s", source.pk, user)


def enqueue_capture(source_id: int, *, attempt: int = 1, delay=0, by=None) -> None:
    """Enqueue the capture task after the commit (a retry after ``delay`` s)."""

    def send():
        from .tasks import capture_source

        task = capture_source
        if delay:
            task = task.using(run_after=timezone.now() + timedelta(seconds=delay))
        task.enqueue(source_id, attempt, by)

    transaction.on_commit(send, robust=True)


def retry_delay(attempt: int) -> float:
    """Seconds before attempt ``attempt + 1``: the setting, doubling each time."""
    return settings.NEWSROOM_FETCH_RETRY_SECONDS * 2 ** (attempt - 1)


def capture(source: Source, *, fetcher: Fetcher | None = None, user=None) -> Fetched:
    """Fetch ``source`` now and keep a capture when the web answered."""
    own = fetcher is None
    fetcher = fetcher or Fetcher()
    try:
        fetched = fetcher.fetch(source.url)
    finally:
        if own:
            fetcher.close()
    if fetched.ok and fetched.status >= 400:
        # An error page is not the source: no capture of it.
        fetched.outcome = "failed"
        fetched.reason = f"the site answered {fetched.status}"
    if fetched.ok:
        fetched.capture = store_fetched(source, fetched, user=user)
    return fetched


def capture_attempt(source_id: int, attempt: int, by=None) -> str:
    """The worker's capture: fetch, keep, or record the failure and retry later."""
    source = Source.objects.filter(pk=source_id).first()
    if source is None or not source.url:
        return "nothing to capture"
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=by).first() if by else None
    made_from_file = source.captures.filter(
        requested_url=source.url, origin=Capture.Origin.FILE
    )
    if by is None and made_from_file.exists():
        return "captured already"  # from a file in the repository (the demo)
    fetched = capture(source, user=user)
    if fetched.ok:
        record_attempt(source, fetched, Attempt.Outcome.CAPTURED, attempt)
        from . import wayback

        with transaction.atomic():
            wayback.enqueue_submit(source.pk)  # when configured
        return "captured"
    if fetched.outcome == "refused":
        # An address we will not go to stays refused: no retry.
        record_attempt(source, fetched, Attempt.Outcome.REFUSED, attempt)
        return "refused"
    if attempt < settings.NEWSROOM_FETCH_ATTEMPTS:
        record_attempt(source, fetched, Attempt.Outcome.RETRYING, attempt)
        with transaction.atomic():
            enqueue_capture(source.pk, attempt=attempt + 1, delay=retry_delay(attempt))
        return "retrying"
    record_attempt(source, fetched, Attempt.Outcome.FAILED, attempt)
    logger.error("Capture of source %s failed for good: %s", source.pk, fetched.reason)
    return "failed"


def record_attempt(source, fetched: Fetched, outcome, attempt=1) -> Attempt:
    reason = fetched.reason
    if not reason and fetched.status and fetched.status >= 400:
        reason = f"the site answered {fetched.status}"
    return Attempt.objects.create(
        source=source,
        url=fetched.url[:2000],
        outcome=outcome,
        reason=reason[:500],
        attempt=attempt,
        capture=getattr(fetched, "capture", None),
    )


def store_fetched(
    source: Source, fetched: Fetched, *, user=None, extracted=None
) -> Capture:
    """
    Keep what the web answered for ``source`` as a capture (WARC in storage);
    ``extracted``: its title and main text, when the caller has them already.
    """
    title, text = extracted or archiving.extract(fetched.body, fetched.content_type)
    warc = archiving.warc_response(
        url=fetched.final_url,
        status=fetched.status,
        headers=fetched.headers,
        body=fetched.body,
        ip=fetched.address,
    )
    item = Capture(
        source=source,
        origin=Capture.Origin.FETCHED,
        requested_url=fetched.url[:2000],
        final_url=fetched.final_url[:2000],
        status=fetched.status,
        content_type=fetched.content_type,
        captured_at=fetched.fetched_at or timezone.now(),
        size=len(fetched.body),
        truncated=fetched.truncated,
        sha256=archiving.sha256(fetched.body),
        text_sha256=archiving.text_sha256(fetched.body, text),
        title=title,
        redirects=fetched.redirects,
        created_by=user,
    )
    item.warc.save(f"source-{source.pk}.warc.gz", ContentFile(warc), save=False)
    item.save()
    bump_generation()  # the public source page shows its captures
    logger.info("Source %s captured (%s, %s bytes)", source.pk, item.status, item.size)
    return item


def check_upload(source: Source | None, *, user) -> list[str]:
    """
    Whether ``user`` may give ``source`` (any source: None) a file as a
    capture; why not. An uploaded file is evidence readers see once an
    article cites the source, so it is a right of fact-checkers and
    publishers (``sources.upload_capture``), not of everyone who may edit
    the library.
    """
    if not may(user, CHANGE_SOURCE):
        return ["You may not change sources."]
    if not may(user, UPLOAD_CAPTURE):
        return [
            "Only fact-checkers and publishers may upload a file as a source's "
            "capture: readers see it as evidence."
        ]
    return []


def upload(source: Source, *, data: bytes, name: str, content_type="", user) -> Capture:
    """
    Keep a file the newsroom was given (a PDF sent privately) as a capture.

    An uploaded file is never presented as a copy of the source's address:
    it is kept under an address of its own (``urn:newsroom:source:<id>:<file
    name>``, not the source's URL), the public archive shows it labelled as
    a file the newsroom was given, with when it was uploaded, and for a
    source with an address our copy stays the newest capture fetched from
    it (or made from a file in the repository); the uploaded file is a
    separate, labelled item (``?capture=<id>``, listed on the source's page).
    """
    if reasons := check_upload(source, user=user):
        raise refuse(user, f"upload a capture of source {source.pk}", reasons)
    limit = settings.NEWSROOM_FETCH_MAX_BYTES
    if len(data) > limit:
        raise invalid(
            [f"The file is {len(data):,} bytes; captures may be {limit:,} at most."],
            "too_large",
        )
    if not data:
        raise invalid(["The file is empty."], "empty")
    return store_file(
        source,
        data=data,
        name=name,
        content_type=content_type,
        user=user,
        origin=Capture.Origin.UPLOADED,
    )


def store_file(
    source, *, data: bytes, name: str, content_type="", user=None, origin, when=None
) -> Capture:
    """A capture of ``source`` from a file's bytes (no fetch)."""
    name = Path(name).name or "file"
    content_type = (
        content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    )
    # An uploaded file is not what the address served: it is not recorded
    # under the address.
    own = origin == Capture.Origin.UPLOADED or not source.url
    url = f"urn:newsroom:source:{source.pk}:{name}" if own else source.url
    title, text = archiving.extract(data, content_type)
    warc = archiving.warc_resource(url=url, content_type=content_type, body=data)
    item = Capture(
        source=source,
        origin=origin,
        requested_url=url[:2000],
        final_url=url[:2000],
        content_type=content_type[:200],
        captured_at=when or timezone.now(),
        size=len(data),
        sha256=archiving.sha256(data),
        text_sha256=archiving.text_sha256(data, text),
        title=title or name[:300],
        created_by=user,
    )
    with transaction.atomic():
        item.warc.save(f"source-{source.pk}.warc.gz", ContentFile(warc), save=False)
        item.save()
        bump_generation()
    logger.info("Source %s captured from a file (%s bytes)", source.pk, item.size)
    return item


# Rot and drift -----------------------------------------------------------------


def due_sources(now=None, *, limit: int | None = None):
    """
    The sources with an address whose check is due: never checked first, then
    those cited by the most published claims, which are checked most often;
    not those captured from a file at their address (the demo's).
    """
    now = now or timezone.now()
    base = settings.NEWSROOM_SOURCE_CHECK_DAYS
    from_file = Capture.objects.filter(
        source=OuterRef("pk"),
        origin=Capture.Origin.FILE,
        requested_url=OuterRef("url"),
    )
    sources = (
        Source.objects.exclude(url="")
        # Captured from a file in the repository (the demo, offline): the
        # web's page is not that file, and is checked only when asked for.
        .exclude(Exists(from_file))
        .select_related("watch")
        .annotate(
            cited=Count(
                "citations",
                filter=Q(citations__claim__article__live_version__isnull=False),
            )
        )
        .order_by("-cited", "pk")
    )
    due = []
    for source in sources.iterator(chunk_size=500):
        watch = getattr(source, "watch", None)
        if watch is None or watch.checked_at is None:
            due.append(source)
        else:
            days = max(1.0, base / (1 + source.cited)) if source.cited else base * 4
            if watch.checked_at + timedelta(days=days) <= now:
                due.append(source)
        if limit and len(due) >= limit:
            break
    return due


def check_source(source: Source, *, fetcher: Fetcher) -> Watch:
    """
    Fetch ``source`` again and record what it is now: alive and unchanged,
    moved, gone, or changed (its main text differs from the capture a rating
    that cites it was checked against). A gone or changed source makes the
    ratings that cite it stale.
    """
    return record_fetch(source, fetcher.fetch(source.url))


def unreached(fetched: Fetched) -> bool:
    """Whether the fetch reached no server at all (no name, no connection)."""
    return fetched.outcome == "failed" and fetched.status is None


def check_many(sources, *, fetcher: Fetcher) -> list[tuple[Source, Watch, bool]]:
    """
    Check each of ``sources``; (source, watch, counted) for each. A fetch
    that reached no server is held until a source of the run answers: when
    none of several does, it is the newsroom's own network that is down, not
    the web, and those failures count for nothing (recorded, none made gone).
    """
    done, held, answered = [], [], False
    for source in sources:
        try:
            fetched = fetcher.fetch(source.url)
        except Exception as error:  # noqa: BLE001 - one source never stops the run
            done.append(_not_checked(source, error))
            continue
        if not answered and unreached(fetched):
            held.append((source, fetched))
            continue
        answered = True
        for waiting, failed in held:
            done.append(_record_one(waiting, failed))
        held = []
        done.append(_record_one(source, fetched))
    if len(held) == 1:
        # One source, unreached: nothing to tell its failure from ours.
        done.append(_record_one(*held[0]))
        held = []
    for source, fetched in held:
        fetched.reason = (
            f"not counted: no source answered this run, the newsroom's network "
            f"may be down ({fetched.reason})"
        )
        record_attempt(source, fetched, Attempt.Outcome.FAILED)
        watch, _ = Watch.objects.get_or_create(source=source)
        done.append((source, watch, False))
    if held:
        logger.warning("No source answered: %s failures not counted", len(held))
    return done


def _record_one(source: Source, fetched: Fetched) -> tuple[Source, Watch, bool]:
    """Record a fetch; an error recording it is that source's failure alone."""
    try:
        return source, record_fetch(source, fetched), True
    except Exception as error:  # noqa: BLE001 - one source never stops the run
        return _not_checked(source, error)


def _not_checked(source: Source, error: Exception) -> tuple[Source, Watch, bool]:
    """
    Checking ``source`` failed on our side (storage, rendering, a bug): log
    it, record the failure, and move it to the back of the queue, so the
    next run does not stop on it again; its state is left as it was.
    """
    logger.exception("Checking source %s failed on our side", source.pk)
    record_attempt(
        source,
        Fetched(
            url=source.url,
            outcome="failed",
            reason=f"not checked: an error on our side ({type(error).__name__})",
        ),
        Attempt.Outcome.FAILED,
    )
    watch, _ = Watch.objects.get_or_create(source=source)
    watch.checked_at = timezone.now()
    watch.save(update_fields=["checked_at"])
    return source, watch, False


def queued_check() -> str | None:
    """
    The id of a scheduled check of the sources that is queued or running in
    the worker (Django's Tasks with the database backend), if there is one.
    """
    from django_tasks_db.models import DBTaskResult

    from .tasks import check_sources

    found = (
        DBTaskResult.objects.filter(
            task_path=check_sources.module_path,
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        )
        .values_list("id", flat=True)
        .first()
    )
    return str(found) if found is not None else None


def record_run(checked: list[tuple[Source, Watch, bool]]) -> None:
    """Note a run of the checks, so the desk can tell they are running."""
    from desk.models import SchedulerRun

    states = [watch.state if counted else "unreached" for _s, watch, counted in checked]
    counts = ", ".join(
        f"{states.count(state)} {state}"
        for state in ("gone", "changed", "moved", "unreached")
        if state in states
    )
    now = timezone.now()
    SchedulerRun.objects.create(
        job=SchedulerRun.CHECK_SOURCES,
        started_at=now,
        detail=f"{len(checked)} checked" + (f": {counts}" if counts else ""),
    )
    SchedulerRun.objects.filter(
        job=SchedulerRun.CHECK_SOURCES, started_at__lt=now - timedelta(days=7)
    ).delete()


def record_fetch(source: Source, fetched: Fetched) -> Watch:
    """Record what a fetch of ``source`` found (see ``check_source``)."""
    # What the web said last: an uploaded file (a PDF sent privately) is not
    # a version of the page, so drift is never measured against one.
    previous = source.captures.filter(origin=Capture.Origin.FETCHED).first()
    now = fetched.fetched_at or timezone.now()
    watch, _ = Watch.objects.get_or_create(source=source)
    was = watch.state
    watch.checked_at = now
    if fetched.outcome == "refused":
        record_attempt(source, fetched, Attempt.Outcome.REFUSED)
        watch.save()
        return watch
    gone = fetched.ok and fetched.status in GONE_STATUSES
    if not fetched.ok or (fetched.status or 0) >= 400:
        if fetched.status not in BLOCKED_STATUSES:
            watch.failures += 1
        record_attempt(source, fetched, Attempt.Outcome.FAILED)
        gone = (
            gone or fetched.dns or watch.failures >= settings.NEWSROOM_SOURCE_GONE_AFTER
        )
        if gone and watch.state != SourceState.GONE:
            why = fetched.reason or f"the site answers {fetched.status}"
            new_state(watch, SourceState.GONE, now)
            alert_ratings(
                source,
                f"the source is gone since {now:%Y-%m-%d} ({why}); "
                "see our archived copy",
            )
        watch.save()
    else:
        extracted = archiving.extract(fetched.body, fetched.content_type)
        same = previous is not None and (
            previous.text_sha256,
            previous.final_url,
        ) == (
            archiving.text_sha256(fetched.body, extracted[1]),
            fetched.final_url[:2000],
        )
        # An unchanged page is not stored again: the archive grows with
        # changes, not with checks.
        fetched.capture = (
            previous if same else store_fetched(source, fetched, extracted=extracted)
        )
        record_attempt(source, fetched, Attempt.Outcome.CAPTURED)
        watch.failures = 0
        moved = _moved(source.url, fetched)
        drifted = alert_drift(source, fetched.capture, fallback=previous)
        if drifted or (
            previous is not None and previous.text_sha256 != fetched.capture.text_sha256
        ):
            new_state(watch, SourceState.CHANGED, now)
        elif moved:
            new_state(watch, SourceState.MOVED, now)
        else:
            new_state(watch, SourceState.ALIVE, now)
        watch.moved_to = fetched.final_url[:2000] if moved else ""
        watch.save()
    if (was == SourceState.GONE) != (watch.state == SourceState.GONE):
        gone_or_back(source)
    logger.info("Source %s checked: %s", source.pk, watch.state)
    return watch


def alert_drift(source: Source, now: Capture, *, fallback: Capture | None) -> int:
    """
    Alert the citations of ``source`` whose rating was checked against a
    capture whose main text differs from ``now``'s; how many bases drifted.
    """
    bases: dict[int, tuple[Capture, list[int]]] = {}
    for citation in Citation.objects.filter(source=source).select_related(
        "checked_capture"
    ):
        basis = citation.checked_capture
        if (
            basis is None
            or basis.source_id != source.pk
            or basis.origin != Capture.Origin.FETCHED
        ):
            # Rated before the source had a capture of the web (or cited since
            # under another source, or checked against an uploaded file): the
            # newest fetched capture at the time of this check stands for
            # what the rating was checked against.
            basis = fallback
        if basis is not None and basis.text_sha256 != now.text_sha256:
            bases.setdefault(basis.pk, (basis, []))[1].append(citation.pk)
    for basis, citations in bases.values():
        alert_ratings(source, drift_alert(basis, now), citations=citations)
    return len(bases)


def drift_alert(before: Capture, after: Capture) -> str:
    """The words of a change of a source's text: when, and the two captures."""
    return (
        f"the source's text changed on {after.captured_at:%Y-%m-%d}; see the two "
        f"captures (#{before.pk} of {before.captured_at:%Y-%m-%d %H:%M} and "
        f"#{after.pk} of {after.captured_at:%Y-%m-%d %H:%M})"
    )


def _moved(url: str, fetched: Fetched) -> bool:
    if not fetched.redirects:
        return False
    return fetched.final_url.rstrip("/") != url.rstrip("/")


def new_state(watch: Watch, state: str, when) -> None:
    if watch.state != state:
        watch.state, watch.since = state, when


def alert_ratings(source: Source, alert: str, *, citations=None) -> int:
    """
    Say on the citations of ``source`` (those of the ids ``citations`` when
    given) what happened to it; the ratings that rest on those citations
    become stale with these words (and their signed-off articles go back to
    review), as an edit of our own text does.
    """
    from articles.staleness import citations_changed

    alert = alert[:300]
    chosen = Citation.objects.filter(source=source)
    if citations is not None:
        chosen = chosen.filter(pk__in=list(citations))
    with transaction.atomic():
        pks, claim_ids = set(), set()
        for pk, claim_id in chosen.exclude(source_alert=alert).values_list(
            "pk", "claim_id"
        ):
            pks.add(pk)
            claim_ids.add(claim_id)
        if not pks:
            # Said already (a drifted source checked again): nothing readers
            # see changes, so every cached page stays good.
            return 0
        # A derived column, like the claims' stale flag: no revision of its own.
        Citation.objects.filter(pk__in=pks).update(source_alert=alert)
        for claim_id in sorted(claim_ids):
            citations_changed(claim_id)
        bump_generation()
    logger.info(
        "Source %s: %s claims to re-check (%s)", source.pk, len(claim_ids), alert
    )
    return len(claim_ids)


def gone_or_back(source: Source) -> int:
    """
    A source went, or came back: the stored pages of the live articles that
    cite it say so on their fact-check cards (rendered again, their versions
    as published; the public generation moves so no cached copy is served).
    """
    from articles import pages

    # Page by page (pages.rerender locks and stores in batches): no
    # transaction held while every page that cites a widely cited source is
    # rendered.
    count = pages.sources_changed([source.pk])
    bump_generation()
    logger.info(
        "Source %s gone or back: %s live pages rendered again", source.pk, count
    )
    return count


def standing_alert(source_id: int) -> str:
    """
    The alert a citation of the source takes when it comes back (a restore,
    a recovery): that it is gone, if it is; a change of text is measured from
    the capture a rating rests on, which a citation that comes back has not.
    """
    watch = Watch.objects.filter(source_id=source_id).first()
    if watch is None or watch.state != SourceState.GONE:
        return ""
    alert = (
        Citation.objects.filter(
            source_id=source_id, source_alert__startswith="the source is gone"
        )
        .order_by("-pk")
        .values_list("source_alert", flat=True)
        .first()
    )
    since = f" since {watch.since:%Y-%m-%d}" if watch.since else ""
    return alert or f"the source is gone{since}; see our archived copy"


def check_confirm_move(source: Source, *, user) -> list[str]:
    """Whether ``user`` may point ``source`` at the address it moved to; why not."""
    if not may(user, CHANGE_SOURCE):
        return ["You may not change sources."]
    watch = Watch.objects.filter(source=source).first()
    if watch is None or watch.state != SourceState.MOVED or not watch.moved_to:
        return ["The source has not moved: its address answers as it is."]
    return []


def _move_checks(source: Source, old: str) -> None:
    """
    The checks of the claims citing ``source`` were made of its text at
    ``old``; a confirmed move found the same text at the new address, so
    they hold at the new one (a rating covers a source's address: without
    this, confirming a move would make every rating resting on it stale).
    Written without saving the claims: nothing of theirs changed.
    """
    from articles.models import Citation, Claim

    citing = Citation.objects.filter(source=source).values("claim_id")
    # Locked: a rating being recorded now would be overwritten otherwise.
    for claim in Claim.objects.select_for_update().filter(pk__in=citing):
        snapshot = claim.checked_snapshot or {}
        cited = snapshot.get("citations", [])
        if any(c.get("source") == source.pk and c.get("url") == old for c in cited):
            for c in cited:
                if c.get("source") == source.pk and c.get("url") == old:
                    c["url"] = source.url
            Claim.objects.filter(pk=claim.pk).update(checked_snapshot=snapshot)


def confirm_move(source: Source, *, user) -> Source:
    """Point ``source`` at the address it moved to (an editor confirmed it)."""
    import reversion

    with transaction.atomic(), reversion.create_revision():
        source = Source.objects.select_for_update().get(pk=source.pk)
        if reasons := check_confirm_move(source, user=user):
            raise invalid(reasons, "not_moved")
        watch = source.watch
        old, source.url = source.url, watch.moved_to[:500]
        source.full_clean()
        _move_checks(source, old)
        source.save()
        watch.state, watch.moved_to = SourceState.ALIVE, ""
        watch.save()
        reversion.set_user(user)
        reversion.set_comment(f"Address updated: the source moved from {old}")
        bump_generation()
    logger.info("Source %s moved to %s (confirmed by %s)", source.pk, source.url, user)
    return source
