"""
The tagging view of an article (the admin): its body as text, claims marked.

The body is shown exactly as stored, one character for one character, so a
selection in it is a span of the body: every run of text carries its offset
in the body in ``data-o``, in Unicode code points (the unit of Python string
indices, of the database and of ``workflow.tag_claim``; the script converts
from the UTF-16 units JavaScript counts in).

Each claim is a ``<mark>`` coloured by its rating and opened by a link that
says, in words, which claim it is and how it is rated (colour is never the
only sign). Nested claims are nested marks; claims that overlap without one
holding the other are cut where they cross, each piece a mark of its claim.
"""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from . import staleness
from .models import Claim, Rating

_CLOSE = SafeString("</mark>")


@dataclass(frozen=True)
class MarkedClaim:
    """A claim as the tagging view shows it."""

    number: int
    claim: Claim
    url: str
    state: str  # a CSS modifier: the rating, or "stale"
    label: str
    details: str  # what a title attribute adds: the claim, why re-check

    @property
    def start(self) -> int:
        return self.claim.start

    @property
    def end(self) -> int:
        return self.claim.end


def short_rating(claim: Claim) -> str:
    """The rating's label without its explanation in brackets."""
    return claim.get_rating_display().split(" (")[0]


def describe(claim: Claim, number: int, url: str, citations=None) -> MarkedClaim:
    reasons = staleness.stale_reasons(claim, citations)
    # As the gate says: a rating is to re-check when what was checked changed.
    if reasons:
        state, status = "stale", "Re-check needed"
    else:
        state, status = claim.rating, short_rating(claim)
    details = f"{claim}"
    if claim.claimant_id:
        details += f", said by {claim.claimant}"
    if reasons:
        details += ". Re-check needed: " + "; ".join(reasons)
    return MarkedClaim(
        number=number,
        claim=claim,
        url=url,
        state=state,
        label=f"Claim {number}: {status}",
        details=details,
    )


def marked_claims(
    body: str, claims, url_for
) -> tuple[list[MarkedClaim], list[MarkedClaim]]:
    """The claims in ``body`` order, numbered: (those in the text, those lost)."""
    shown, lost = [], []
    # A claim about media that quotes no words is not in the text, nor lost.
    in_words = [c for c in claims if c.quote]
    for number, claim in enumerate(
        sorted(in_words, key=lambda c: (c.start, c.end, c.pk)), 1
    ):
        marked = describe(claim, number, url_for(claim), list(claim.citations.all()))
        in_text = (
            claim.anchor != Claim.Anchor.ORPHANED
            and body[claim.start : claim.end] == claim.quote
            and claim.end > claim.start
        )
        (shown if in_text else lost).append(marked)
    return shown, lost


def render_text(body: str, claims: list[MarkedClaim]) -> SafeString:
    """The body as HTML: text runs with their offsets, claims as marks."""
    boundaries = sorted(
        {0, len(body)} | {c.start for c in claims} | {c.end for c in claims}
    )
    starting = {}
    for claim in claims:
        starting.setdefault(claim.start, []).append(claim)
    parts, stack, labelled = [], [], set()

    def open_mark(claim: MarkedClaim):
        parts.append(
            format_html(
                '<mark class="newsroom-claim newsroom-claim--{}" data-claim="{}" '
                'data-href="{}" title="{}">',
                claim.state,
                claim.claim.pk,
                claim.url,
                claim.details,
            )
        )
        if claim.claim.pk not in labelled:
            labelled.add(claim.claim.pk)
            parts.append(
                format_html(
                    '<a class="newsroom-claim__label" href="{}" '
                    'contenteditable="false">{}</a>',
                    claim.url,
                    claim.label,
                )
            )
        stack.append(claim)

    for position, following in zip(boundaries, boundaries[1:] + [None], strict=True):
        # Close what ends here; reopen what was closed only to get at it.
        ending = [c for c in stack if c.end == position]
        if ending:
            deepest = min(stack.index(c) for c in ending)
            reopen = [c for c in stack[deepest:] if c.end != position]
            for _ in stack[deepest:]:
                parts.append(_CLOSE)
            del stack[deepest:]
            for claim in reopen:
                open_mark(claim)
        # Outer claims (ending later) first, so inner ones nest in them.
        for claim in sorted(
            starting.get(position, []), key=lambda c: (-c.end, c.claim.pk)
        ):
            if claim.end > claim.start:
                open_mark(claim)
        if following is not None and following > position:
            parts.append(
                format_html(
                    '<span data-o="{}">{}</span>', position, body[position:following]
                )
            )
    for _ in stack:
        parts.append(_CLOSE)
    return format_html_join("", "{}", ((part,) for part in parts))


def legend() -> list[tuple[str, str]]:
    """The marks' colours and what they mean: (CSS modifier, words)."""
    return [
        *((rating.value, rating.label.split(" (")[0]) for rating in Rating),
        ("stale", "Re-check needed (changed after it was rated)"),
    ]
