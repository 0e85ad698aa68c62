"""Deleted articles come back from their revisions, as drafts (DESIGN §9)."""

import logging
from datetime import timedelta

import pytest
import reversion
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from reversion.models import Version

from articles import restoring, staleness, workflow
from articles.models import Article, Citation, Claim, Correction, Rating
from entities.models import Source
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    EntityFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def deleted(people):
    """A published article with a rated, cited claim and a correction, deleted."""
    article = ArticleFactory(title="Acme results", slug="acme-results")
    article.authors.set([people["reporter"]])
    claim = ClaimFactory(
        article=article,
        claimant=EntityFactory(name="Acme Corp"),
        tagged_by=people["reporter"],
    )
    CitationFactory(claim=claim, source=SourceFactory(title="Acme annual report"))
    workflow.rate_claim(
        claim, user=people["checker"], rating=Rating.ACCURATE, explanation="It did."
    )
    workflow.publish(article, user=people["publisher"])
    workflow.add_correction(
        article, user=people["publisher"], kind="correction", text="Fixed the year."
    )
    with reversion.create_revision():
        article.dek = "The last words before it was deleted."
        article.save()
        reversion.set_user(people["reporter"])
    ids = {
        "article": article.pk,
        "claim": claim.pk,
        "citation": claim.citations.get().pk,
        "created_at": article.created_at,
        "revisions": Version.objects.get_for_object(article).count(),
    }
    article.delete()
    ids["version"] = Version.objects.get_deleted(Article).get()
    return ids


def test_publisher_recovers_a_deleted_article_as_a_draft(people, deleted):
    article = restoring.recover_article(deleted["version"], user=people["publisher"])
    assert article.pk == deleted["article"]
    assert article.dek == "The last words before it was deleted."
    assert article.status == Article.Status.DRAFT
    assert article.live_version is None
    assert article.first_published_at is None
    # Revisions keep times to the millisecond.
    assert abs(article.created_at - deleted["created_at"]) < timedelta(milliseconds=1)
    assert list(article.authors.all()) == [people["reporter"]]
    claim = article.claims.get()
    assert claim.pk == deleted["claim"]
    assert claim.rating == Rating.ACCURATE
    assert claim.rating_explanation == "It did."
    assert claim.checked_by == people["checker"]
    assert not staleness.is_stale(claim)
    assert claim.citations.get().pk == deleted["citation"]
    assert [c.text for c in article.corrections.all()] == ["Fixed the year."]
    assert [m.entity.name for m in article.mentions.all()] == ["Acme Corp"]

    versions = Version.objects.get_for_object(article)
    assert versions.count() == deleted["revisions"] + 1
    latest = versions.first().revision
    assert latest.user == people["publisher"]
    assert latest.comment.startswith("Recovered the deleted article as a draft")
    # The recovery is a full revision: its claims and citations are in it.
    models = {v.content_type.model for v in latest.version_set.all()}
    assert {"article", "claim", "citation"} <= models


def test_recovered_article_is_not_public_until_published_again(client, people, deleted):
    article = restoring.recover_article(deleted["version"], user=people["publisher"])
    assert client.get(article.get_absolute_url()).status_code == 404
    version = workflow.publish(article, user=people["publisher"])
    assert version.number == 1
    assert client.get(article.get_absolute_url()).status_code == 200


def test_only_publishers_may_recover_and_refusals_are_logged(people, deleted, caplog):
    caplog.set_level(logging.WARNING, logger="articles.workflow")
    for who in ("reporter", "checker"):
        with pytest.raises(PermissionDenied):
            restoring.recover_article(deleted["version"], user=people[who])
    assert not Article.objects.exists()
    refusals = [r for r in caplog.records if "may not recover" in r.getMessage()]
    assert len(refusals) == 2
    assert all(r.levelno == logging.WARNING for r in refusals)


def test_recover_refuses_a_live_article_and_a_taken_slug(people, deleted):
    article = restoring.recover_article(deleted["version"], user=people["publisher"])
    version = Version.objects.get_for_object(article).first()
    with pytest.raises(ValidationError) as refused:
        restoring.recover_article(version, user=people["publisher"])
    assert refused.value.code == "not_deleted"

    article.delete()
    ArticleFactory(slug="acme-results")
    with pytest.raises(ValidationError) as refused:
        restoring.recover_article(version, user=people["publisher"])
    assert refused.value.code == "slug_taken"


def test_recover_refuses_when_a_cited_source_was_deleted(people, deleted):
    Source.objects.filter(citations__isnull=True).delete()
    assert not Source.objects.exists()
    with pytest.raises(ValidationError) as refused:
        restoring.recover_article(deleted["version"], user=people["publisher"])
    assert refused.value.code == "missing_references"
    assert "source #" in refused.value.messages[0]
    assert not Article.objects.exists()
    assert not Claim.objects.exists()


def test_recover_refuses_a_version_of_another_model(people, deleted):
    entity = EntityFactory(name="Globex")
    with reversion.create_revision():
        entity.save()
    with pytest.raises(ValidationError) as refused:
        restoring.recover_article(
            Version.objects.get_for_object(entity).get(), user=people["publisher"]
        )
    assert refused.value.code == "not_article"


# The admin -------------------------------------------------------------------


def recover_url(version):
    return reverse("admin:articles_article_recover", args=[version.pk])


def test_recover_list_and_button_in_the_admin(client, people, deleted):
    client.force_login(people["publisher"])
    changelist = client.get(reverse("admin:articles_article_changelist"))
    listing_url = reverse("admin:articles_article_recoverlist")
    assert listing_url in changelist.content.decode()
    listing = client.get(listing_url)
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "Acme results" in page
    assert recover_url(deleted["version"]) in page

    response = client.post(recover_url(deleted["version"]), follow=True)
    article = Article.objects.get(pk=deleted["article"])
    assert response.redirect_chain[-1][0] == reverse(
        "admin:articles_article_change", args=[article.pk]
    )
    assert any("Recovered as a draft" in str(m) for m in response.context["messages"])
    assert Claim.objects.filter(article=article).count() == 1
    assert Citation.objects.filter(claim__article=article).count() == 1
    assert Correction.objects.filter(article=article).count() == 1
    assert "There are no deleted articles" in client.get(listing_url).content.decode()


def test_recover_is_post_only_and_for_publishers(client, people, deleted):
    url = recover_url(deleted["version"])
    client.force_login(people["publisher"])
    assert client.get(url).status_code == 405
    assert not Article.objects.exists()
    for who in ("reporter", "checker"):
        client.force_login(people[who])
        assert (
            client.get(reverse("admin:articles_article_recoverlist")).status_code == 403
        )
        assert client.post(url).status_code == 403
        changelist = client.get(reverse("admin:articles_article_changelist"))
        assert b"Recover deleted articles" not in changelist.content
    client.force_login(UserFactory(username="outsider"))
    assert client.post(url).status_code == 403
    assert not Article.objects.exists()


def test_recover_through_the_article_admin_only_takes_article_versions(
    client, people, deleted
):
    entity = EntityFactory(name="Initech")
    with reversion.create_revision():
        entity.save()
    version = Version.objects.get_for_object(entity).get()
    entity.delete()
    client.force_login(people["publisher"])
    assert client.post(recover_url(version)).status_code == 404
    assert not Article.objects.exists()
