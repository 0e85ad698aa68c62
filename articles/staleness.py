"""
What a rating covers, and when it goes stale (DESIGN §5).

A rating covers everything the published ClaimReview says about the claim:
its quote, claimant, claim reviewed (statement), kind, and its citations
(source, relation, excerpt, locator); for a claim about an image or a video,
everything its MediaReview says of the media too: which picture (the
library image's content, so replacing its file counts), its address and
archived copy, where and when it appeared, the part of a video. A
fact-checker's check records a fingerprint of all of it and a snapshot in
words; a later change to any of it, on any path (the admin, an import, a
restore, a re-anchoring, a replaced library file), makes the fingerprint
differ, and the rating is stale until it is checked again, with the reasons
said in an editor's words.
"""

import hashlib
import json

from django.db.models import Prefetch

from .models import AnchorState, Citation, Claim, Rating


def with_sources(lookup: str = "citations") -> Prefetch:
    """
    A claim's citations with their sources, in one query: what a rating
    covers includes each source's title and address. A new one each time
    (Django keeps the instance a prefetch was made for).
    """
    return Prefetch(lookup, queryset=Citation.objects.select_related("source"))


def _citations(claim: Claim) -> list:
    """The claim's citations with their sources: prefetched ones if it has them."""
    cached = getattr(claim, "_prefetched_objects_cache", {}).get("citations")
    if cached is not None and all(Citation.source.is_cached(c) for c in cached):
        return list(cached)
    return list(claim.citations.select_related("source"))


def _citation_rows(citations) -> list[list]:
    # A source's alert (it went, or its text changed) counts only when there
    # is one, so that checks made before alerts existed keep their hash.
    return sorted(
        [c.source_id, c.relation, c.excerpt.strip(), c.locator.strip()]
        + ([c.source_alert] if c.source_alert else [])
        for c in citations
    )


def media_words(claim: Claim) -> dict | None:
    """What the MediaReview says of a claim's media, as checked; None if none."""
    if not claim.media_type:
        return None
    image = claim.media_image if claim.media_image_id else None
    return {
        "type": claim.media_type,
        "image": claim.media_image_id,
        "image_sha256": image.sha256 if image else "",
        "image_label": str(image) if image else "",
        "url": claim.media_url.strip(),
        "archive_url": claim.media_archive_url.strip(),
        "appeared_url": claim.media_appeared_url.strip(),
        "platform": claim.media_platform.strip(),
        "appeared_on": (
            claim.media_appeared_on.isoformat() if claim.media_appeared_on else ""
        ),
        "start_seconds": claim.media_start_seconds,
        "end_seconds": claim.media_end_seconds,
    }


def _media_key(words: dict | None):
    if words is None:
        return None
    return {k: v for k, v in words.items() if k != "image_label"}


def claim_fingerprint(claim: Claim, citations=None) -> str:
    """A hash of what a fact-checker checked: everything the ClaimReview says."""
    if citations is None:
        citations = claim.citations.all()
    data = {
        "quote": claim.quote,
        "claimant": claim.claimant_id,
        "statement": claim.statement.strip(),
        "kind": claim.kind,
        "citations": _citation_rows(citations),
    }
    # Only a claim about media has the key, so the checks of the others
    # hold as they were made.
    if claim.media_type:
        data["media"] = _media_key(media_words(claim))
    encoded = json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()


def is_stale(claim: Claim) -> bool:
    """Whether the claim changed after it was rated."""
    return bool(stale_reasons(claim))


def check_snapshot(claim: Claim, citations=None) -> dict:
    """What a fact-checker checks, in words: kept to say what changed since."""
    if citations is None:
        citations = claim.citations.select_related("source")
    claimant = claim.claimant if claim.claimant_id else None
    snapshot = {
        "quote": claim.quote,
        "claimant": claim.claimant_id,
        "claimant_name": claimant.name if claimant else "",
        "claimant_kind": claimant.kind if claimant else "",
        "statement": claim.statement.strip(),
        "kind": claim.kind,
        "citations": [
            {
                "source": c.source_id,
                "title": c.source.title,
                "url": c.source.url,
                "relation": c.relation,
                "excerpt": c.excerpt.strip(),
                "locator": c.locator.strip(),
                "alert": c.source_alert,
            }
            for c in citations
        ],
    }
    if claim.media_type:
        snapshot["media"] = media_words(claim)
    return snapshot


def restored_snapshot(claim: Claim, *, when, user) -> dict:
    """The snapshot of a rating brought back by a restore: not a check."""
    who = (user.get_full_name() or user.get_username()) if user else "someone"
    return {
        "restored": f"its rating was restored from the revision of "
        f"{when:%Y-%m-%d %H:%M} by {who}: re-check it or re-confirm it"
    }


