"""Autosaved drafts: kept while typing, not revisions, offered back, gone on save."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse, reverse_lazy
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


# A new article: typed on the add page before its first save.

ADD_URL = reverse_lazy("admin:articles_article_add")
ADD_AUTOSAVE_URL = reverse_lazy("admin:articles_article_add_autosave")


def test_a_new_article_has_one_draft_per_editor(people):
    reporter = people["reporter"]
    assert drafts.draft_for(None, user=reporter) is None
    for body in ("First try.", "Second try."):
        drafts.save_draft(None, user=reporter, text={"body": body}, base_lock_version=3)
    draft = Draft.objects.get()
    assert (draft.article, draft.body, draft.base_lock_version) == (
        None,
        "Second try.",
        0,
    )
    assert drafts.draft_for(None, user=reporter) == draft
    assert drafts.draft_for(None, user=people["checker"]) is None
    assert not drafts.is_behind(draft, None)
    # A draft of an article is another draft.
    article = ArticleFactory()
    drafts.save_draft(article, user=reporter, text={"body": "x"}, base_lock_version=0)
    assert Draft.objects.filter(user=reporter).count() == 2
    assert drafts.discard_draft(None, user=reporter)
    assert Draft.objects.get().article == article


def test_a_blank_new_article_draft_is_not_offered(people):
    drafts.save_draft(None, user=people["reporter"], text={}, base_lock_version=0)
    assert drafts.draft_for(None, user=people["reporter"]) is None


def test_a_new_article_draft_is_for_those_who_may_add_articles(client, people):
    visitor = UserFactory(username="visitor", is_staff=True)
    assert drafts.check_save_draft(None, user=visitor) == ["You may not add articles."]
    with pytest.raises(PermissionDenied):
        drafts.save_draft(None, user=visitor, text={"body": "x"}, base_lock_version=0)
    client.force_login(visitor)
    assert client.post(ADD_AUTOSAVE_URL, {"body": "Typed."}).status_code == 403
    discard = reverse("admin:articles_article_add_discard_draft")
    assert client.post(discard).status_code == 403
    assert not Draft.objects.exists()


def test_add_page_autosaves_offers_back_and_discards_on_save(client, people):
    client.force_login(people["reporter"])
    page = client.get(ADD_URL).content.decode()
    assert f'data-autosave-url="{ADD_AUTOSAVE_URL}"' in page
    assert "Unsaved work from" not in page
    response = client.post(
        ADD_AUTOSAVE_URL, {"title": "A new story", "body": "Typed, never saved."}
    )
    assert response.status_code == 200 and "saved_at" in response.json()
    draft = Draft.objects.get(user=people["reporter"])
    assert (draft.article, draft.title, draft.body) == (
        None,
        "A new story",
        "Typed, never saved.",
    )
    too_long = client.post(ADD_AUTOSAVE_URL, {"body": "x" * (BODY_MAX_LENGTH + 1)})
    assert too_long.status_code == 400 and "body" in too_long.json()["error"]
    # Coming back to the add page: the draft is offered, to its author only.
    response = client.get(ADD_URL)
    page = response.content.decode()
    assert "Unsaved work from" in page and "Restore my draft" in page
    assert "You were writing a new article and did not save it" in page
    assert "Typed, never saved." in page  # in the draft's fields, for the restore
    assert reverse("admin:articles_article_add_discard_draft") in page
    assert "saved by someone since" not in page
    client.force_login(people["checker"])
    assert "Unsaved work from" not in client.get(ADD_URL).content.decode()
    # Saving a new article discards it.
    client.force_login(people["reporter"])
    data = form_data(response)
    data.update(title="A new story", slug="a-new-story", body="Typed, never saved.")
    response = client.post(ADD_URL, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not Draft.objects.exists()


def test_discard_endpoint_of_a_new_article(client, people):
    client.force_login(people["reporter"])
    client.post(ADD_AUTOSAVE_URL, {"body": "Typed."})
    url = reverse("admin:articles_article_add_discard_draft")
    assert client.post(url).json() == {"discarded": True}
    assert not Draft.objects.exists()
