"""Signed, expiring preview links to a draft revision."""

from datetime import timedelta

import pytest
import reversion
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from articles import pages, previews, workflow
from articles.models import PreviewLink, PreviewPage, Rating
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    UserFactory,
    fact_checker,
    reporter,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(roles):
    article = ArticleFactory(title="Secret draft headline")
    claim = ClaimFactory(article=article)
    workflow.rate_claim(claim, user=fact_checker(), rating=Rating.OPINION)
    return article


def test_preview_shows_the_revision_marked_and_noindex(client, draft, roles):
    link, token = previews.create_preview(draft, user=reporter(), note="our lawyer")
    response = client.get(previews.preview_url(link))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Secret draft headline" in html
    assert "Preview, not published." in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "claim--opinion" in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Cache-Control"] == "private, no-store"
    assert "application/ld+json" not in html


def test_preview_shows_the_revision_not_later_edits(client, draft, roles):
    link, _ = previews.create_preview(draft, user=reporter())
    draft.title = "Later headline"
    draft.save()
    html = client.get(previews.preview_url(link)).content.decode()
    assert "Secret draft headline" in html
    assert "Later headline" not in html


def test_expired_and_revoked_links_stop_working(client, draft, roles):
    link, _ = previews.create_preview(draft, user=reporter(), hours=1)
    url = previews.preview_url(link)
    PreviewLink.objects.filter(pk=link.pk).update(
        created_at=timezone.now() - timedelta(hours=3),
        expires_at=timezone.now() - timedelta(hours=2),
    )
    response = client.get(url)
    assert response.status_code == 404
    assert "Secret draft headline" not in response.content.decode()

    link, _ = previews.create_preview(draft, user=reporter())
    previews.revoke_preview(link, user=reporter())
    assert client.get(previews.preview_url(link)).status_code == 404


def test_forged_token_is_refused(client, draft, roles):
    link, _ = previews.create_preview(draft, user=reporter())
    forged = signing.dumps(link.pk, salt="something else")
    assert client.get(f"/preview/{forged}/").status_code == 404
    assert client.get("/preview/not-a-token/").status_code == 404


def test_only_editors_make_previews(draft):
    with pytest.raises(PermissionDenied):
        previews.create_preview(draft, user=UserFactory(is_staff=False))


def test_admin_makes_and_revokes_a_preview_link(client, draft, roles):
    editor = reporter()
    client.force_login(editor)
    url = f"/admin/articles/article/{draft.pk}/preview/"
    assert client.get(url).status_code == 405
    response = client.post(url, {"hours": "24", "note": "a source"}, follow=True)
    assert "Preview link made" in response.content.decode()
    link = PreviewLink.objects.get()
    assert link.note == "a source"
    assert link.created_by == editor
    revoke = f"/admin/articles/article/{draft.pk}/preview/{link.pk}/revoke/"
    client.post(revoke)
    link.refresh_from_db()
    assert link.revoked_at is not None


# Rendered once per revision ------------------------------------------------------


def _rendered_the_article(response) -> bool:
    """Whether the response rendered the article's text (not the stored page)."""
    return "articles/article_main.html" in [t.name for t in response.templates]


def test_a_preview_is_rendered_once_per_revision_and_served_stored(
    client, draft, roles, django_assert_max_num_queries
):
    editor = reporter()
    link, _ = previews.create_preview(draft, user=editor, hours=24)
    assert PreviewPage.objects.count() == 1  # rendered when the link was made
    other, _ = previews.create_preview(draft, user=editor, note="a second reader")
    assert other.revision_id == link.revision_id
    assert PreviewPage.objects.count() == 1  # same revision: not rendered again
    for shared in (link, other, link):
        # The link, then its stored page: whatever the length of the draft.
        with django_assert_max_num_queries(2):
            response = client.get(previews.preview_url(shared))
        assert response.status_code == 200
        assert not _rendered_the_article(response)
        html = response.content.decode()
        assert "Secret draft headline" in html
        expires = shared.expires_at.strftime("%-d %B %Y")
        assert f"This preview link works until {expires}" in html
    # A new revision is a new page, rendered once.
    draft.title = "Second draft headline"
    draft.save()
    with reversion.create_revision():
        draft.save()
    newer, _ = previews.create_preview(draft, user=editor)
    assert PreviewPage.objects.count() == 2
    assert "Second draft headline" in client.get(previews.preview_url(newer)).text
    assert "Secret draft headline" in client.get(previews.preview_url(link)).text


def test_a_preview_stored_by_other_code_is_rendered_again_once(client, draft, roles):
    link, _ = previews.create_preview(draft, user=reporter())
    PreviewPage.objects.update(rendered_with="old-release", main="OUT OF DATE")
    first = client.get(previews.preview_url(link))
    assert _rendered_the_article(first)
    assert "OUT OF DATE" not in first.text and "Secret draft headline" in first.text
    second = client.get(previews.preview_url(link))
    assert not _rendered_the_article(second)
    assert second.content == first.content
    assert PreviewPage.objects.get().rendered_with == pages.render_key()


def test_a_long_draft_preview_costs_its_visitors_no_rendering(client, roles):
    long_body = "\n\n".join(
        f"Paragraph {i}: the company said its revenue grew in every market."
        for i in range(3000)
    )
    assert len(long_body) > 190_000
    article = ArticleFactory(title="A long draft", body=long_body)
    link, _ = previews.create_preview(article, user=reporter())
    for _ in range(3):
        response = client.get(previews.preview_url(link))
        assert response.status_code == 200
        assert not _rendered_the_article(response)
        assert "Paragraph 2999" in response.text