def stale_reasons(claim: Claim, citations=None) -> list[str]:
    """What changed since the claim was rated; empty when the rating holds."""
    if not claim.is_rated:
        return []
    if citations is None:
        citations = _citations(claim)
    if claim.checked_fingerprint == claim_fingerprint(claim, citations):
        # The claim's own fields hold; the names and addresses the
        # ClaimReview prints live on the claimant and the sources.
        return _words_reasons(claim, claim.checked_snapshot or {}, citations)
    checked = claim.checked_snapshot or {}
    if "restored" in checked:
        return [checked["restored"]]
    if "quote" not in checked:
        return ["its quote or its sources changed after the check"]
    # Stale (rare): the names are worth a query or two if not loaded.
    if not all(Citation.source.is_cached(c) for c in citations):
        citations = list(claim.citations.select_related("source"))
    reasons = _claim_reasons(claim, checked)
    reasons += _media_reasons(checked.get("media"), media_words(claim))
    reasons += _citation_reasons(checked, check_snapshot(claim, citations))
    reasons += _words_reasons(claim, checked, citations)
    return reasons or ["what it says changed after the check"]


def _words_reasons(claim: Claim, checked: dict, citations) -> list[str]:
    """
    How the claimant's name or kind, or a cited source's title or address,
    changed since the check: the ClaimReview prints them (its author, its
    appearance), so they are part of what the rating covers. Checks recorded
    before the snapshot held a value are not judged on it.
    """
    reasons = []
    if claim.claimant_id and checked.get("claimant") == claim.claimant_id:
        claimant = claim.claimant
        before = checked.get("claimant_name")
        if before is not None and before != claimant.name:
            reasons.append(f"the claimant's name changed from {before} to {claimant}")
        before = checked.get("claimant_kind")
        if before and before != claimant.kind:
            reasons.append(
                f"{claimant}'s kind changed from {before} to {claimant.kind}"
            )
    cited = {(c["source"], c["relation"]): c for c in checked.get("citations", [])}
    for citation in citations:
        before = cited.get((citation.source_id, citation.relation))
        if before is None:
            continue
        source = citation.source
        if "title" in before and before["title"] != source.title:
            reasons.append(
                f"the source “{short(before['title'])}” is now called "
                f"“{short(source.title)}”"
            )
        if "url" in before and before["url"] != source.url:
            reasons.append(
                f"the address of {short(source.title)} changed from "
                f"{before['url'] or 'none'} to {source.url or 'none'}"
            )
    return reasons


# What the ClaimReview prints of an entity (as a claimant) and of a source.
WORDS = {"entity": ("name", "kind"), "source": ("title", "url")}


def remember_words(obj) -> None:
    """Before ``obj`` (an entity or a source) is saved: note its printed words."""
    fields = WORDS[obj._meta.model_name]
    obj._words_before = type(obj).objects.filter(pk=obj.pk).values_list(*fields).first()


def words_changed(*, entity=None, source=None) -> None:
    """
    After an entity or a source was saved (a signal, so every door keeps it):
    when what the ClaimReview prints of it changed, the rated claims it names
    or that cite it go stale (and come back when it is changed back), and
    their signed-off articles go back to review. A save that changes none of
    those words costs nothing more.
    """
    obj = entity if entity is not None else source
    fields = WORDS[obj._meta.model_name]
    before = getattr(obj, "_words_before", None)
    obj._words_before = None
    if before is None or tuple(getattr(obj, f) for f in fields) == tuple(before):
        return
    claims = Claim.objects.exclude(rating=Rating.UNRATED)
    if entity is not None:
        claims = claims.filter(claimant=entity)
    else:
        claims = claims.filter(citations__source=source).distinct()
    claims = claims.select_related("article", "claimant", "media_image")
    for claim in claims.prefetch_related(with_sources()):
        claim_changed(claim, created=False)


def _claim_reasons(claim: Claim, checked: dict) -> list[str]:
    reasons = []
    if checked["quote"] != claim.quote:
        before = around_change(checked["quote"], claim.quote)
        reasons.append(f"the quote changed from “{before}”")
    # Checks made before the rating covered these hold no value for them.
    if "claimant" in checked and checked["claimant"] != claim.claimant_id:
        before = checked.get("claimant_name") or "the newsroom itself"
        after = claim.claimant.name if claim.claimant_id else "the newsroom itself"
        reasons.append(f"the claimant changed from {before} to {after}")
    if "statement" in checked and checked["statement"] != claim.statement.strip():
        reasons.append(
            f"the claim reviewed changed from “{short(checked['statement'])}”"
            if checked["statement"]
            else "the claim reviewed changed"
        )
    if "kind" in checked and checked["kind"] != claim.kind:
        before = dict(Claim.Kind.choices).get(checked["kind"], checked["kind"])
        reasons.append(
            f"the kind changed from {before.lower()} to "
            f"{claim.get_kind_display().lower()}"
        )
    return reasons


