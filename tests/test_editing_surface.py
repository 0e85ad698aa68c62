"""The article's editing surface in the admin: its claim list, list and messages."""

import pytest
from django.urls import reverse
from django.utils.html import format_html

from articles import workflow
from articles.models import Rating
from desk.models import Note
from newsroom.admin_base import single_quotes
from tests.factories import ArticleFactory, CitationFactory, ClaimFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(people):
    article = ArticleFactory(title="Acme doubles its profits")
    claim = ClaimFactory(article=article, tagged_by=people["reporter"])
    CitationFactory(claim=claim)
    workflow.rate_claim(claim, user=people["checker"], rating=Rating.ACCURATE)
    Note.objects.create(
        article=article, claim=claim, author=people["reporter"], text="?"
    )
    return article


def _change_page(client, user, article) -> str:
    client.force_login(user)
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_claim_list_shows_rating_state_checker_and_notes(client, people, article):
    html = _change_page(client, people["checker"], article)
    claim = article.claims.get()
    assert 'class="newsroom-claim__label newsroom-claim--accurate">Accurate<' in html
    assert (
        '<span class="newsroom-anchor newsroom-anchor--anchored">Anchored</span>'
        in (html)
    )
    assert "Checked by frank" in html
    claim_url = reverse("admin:articles_claim_change", args=[claim.pk])
    assert f'href="{claim_url}#notes">1 open note</a>' in html
    assert (
        f'href="{claim_url}" class="inlinechangelink newsroom-claimrow__open"' in html
    )
    # A fact-checker may change the rating here.
    assert 'name="claims-0-rating"' in html


def test_claim_list_shows_what_a_role_may_not_change_as_text(client, people, article):
    html = _change_page(client, people["reporter"], article)
    assert 'name="claims-0-rating"' not in html
    assert 'newsroom-claim--accurate">Accurate<' in html
    assert 'name="claims-0-rating_explanation"' not in html


def test_stale_claim_is_marked_in_the_list(client, people, article):
    claim = article.claims.get()
    claim.statement = "Something else."
    claim.save()
    html = _change_page(client, people["checker"], article)
    assert "Stale: re-check needed" in html


def test_article_list_shows_status_live_link_assignee_and_update(
    client, people, article
):
    workflow.publish(article, user=people["publisher"])
    article.refresh_from_db()
    article.reporter = people["reporter"]
    article.save(update_fields=["reporter"])
    client.force_login(people["publisher"])
    html = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert f'<a href="{article.get_absolute_url()}" class="newsroom-nowrap">live: ' in (
        html
    )
    assert "Rita Reyes" in html  # the published article waits on its reporter
    assert "column-assignee" in html and "column-updated" in html


def test_messages_do_not_double_quotation_marks():
    name = format_html('<a href="{}">{}</a>', "/admin/x/", "“its profits doubled”")
    message = format_html("The claim “{}” was changed successfully.", name)
    assert str(single_quotes(message)) == (
        'The claim <a href="/admin/x/">“its profits doubled”</a> was changed '
        "successfully."
    )
    plain = "The claim ““its profits doubled”” was deleted."
    assert single_quotes(plain) == "The claim “its profits doubled” was deleted."
    kept = format_html("The article “{}” was changed.", "“Foo” bar")
    assert single_quotes(kept) == kept


# The live preview -------------------------------------------------------------

PREVIEW_TEXT = (
    "## Results\n\nAcme **doubled** its *profits*, said [its report]"
    "(https://example.org/r).\n\n> A quote.\n\n- one\n- two\n\n"
    "<script>alert(1)</script>"
)


def test_preview_renders_as_the_public_page_does(client, people):
    from articles.rendering import render_body

    client.force_login(people["reporter"])
    url = reverse("admin:articles_article_render_markdown")
    response = client.post(url, {"body": PREVIEW_TEXT})
    assert response.status_code == 200
    html = response.json()["html"]
    assert html == render_body(PREVIEW_TEXT)
    assert "<strong>doubled</strong>" in html and "<script" not in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_preview_is_for_writers_only(client, people):
    from tests.factories import UserFactory

    url = reverse("admin:articles_article_render_markdown")
    assert client.post(url, {"body": "x"}).status_code == 302  # to the login
    client.force_login(UserFactory(username="visitor", is_staff=True))
    assert client.post(url, {"body": "x"}).status_code == 403
    client.force_login(people["reporter"])
    assert client.get(url).status_code == 405


def test_preview_refuses_a_text_past_the_limit(client, people, settings):
    from articles.models import BODY_MAX_LENGTH

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * BODY_MAX_LENGTH
    client.force_login(people["reporter"])
    url = reverse("admin:articles_article_render_markdown")
    response = client.post(url, {"body": "x" * (BODY_MAX_LENGTH + 1)})
    assert response.status_code == 400
    assert "the limit is 200,000" in response.json()["error"]


def test_body_field_names_the_preview_address(client, people, article):
    html = _change_page(client, people["reporter"], article)
    url = reverse("admin:articles_article_render_markdown")
    assert f'data-preview-url="{url}"' in html
    assert "newsroom/editor" in html


# Tagging unsaved text -------------------------------------------------------------


def test_tag_claim_in_unsaved_text_saves_the_text_and_tags_it(client, people):
    from tests.test_admin import form_data

    article = ArticleFactory(body="Acme said its profits doubled last year.")
    url = reverse("admin:articles_article_change", args=[article.pk])
    client.force_login(people["reporter"])
    data = form_data(client.get(url))
    body = "Acme said its profits doubled last year.\n\nIt hired 500 people."
    words = "It hired 500 people"
    data.update(
        body=body,
        _continue="Save and continue editing",
        newsroom_tag_start=str(body.index(words)),
        newsroom_tag_end=str(body.index(words) + len(words)),
        newsroom_tag_quote=words,
    )
    response = client.post(url, data, follow=True)
    html = response.content.decode()
    assert "claim “It hired 500 people” is tagged in them" in html
    article.refresh_from_db()
    assert article.body == body
    claim = article.claims.get()
    assert body[claim.start : claim.end] == words
    assert claim.tagged_by == people["reporter"]


def test_tag_claim_in_unsaved_text_refuses_words_not_in_it(client, people):
    from tests.test_admin import form_data

    article = ArticleFactory(body="Acme said its profits doubled last year.")
    url = reverse("admin:articles_article_change", args=[article.pk])
    client.force_login(people["reporter"])
    data = form_data(client.get(url))
    data.update(
        body="Acme said its profits tripled.",
        newsroom_tag_start="0",
        newsroom_tag_end="4",
        newsroom_tag_quote="Beta",
    )
    html = client.post(url, data, follow=True).content.decode()
    assert "Your edits are saved, but the claim is not tagged" in html
    article.refresh_from_db()
    assert article.body == "Acme said its profits tripled."
    assert not article.claims.exists()


def test_preview_shows_a_library_picture_placed_in_the_text(client, people):
    from tests.factories import library_image

    image = library_image(people["reporter"], alt="Two circles that overlap.")
    client.force_login(people["reporter"])
    url = reverse("admin:articles_article_render_markdown")
    body = f"Before.\n\n![The partnership, drawn](image:{image.pk})\n\nAfter."
    html = client.post(url, {"body": body}).json()["html"]
    assert "<figure" in html and 'alt="Two circles that overlap."' in html
    assert "The partnership, drawn" in html
    # A picture that is not in the library, or written as a web address, is not.
    html = client.post(
        url, {"body": "![x](image:999999)\n\n![y](https://example.org/a.png)"}
    ).json()["html"]
    assert "<img" not in html and "<figure" not in html
