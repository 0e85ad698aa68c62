"""
Citing a source for a claim from the article's claim list: the source is
added and cited in one step ("Add a source and cite it" on the claim's card).
The claim's page cites and edits sources with its own form, as before.
"""

import logging

import reversion
from django.db import transaction

from entities.models import Source

from .models import Citation, Claim
from .workflow import check_edit_claim, may, refuse

logger = logging.getLogger(__name__)


def check_cite(claim: Claim, *, user) -> list[str]:
    """Whether ``user`` may cite a source for ``claim``; why not."""
    if not may(user, "articles.add_citation"):
        return ["You may not cite sources."]
    return check_edit_claim(claim, user=user)


def cite(
    claim: Claim, *, user, source: Source, relation: str = Citation.Relation.SUPPORTS
) -> Citation:
    """
    Cite ``source`` for ``claim``. A rated claim's check covers its
    citations: the rating goes stale until it is checked again
    (articles.staleness, on the citation's save).
    """
    if reasons := check_cite(claim, user=user):
        raise refuse(user, f"cite a source for claim {claim.pk}", reasons)
    with transaction.atomic(), reversion.create_revision():
        citation = Citation(claim=claim, source=source, relation=relation)
        citation.full_clean()
        citation.save()
        reversion.add_to_revision(claim.article)
        reversion.set_user(user)
        reversion.set_comment(f"Cited “{source.title}” for claim {claim}")
    logger.info("Source %s cited for claim %s by %s", source.pk, claim.pk, user)
    return citation
