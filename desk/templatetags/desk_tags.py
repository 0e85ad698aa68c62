"""What the desk's lines say of a claim."""

from django import template

from articles.models import Claim

register = template.Library()


@register.filter
def waiting_reason(claim: Claim) -> str:
    """Why ``claim`` waits for a check, in a few words."""
    if not claim.is_rated:
        return "not yet checked"
    if claim.anchor == Claim.Anchor.CHANGED:
        return f"its words changed; rated {claim.get_rating_display().lower()}"
    return f"stale: rated {claim.get_rating_display().lower()}, changed since"