_MEDIA_NAMES = {
    "type": "the kind of media",
    "url": "the media's address",
    "archive_url": "the archived copy",
    "appeared_url": "where it appeared",
    "platform": "the platform",
    "appeared_on": "when it appeared",
    "start_seconds": "the start of the video's part",
    "end_seconds": "the end of the video's part",
}


def _media_reasons(before: dict | None, after: dict | None) -> list[str]:
    """How the media a claim is about changed since the check, in words."""
    if _media_key(before) == _media_key(after):
        return []
    if before is None:
        return [f"media was added to the claim ({_media_label(after)})"]
    if after is None:
        return [f"the media was removed from the claim (was {_media_label(before)})"]
    reasons = []
    if before.get("image") != after["image"]:
        reasons.append(
            f"the image changed from {_media_label(before)} to {_media_label(after)}"
        )
    elif before.get("image_sha256") != after["image_sha256"]:
        reasons.append(f"the file of {after['image_label']} was replaced")
    reasons += [
        f"{name} changed"
        for key, name in _MEDIA_NAMES.items()
        if before.get(key) != after[key]
    ]
    return reasons or ["the media changed"]


def _media_label(words: dict) -> str:
    return (
        words.get("image_label")
        or words.get("url")
        or f"a {words.get('type') or 'media'} item"
    )


def _citation_reasons(checked: dict, now: dict) -> list[str]:
    def key(c):
        return (c["source"], c["relation"])

    before = {key(c): c for c in checked.get("citations", [])}
    after = {key(c): c for c in now["citations"]}
    reasons = []
    for k, cited in after.items():
        if k not in before:
            reasons.append(f"a source was added: {cited['title']}")
        elif (before[k]["excerpt"], before[k]["locator"]) != (
            cited["excerpt"],
            cited["locator"],
        ):
            reasons.append(f"the excerpt or place cited in {cited['title']} changed")
        elif cited["alert"] and before[k].get("alert", "") != cited["alert"]:
            reasons.append(f"{cited['title']}: {cited['alert']}")
    for k, cited in before.items():
        if k not in after:
            reasons.append(f"a source was removed: {cited['title']}")
    return reasons


def short(text: str, length: int = 60) -> str:
    """``text`` on one line, cut at ``length`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


# Keeping the stale flag -------------------------------------------------------

# The claim's fields a change of which can change whether it is stale, or
# take its article back to review (the anchor: a claim lost from the text).
WATCHED = frozenset(
    {
        "quote",
        "claimant",
        "claimant_id",
        "statement",
        "kind",
        "rating",
        "checked_fingerprint",
        "checked_snapshot",
        "anchor",
    }
)


def claim_changed(claim: Claim, *, created: bool, update_fields=None) -> None:
    """
    After any save of ``claim`` (a signal, so every door keeps it): set its
    stale flag, and take a signed-off article back to review when the change
    adds a claim, makes a rating stale or loses a claim from the text.
    """
    if update_fields is not None and not WATCHED.intersection(update_fields):
        return  # only offsets or context: nothing a rating covers
    reasons = stale_reasons(claim)
    if bool(reasons) != claim.stale:
        # The flag is derived: written without a save (and without a
        # revision) so that keeping it does not count as a change.
        Claim.objects.filter(pk=claim.pk).update(stale=bool(reasons))
        claim.stale = bool(reasons)
    if created:
        why = f"a claim was added: {claim}"
    elif reasons:
        why = f"claim {claim} changed after it was checked ({'; '.join(reasons)})"
    elif claim.anchor == AnchorState.ORPHANED:
        why = f"claim {claim} is no longer in the text"
    else:
        return
    from desk.workflow import send_back

    send_back(claim.article, reason=why)


def citations_changed(claim_id: int) -> None:
    """After a citation of claim ``claim_id`` was added, changed or deleted."""
    claim = Claim.objects.select_related("article").filter(pk=claim_id).first()
    if claim is not None:  # gone with its claim, or not
        claim_changed(claim, created=False)


def around_change(before: str, after: str, length: int = 60) -> str:
    """``before`` on one line, cut to ``length`` around where ``after`` differs."""
    before, after = " ".join(before.split()), " ".join(after.split())
    if len(before) <= length:
        return before
    same = 0
    while same < min(len(before), len(after)) and before[same] == after[same]:
        same += 1
    start = max(0, min(same - length // 3, len(before) - length + 1))
    cut = before[start : start + length - 1]
    return (
        ("…" if start else "") + cut + ("…" if start + length - 1 < len(before) else "")
    )
