"""
The workflow buttons of the article page come from the rules layer: a button
is shown exactly when its ``check_*`` passes, a shown button works, and a
hidden one refuses a forged POST with the reason the check gives.
"""

import html

import pytest
import reversion
from django.test import Client
from django.urls import reverse

from articles import workflow
from articles.models import Article, Rating
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    EntityFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SCHEDULE_AT = "2031-01-02T06:00"


def _article(people, *, live: bool) -> Article:
    with reversion.create_revision():
        article = ArticleFactory(slug="live" if live else "draft")
        claim = ClaimFactory(
            article=article,
            claimant=EntityFactory(name="Acme Corp"),
            tagged_by=people["reporter"],
        )
        CitationFactory(claim=claim)
    workflow.rate_claim(claim, user=people["checker"], rating=Rating.ACCURATE)
    if live:
        workflow.publish(article, user=people["publisher"])
    return Article.objects.get(pk=article.pk)


def _tag_data(article):
    start = article.body.index("Analysts expect")
    end = start + len("Analysts expect")
    return {"start": start, "end": end, "quote": article.body[start:end]}


ACTIONS = {
    "submit": (workflow.check_submit, lambda a: {}),
    "publish": (workflow.check_publish, lambda a: {"note": ""}),
    "unpublish": (workflow.check_unpublish, lambda a: {"note": "Legal review."}),
    "schedule": (workflow.check_schedule, lambda a: {"publish_at": SCHEDULE_AT}),
    "tag": (workflow.check_tag, _tag_data),
}


def _state(article: Article) -> dict:
    article = Article.objects.get(pk=article.pk)
    return {
        "status": article.status,
        "versions": article.published_versions.count(),
        "live": article.is_live,
        "scheduled": article.publish_at is not None,
        "claims": article.claims.count(),
    }


def _done(name: str, before: dict, after: dict) -> bool:
    """Whether the action ``name`` took effect, from the states around it."""
    return {
        "submit": after["status"] == Article.Status.IN_REVIEW != before["status"],
        "publish": after["versions"] == before["versions"] + 1,
        "unpublish": before["live"] and not after["live"],
        "schedule": after["scheduled"] and not before["scheduled"],
        "tag": after["claims"] == before["claims"] + 1,
    }[name]


@pytest.mark.parametrize("live", [False, True], ids=["draft", "live"])
@pytest.mark.parametrize("role", ["reporter", "checker", "publisher", "boss"])
@pytest.mark.parametrize("name", list(ACTIONS))
def test_a_button_is_shown_when_its_check_passes_and_refused_with_its_reason(
    people, role, name, live
):
    people = {**people, "boss": UserFactory(username="boss", is_superuser=True)}
    article = _article(people, live=live)
    user = people[role]
    check, data = ACTIONS[name]
    reasons = check(article, user=user)
    client = Client()
    client.force_login(user)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    url = reverse(f"admin:articles_article_{name}", args=[article.pk])
    shown = f'action="{url}"' in page.content.decode()
    assert shown is (reasons == []), (name, role, reasons)
    applies = {
        "submit": article.status in (Article.Status.DRAFT, Article.Status.WITHDRAWN),
        "unpublish": article.is_live,
    }.get(name, True)
    if not shown and applies:
        # The page says why a button that would fit the article is not there.
        text = html.unescape(page.content.decode())
        assert all(r in text for r in reasons), reasons
    before = _state(article)
    response = client.post(url, data(article), follow=True)
    done = _done(name, before, _state(article))
    assert done is shown, (name, role)
    if not shown:
        assert response.status_code in (200, 403)
        assert reasons[0] in html.unescape(response.content.decode())


@pytest.mark.parametrize(
    "zone, value",
    [
        ("Europe/Berlin", "0001-01-01T00:30"),
        ("America/New_York", "9999-12-31T23:59"),
        ("UTC", "31 December"),
    ],
)
def test_a_time_the_database_cannot_store_is_refused_with_the_reason(
    people, settings, zone, value
):
    settings.TIME_ZONE = zone
    article = _article(people, live=False)
    client = Client()
    client.force_login(people["publisher"])
    url = reverse("admin:articles_article_schedule", args=[article.pk])
    response = client.post(url, {"publish_at": value}, follow=True)
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert "Not scheduled:" in text
    if "T" in value:
        assert "outside the times the newsroom can store" in text
    assert Article.objects.get(pk=article.pk).publish_at is None
