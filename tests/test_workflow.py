"""The publish gate, rating, publishing and unpublishing (DESIGN §5)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from reversion.models import Version

from articles import editing, gate, restoring, staleness, workflow
from articles.models import Article, Claim, Correction, PublishedVersion, Rating
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    EntityFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_article(people):
    """An article with one cited claim, rated accurate by a fact-checker."""
    article = ArticleFactory()
    claim = ClaimFactory(
        article=article,
        claimant=EntityFactory(name="Acme Corp"),
        tagged_by=people["reporter"],
    )
    CitationFactory(claim=claim)
    workflow.rate_claim(
        claim, user=people["checker"], rating=Rating.ACCURATE, explanation="Checked."
    )
    return article


def blocker_codes(article):
    return [b.code for b in gate.gate_blockers(article)]


def test_gate_passes_for_rated_cited_anchored_claims(ready_article):
    assert gate.gate_blockers(ready_article) == []


def test_gate_refuses_article_without_title_or_body(people):
    article = ArticleFactory(title=" ", body="")
    # Nor has anyone recorded that its (empty) text has no claims.
    assert blocker_codes(article) == ["incomplete", "no_claims"]
    message = gate.gate_blockers(article)[0].message
    assert "a title" in message and "a body" in message


def test_gate_refuses_orphaned_claim(ready_article):
    claim = ready_article.claims.get()
    ready_article.body = "Something else entirely happened on Tuesday."
    ready_article.save()
    editing.process_edit(ready_article, old_body=ArticleFactory.body)
    claim.refresh_from_db()
    assert claim.anchor == Claim.Anchor.ORPHANED
    assert "orphaned" in blocker_codes(ready_article)


def test_gate_refuses_unrated_claim(people):
    article = ArticleFactory()
    ClaimFactory(article=article)
    assert blocker_codes(article) == ["unrated"]
    assert "not rated yet" in gate.gate_blockers(article)[0].message


def test_gate_refuses_stale_rating_after_citation_changes(ready_article):
    citation = ready_article.claims.get().citations.get()
    citation.excerpt = "Profits rose 10 percent."
    citation.save()
    assert blocker_codes(ready_article) == ["stale"]


def test_gate_refuses_stale_rating_after_quote_reworded(ready_article):
    old_body = ready_article.body
    ready_article.body = old_body.replace("profits doubled", "profits tripled")
    ready_article.save()
    report = editing.process_edit(ready_article, old_body=old_body)
    claim = ready_article.claims.get()
    assert claim.anchor == Claim.Anchor.CHANGED
    assert claim.quote == "its profits tripled last year"
    assert report.changed == [claim]
    assert blocker_codes(ready_article) == ["stale"]


def test_gate_refuses_rating_that_needs_citations_without_any(people):
    article = ArticleFactory()
    claim = ClaimFactory(article=article, claimant=EntityFactory())
    workflow.rate_claim(claim, user=people["checker"], rating=Rating.ACCURATE)
    assert blocker_codes(article) == ["no_citations"]


def test_unsupported_rating_needs_no_citation(people):
    article = ArticleFactory()
    claim = ClaimFactory(article=article, claimant=EntityFactory())
    workflow.rate_claim(claim, user=people["checker"], rating=Rating.UNSUPPORTED)
    assert blocker_codes(article) == []


@pytest.mark.parametrize("rating", [Rating.FALSE, Rating.MISLEADING])
def test_gate_refuses_falsehood_in_own_voice(people, rating):
    article = ArticleFactory()
    claim = ClaimFactory(article=article, claimant=None)
    CitationFactory(claim=claim)
    workflow.rate_claim(claim, user=people["checker"], rating=rating)
    assert blocker_codes(article) == ["own_voice_falsehood"]


def test_attributed_false_claim_may_be_published(people):
    article = ArticleFactory()
    claim = ClaimFactory(article=article, claimant=EntityFactory())
    CitationFactory(claim=claim)
    workflow.rate_claim(claim, user=people["checker"], rating=Rating.FALSE)
    assert blocker_codes(article) == []


def test_gate_lists_every_blocker_at_once(people):
    article = ArticleFactory()
    ClaimFactory(article=article)
    own = ClaimFactory(article=article, quote="Analysts expect the trend")
    workflow.rate_claim(own, user=people["checker"], rating=Rating.FALSE)
    with pytest.raises(ValidationError) as excinfo:
        workflow.publish(article, user=people["publisher"])
    codes = sorted(e.code for e in excinfo.value.error_list)
    assert codes == ["no_citations", "own_voice_falsehood", "unrated"]
    assert not PublishedVersion.objects.exists()


def test_changed_rating_seen_by_readers_needs_a_correction(ready_article, people):
    workflow.publish(ready_article, user=people["publisher"])
    claim = ready_article.claims.get()
    workflow.rate_claim(claim, user=people["checker"], rating=Rating.MOSTLY_ACCURATE)
    assert blocker_codes(ready_article) == ["correction_needed"]
    assert "went from accurate to mostly accurate" in (
        gate.gate_blockers(ready_article)[0].message
    )
    workflow.add_correction(
        ready_article,
        user=people["publisher"],
        kind=Correction.Kind.CORRECTION,
        text="We first rated Acme's claim accurate; the rise was 96 percent.",
    )
    assert blocker_codes(ready_article) == []
    version = workflow.publish(ready_article, user=people["publisher"])
    assert version.number == 2
    assert version.corrections[0]["text"].startswith("We first rated")


def test_removed_claim_seen_by_readers_needs_a_correction(ready_article, people):
    workflow.publish(ready_article, user=people["publisher"])
    ready_article.claims.get().delete()
    assert blocker_codes(ready_article) == ["no_claims", "correction_needed"]
    assert "was removed" in gate.gate_blockers(ready_article)[1].message


def test_reporter_cannot_rate(people):
    claim = ClaimFactory()
    with pytest.raises(PermissionDenied):
        workflow.rate_claim(claim, user=people["reporter"], rating=Rating.ACCURATE)
    claim.refresh_from_db()
    assert claim.rating == Rating.UNRATED


def test_tagger_may_not_rate_own_claim(people):
    claim = ClaimFactory(tagged_by=people["checker"])
    with pytest.raises(PermissionDenied, match="another fact-checker"):
        workflow.rate_claim(claim, user=people["checker"], rating=Rating.ACCURATE)


@override_settings(NEWSROOM_SEPARATE_TAGGING_AND_RATING=False)
def test_separation_of_duties_can_be_switched_off(people):
    claim = ClaimFactory(tagged_by=people["checker"])
    workflow.rate_claim(claim, user=people["checker"], rating=Rating.OPINION)
    claim.refresh_from_db()
    assert claim.rating == Rating.OPINION


def test_superuser_override_of_separation_is_recorded(people):
    boss = UserFactory(username="boss", is_superuser=True)
    claim = ClaimFactory(tagged_by=boss)
    workflow.rate_claim(claim, user=boss, rating=Rating.OPINION)
    claim.refresh_from_db()
    assert claim.separation_overridden
    comment = Version.objects.get_for_object(claim.article).first().revision.comment
    assert "override" in comment


def test_rating_records_checker_time_and_fingerprint(people):
    claim = ClaimFactory()
    workflow.rate_claim(
        claim, user=people["checker"], rating=Rating.OPINION, explanation="A view."
    )
    claim.refresh_from_db()
    assert claim.checked_by == people["checker"]
    assert claim.checked_at is not None
    assert claim.checked_fingerprint == staleness.claim_fingerprint(claim)
    assert not staleness.is_stale(claim)


@pytest.mark.parametrize("who", ["reporter", "checker"])
def test_only_publishers_publish(ready_article, people, who):
    with pytest.raises(PermissionDenied):
        workflow.publish(ready_article, user=people[who])
    ready_article.refresh_from_db()
    assert ready_article.live_version is None


def test_publish_makes_consecutive_versions(ready_article, people):
    first = workflow.publish(ready_article, user=people["publisher"], note="First")
    second = workflow.publish(ready_article, user=people["publisher"])
    ready_article.refresh_from_db()
    assert (first.number, second.number) == (1, 2)
    assert ready_article.live_version == second
    assert ready_article.status == Article.Status.PUBLISHED
    assert ready_article.first_published_at == first.published_at
    assert ready_article.last_published_at == second.published_at
    assert first.revision is not None
    assert first.claims[0]["rating"] == Rating.ACCURATE
    assert 'class="claim claim--accurate"' in first.body_html


def test_publish_is_recorded_as_a_revision(ready_article, people):
    before = Version.objects.get_for_object(ready_article).count()
    workflow.publish(ready_article, user=people["publisher"], note="Launch")
    versions = Version.objects.get_for_object(ready_article)
    assert versions.count() == before + 1
    revision = versions.first().revision
    assert revision.user == people["publisher"]
    assert revision.comment == "Published version 1: Launch"


def test_unpublish_keeps_versions(ready_article, people):
    workflow.publish(ready_article, user=people["publisher"])
    workflow.unpublish(ready_article, user=people["publisher"], note="Legal review")
    ready_article.refresh_from_db()
    assert ready_article.live_version is None
    assert ready_article.status == Article.Status.WITHDRAWN
    assert ready_article.withdrawn_note == "Legal review"
    assert ready_article.published_versions.count() == 1


def test_unpublish_refuses_article_that_is_not_live(ready_article, people):
    with pytest.raises(ValidationError):
        workflow.unpublish(ready_article, user=people["publisher"], note="Why")


def test_reporter_cannot_unpublish(ready_article, people):
    workflow.publish(ready_article, user=people["publisher"])
    with pytest.raises(PermissionDenied):
        workflow.unpublish(ready_article, user=people["reporter"], note="Why")


def test_submit_for_review(people):
    article = ArticleFactory()
    workflow.submit_for_review(article, user=people["reporter"])
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW
    with pytest.raises(ValidationError):
        workflow.submit_for_review(article, user=people["reporter"])


def test_tag_claim_takes_quote_and_context_from_the_body(people):
    article = ArticleFactory()
    start = article.body.index("Analysts")
    claim = workflow.tag_claim(
        article, user=people["reporter"], start=start, end=start + 8
    )
    assert claim.quote == "Analysts"
    assert claim.prefix == article.body[start - 32 : start]
    assert claim.suffix == article.body[start + 8 : start + 40]
    assert claim.tagged_by == people["reporter"]
    revision = Version.objects.get_for_object(article).first().revision
    assert revision.user == people["reporter"]


def test_restore_brings_back_deleted_claim_and_citation(ready_article, people):
    revision = Version.objects.get_for_object(ready_article).first().revision
    claim = ready_article.claims.get()
    claim_pk, citation_pk = claim.pk, claim.citations.get().pk
    old_body = ready_article.body
    claim.delete()
    ready_article.body = old_body + "\n\nA new paragraph."
    ready_article.save()
    # A deleted claim comes back with its rating: a rating, which comes back
    # stale, credited to the fact-checker who restored it.
    restoring.restore_revision(ready_article, revision, user=people["checker2"])
    ready_article.refresh_from_db()
    assert ready_article.body == old_body
    restored = ready_article.claims.get()
    assert restored.pk == claim_pk
    assert restored.rating == Rating.ACCURATE
    assert restored.checked_by == people["checker2"]
    assert staleness.is_stale(restored)
    assert restored.citations.get().pk == citation_pk
    latest = Version.objects.get_for_object(ready_article).first().revision
    assert latest.comment.startswith("Restored the revision")
    assert latest.user == people["checker2"]


def test_a_reporter_restores_the_text_and_leaves_the_ratings_alone(
    ready_article, people
):
    revision = Version.objects.get_for_object(ready_article).first().revision
    ready_article.claims.get().delete()
    reasons = restoring.kept_ratings(ready_article, revision, user=people["reporter"])
    assert reasons and "Only fact-checkers may rate claims." in reasons[0]
    restoring.restore_revision(ready_article, revision, user=people["reporter"])
    restored = ready_article.claims.get()
    assert restored.rating == Rating.UNRATED and restored.checked_by is None


def test_restore_keeps_the_live_version(ready_article, people):
    revision = Version.objects.get_for_object(ready_article).first().revision
    version = workflow.publish(ready_article, user=people["publisher"])
    restoring.restore_revision(ready_article, revision, user=people["reporter"])
    ready_article.refresh_from_db()
    assert ready_article.live_version == version
    assert ready_article.status == Article.Status.PUBLISHED
