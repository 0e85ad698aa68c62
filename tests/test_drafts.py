"""Autosaved drafts: kept while typing, not revisions, offered back, gone on save."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from reversion.models import Version

from articles import drafts
from articles.models import BODY_MAX_LENGTH, Draft
from tests.factories import ArticleFactory, UserFactory
from tests.test_admin import form_data

pytestmark = pytest.mark.django_db


def autosave_url(article):
    return reverse("admin:articles_article_autosave", args=[article.pk])


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_a_draft_is_one_row_per_editor_and_no_revision(people):
    article = ArticleFactory()
    revisions = Version.objects.count()
    user = people["reporter"]
    for body in ("First try.", "Second try."):
        drafts.save_draft(article, user=user, text={"body": body}, base_lock_version=0)
    draft = Draft.objects.get()
    assert draft.body == "Second try." and draft.title == article.title
    assert Version.objects.count() == revisions
    assert drafts.draft_for(article, user=user) == draft
    assert drafts.draft_for(article, user=people["checker"]) is None


def test_a_draft_is_for_those_who_may_edit(people):
    article = ArticleFactory()
    with pytest.raises(PermissionDenied):
        drafts.save_draft(
            article,
            user=UserFactory(username="visitor", is_staff=True),
            text={"body": "x"},
            base_lock_version=0,
        )
    with pytest.raises(ValidationError):
        drafts.save_draft(
            article,
            user=people["reporter"],
            text={"body": "x" * (BODY_MAX_LENGTH + 1)},
            base_lock_version=0,
        )
    assert not Draft.objects.exists()


def test_a_draft_that_says_what_the_article_says_is_not_offered(people):
    article = ArticleFactory()
    drafts.save_draft(article, user=people["reporter"], text={}, base_lock_version=0)
    assert drafts.draft_for(article, user=people["reporter"]) is None


def test_autosave_endpoint_keeps_the_draft(client, people):
    article = ArticleFactory()
    client.force_login(people["reporter"])
    response = client.post(
        autosave_url(article),
        {"title": "New headline", "body": "Typed.", "seen_lock_version": "0"},
    )
    assert response.status_code == 200 and "saved_at" in response.json()
    draft = Draft.objects.get(user=people["reporter"])
    assert (draft.title, draft.body, draft.base_lock_version) == (
        "New headline",
        "Typed.",
        0,
    )
    too_long = client.post(autosave_url(article), {"body": "x" * (BODY_MAX_LENGTH + 1)})
    assert too_long.status_code == 400
    assert client.post(
        reverse("admin:articles_article_autosave", args=[999999])
    ).status_code in (302, 404)


def test_change_page_offers_the_draft_and_says_when_it_is_behind(client, people):
    article = ArticleFactory()
    client.force_login(people["reporter"])
    client.post(autosave_url(article), {"body": "Typed.", "seen_lock_version": "0"})
    page = client.get(change_url(article)).content.decode()
    assert "Unsaved work from" in page and "Restore my draft" in page
    assert 'id="newsroom-draft-fields"' in page
    assert "The article was saved by someone since you opened it" not in page
    article.lock_version += 1  # saved by someone else since
    article.save()
    page = client.get(change_url(article)).content.decode()
    assert "The article was saved by someone since you opened it" in page
    # Only its author sees a draft.
    client.force_login(people["checker"])
    assert "Unsaved work from" not in client.get(change_url(article)).content.decode()


def test_saving_the_article_discards_the_draft(client, people):
    article = ArticleFactory()
    client.force_login(people["reporter"])
    client.post(autosave_url(article), {"body": "Typed.", "seen_lock_version": "0"})
    data = form_data(client.get(change_url(article)))
    data["body"] = "Typed."
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not Draft.objects.exists()


def test_discard_endpoint(client, people):
    article = ArticleFactory()
    client.force_login(people["reporter"])
    client.post(autosave_url(article), {"body": "Typed."})
    url = reverse("admin:articles_article_discard_draft", args=[article.pk])
    assert client.post(url).json() == {"discarded": True}
    assert not Draft.objects.exists()
