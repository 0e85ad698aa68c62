"""The gate's basics: a byline, an article without claims, honest previews."""

import pytest
import reversion
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from articles import gate, previews, workflow
from articles.models import Claim, Rating
from tests.factories import ArticleFactory, CitationFactory, ClaimFactory

pytestmark = pytest.mark.django_db

NO_BYLINE = "The article needs a byline or an author: readers must see who wrote it."
NO_CLAIMS = (
    "The article has no tagged claims: tag the claims in its text, or a "
    "fact-checker must record that it has no checkable claims."
)


def codes(article):
    return [b.code for b in gate.gate_blockers(article)]


def messages_of(article):
    return [b.message for b in gate.gate_blockers(article)]


def test_an_article_needs_a_byline_or_an_author(people):
    article = ArticleFactory(byline="  ")
    assert NO_BYLINE in messages_of(article)
    article.authors.add(people["reporter"])
    assert "no_byline" not in codes(article)
    article.authors.clear()
    article.byline = "By Rita Reyes"
    assert "no_byline" not in codes(article)


def test_publish_without_a_byline_is_refused_in_those_words(people):
    article = ArticleFactory(byline="")
    workflow.record_no_claims(article, user=people["checker"])
    with pytest.raises(ValidationError) as error:
        workflow.publish(article, user=people["publisher"])
    assert error.value.messages == [NO_BYLINE]


def test_no_claims_passes_only_when_a_checker_recorded_it(people):
    article = ArticleFactory()
    assert messages_of(article) == [NO_CLAIMS]
    assert workflow.check_record_no_claims(article, user=people["reporter"]) == [
        "Only fact-checkers may record that an article has no checkable claims."
    ]
    with pytest.raises(PermissionDenied):
        workflow.record_no_claims(article, user=people["reporter"])
    article = workflow.record_no_claims(article, user=people["checker"])
    assert article.no_claims_by == people["checker"]
    assert gate.gate_blockers(article) == []
    workflow.publish(article, user=people["publisher"])


def test_a_text_edit_asks_the_checker_again(people):
    article = workflow.record_no_claims(ArticleFactory(), user=people["checker"])
    article.body += "\n\nThe company also tripled its revenue."
    assert messages_of(article) == [
        "The text changed after frank recorded that it has no checkable claims: "
        "a fact-checker must read it again and tag its claims or record that it "
        "has none."
    ]


def test_no_claims_cannot_be_recorded_over_tagged_claims(people):
    claim = ClaimFactory()
    assert workflow.check_record_no_claims(claim.article, user=people["checker"]) == [
        "It has tagged claims: the gate checks those. Delete them first if none "
        "of them is checkable."
    ]
    with pytest.raises(ValidationError):
        workflow.record_no_claims(claim.article, user=people["checker"])


def test_admin_button_records_no_claims_and_the_gate_says_so(client, people):
    article = ArticleFactory()
    change = reverse("admin:articles_article_change", args=[article.pk])
    client.force_login(people["reporter"])
    assert "Record: no checkable claims" not in client.get(change).content.decode()
    client.force_login(people["checker"])
    page = client.get(change).content.decode()
    assert "Record: no checkable claims" in page
    assert NO_CLAIMS in page
    url = reverse("admin:articles_article_no_claims", args=[article.pk])
    page = client.post(url, follow=True).content.decode()
    assert "Recorded: the text has no checkable claims." in page
    assert "frank recorded on" in page and "that it has no checkable claims" in page
    assert "every claim is anchored, rated and sourced" not in page


def _rated(article, people, rating=Rating.ACCURATE):
    claim = ClaimFactory(article=article, tagged_by=people["reporter"])
    CitationFactory(claim=claim)
    workflow.rate_claim(
        claim, user=people["checker"], rating=rating, explanation="Checked."
    )
    return Claim.objects.get(pk=claim.pk)


def _preview_html(client, article, people):
    link, _ = previews.create_preview(article, user=people["reporter"])
    return client.get(previews.preview_url(link)).content.decode()


def test_preview_marks_a_stale_rating_as_not_yet_checked(client, people):
    article = ArticleFactory()
    claim = _rated(article, people)
    with reversion.create_revision():
        claim.statement = "Acme's profits more than doubled."
        claim.save()
        article.save()
    html = _preview_html(client, article, people)
    assert "rating--accurate" not in html
    assert "Not yet checked" in html
    assert previews.NOT_CHECKED_EXPLANATION in html
    assert "Checked." not in html


def test_preview_marks_an_unrated_claim_as_not_yet_checked(client, people):
    article = ArticleFactory()
    ClaimFactory(article=article)
    with reversion.create_revision():
        article.save()
    html = _preview_html(client, article, people)
    assert "Not yet checked" in html
    assert previews.NOT_CHECKED_EXPLANATION not in html


def test_preview_shows_a_current_rating_as_it_is(client, people):
    article = ArticleFactory()
    _rated(article, people)
    html = _preview_html(client, article, people)
    assert "rating--accurate" in html
    assert "Checked." in html
    assert "Not yet checked" not in html
