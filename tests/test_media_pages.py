"""
Images on published pages (issue 18): the renderer writes every <img>, with
its caption, credit and alt text; renditions are made once, in the
background worker, and the stored page names them; a published version
keeps the images it was published with; the gate asks alt text of every
image shown; /media/ is bounded and safe.
"""

import re
from pathlib import Path

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles import caching, gate, workflow
from articles.models import Article
from articles.rendering import render_body
from media import library
from media.models import Rendition
from media.renditions import widths_for
from tests.factories import ArticleFactory, image_file, library_image

pytestmark = pytest.mark.django_db

IMG = re.compile(r"<img [^>]*>")


def published(article, people) -> Article:
    if not workflow.check_record_no_claims(article, user=people["checker"]):
        # A fact-checker read the story and found nothing to check.
        article = workflow.record_no_claims(article, user=people["checker"])
    workflow.publish(article, user=people["publisher"])
    return Article.objects.get(pk=article.pk)


def page(client, article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def srcset_urls(html: str) -> list[str]:
    urls = []
    for srcset in re.findall(r'srcset="([^"]+)"', html):
        urls += [part.strip().split(" ")[0] for part in srcset.split(",")]
    return urls


@pytest.fixture
def illustrated(people):
    """A draft with a lead image and two images in its body."""
    lead = library_image(
        people["reporter"],
        alt="Crowds on the quay at dawn",
        caption="The quay, before the ferries.",
        credit="Photo: Ann Lee / Desk",
        licence="CC BY 4.0",
    )
    first = library_image(people["reporter"], alt="A chart of ferry crossings")
    second = library_image(
        people["reporter"], alt="", decorative=True, credit="Illustration: Bo"
    )
    body = (
        "The ferries ran late all week.\n\n"
        f"![Crossings by month, 2024]({'image:'}{first.pk})\n\n"
        "Passengers waited for hours, the port said.\n\n"
        f"Some text ![]({'image:'}{second.pk}) around a picture."
    )
    article = ArticleFactory(body=body, lead_image=lead)
    return article, lead, first, second


def test_the_page_shows_figures_with_caption_credit_and_alt(
    client, people, illustrated
):
    article, lead, first, second = illustrated
    html = page(client, published(article, people))
    figures = re.findall(r"<figure.*?</figure>", html, re.DOTALL)
    assert len(figures) == 3
    lead_figure, first_figure, second_figure = figures
    assert 'class="figure figure--lead"' in lead_figure
    assert 'alt="Crowds on the quay at dawn"' in lead_figure
    assert 'loading="eager"' in lead_figure  # above the fold
    assert "The quay, before the ferries." in lead_figure
    assert "Photo: Ann Lee / Desk · CC BY 4.0" in lead_figure
    # The caption given in the body wins over the library's.
    assert "Crossings by month, 2024" in first_figure
    assert 'alt="A chart of ferry crossings"' in first_figure
    assert 'loading="lazy"' in first_figure
    # A decorative image: empty alt, still credited.
    assert 'alt=""' in second_figure and "Illustration: Bo" in second_figure
    # A picture in a paragraph splits it: no <figure> inside a <p>.
    assert not re.search(r"<p>[^<]*(<[^/p][^>]*>[^<]*)*<figure", html)
    assert "<p>Some text </p>" in html and "<p> around a picture.</p>" in html
    for img in IMG.findall(html):
        assert re.search(r'width="\d+" height="\d+"', img)  # no layout shift


def test_without_a_worker_the_page_shows_the_originals(client, people, illustrated):
    article, lead, first, second = illustrated
    html = page(client, published(article, people))
    assert not Rendition.objects.exists()
    for image in (lead, first, second):
        assert f'src="/media/{image.file.name}"' in html
    assert "srcset" not in html


# Committed transactions, as in production: the worker runs what the
# uploads and the publish enqueued when they committed (and, on PostgreSQL,
# it may close its connection between tasks, as it does in production).
@pytest.mark.django_db(transaction=True)
def test_renditions_are_made_once_and_the_stored_page_names_them(
    client, people, illustrated, run_tasks, media_root
):
    article, lead, first, second = illustrated
    article = published(article, people)
    generation = caching.current_state()[0]
    ran = run_tasks()
    # Asked once per upload, and again by the publish (nothing made yet).
    assert len(ran) == 6
    assert all(r.status == "SUCCESSFUL" for r in ran), [r.traceback for r in ran]
    made = Rendition.objects.count()
    wanted = sum(2 * len(widths_for(i.width)) for i in (lead, first, second))
    assert made == wanted
    # Once per image and width: asked again, the worker makes none.
    from media.tasks import make_renditions

    result = make_renditions.call(
        first.file.name, first.sha256, first.format, first.width
    )
    assert result["created"] == 0 and Rendition.objects.count() == made
    # The stored page now names them, and readers get it at once.
    assert caching.current_state()[0] > generation
    html = page(client, article)
    assert Rendition.objects.count() == made  # a request makes none
    urls = srcset_urls(html)
    assert len(urls) == wanted
    for url in urls:
        assert url.startswith("/media/renditions/")
        assert (Path(media_root) / url.removeprefix("/media/")).is_file()
    assert 'type="image/webp"' in html
    stored = Article.objects.get(pk=article.pk).live_version.page_html
    assert stored.count('type="image/webp"') == 3


def test_a_published_version_keeps_the_images_it_was_published_with(
    client, people, illustrated
):
    article, lead, first, second = illustrated
    article = published(article, people)
    old_file = lead.file.name
    library.replace_image(
        lead,
        image_file(size=(900, 600), color=(1, 2, 3)),
        user=people["reporter"],
        name="new.jpg",
    )
    lead.refresh_from_db()
    lead.alt = "A different description"
    library.save_image(lead, user=people["reporter"])
    html = page(client, article)
    assert f"/media/{old_file}" in html and lead.file.name not in html
    assert "Crowds on the quay at dawn" in html
    assert "A different description" not in html
    # The old file stays for the version that shows it.
    assert library.default_storage.exists(old_file)
    # Published again, readers see the new picture and words.
    html = page(client, published(Article.objects.get(pk=article.pk), people))
    assert f"/media/{lead.file.name}" in html and "A different description" in html


def test_the_gate_asks_alt_text_of_every_image_shown(people):
    silent = library_image(people["reporter"], alt="")
    body = f"Text.\n\n![](image:{silent.pk})\n\n![](image:99999)"
    article = ArticleFactory(body=body, lead_image=silent)
    messages = [b.message for b in gate.gate_blockers(article)]
    assert any(
        f"Image {silent} (the lead image, in the body) has no alt text" in m
        for m in messages
    ), messages
    assert any(
        "places image #99999, which is not in the media library" in m for m in messages
    )
    silent.decorative = True
    library.save_image(silent, user=people["reporter"])
    messages = [b.message for b in gate.gate_blockers(article)]
    assert not any("has no alt text" in m for m in messages)


def test_open_graph_and_newsarticle_name_the_lead_image(client, people, illustrated):
    article, lead, first, second = illustrated
    html = page(client, published(article, people))
    assert (
        f'<meta property="og:image" content="http://127.0.0.1:8000/media/{lead.file.name}">'
        in html
        or (f'/media/{lead.file.name}">' in html and 'property="og:image"' in html)
    )
    assert '<meta property="og:image:alt" content="Crowds on the quay at dawn">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    news = Article.objects.get(pk=article.pk).live_version.jsonld[0]
    assert news["@type"] == "NewsArticle"
    urls = [image["url"] for image in news["image"]]
    assert urls[0].endswith(lead.file.name) and urls[0].startswith("http")
    assert len(urls) == 3
    assert news["image"][0]["creditText"] == "Photo: Ann Lee / Desk"


# No author writes an <img> -------------------------------------------------------

FRAGMENTS = st.sampled_from(
    [
        '<img src="x" onerror="alert(1)">',
        "![x](https://evil.example/x.png)",
        "![x](javascript:alert(1))",
        "![x](image:abc)",
        '![x](image:12 "t")',
        "![<img src=x>](image:7)",
        "<picture><img src=y></picture>",
        "`![code](image:3)`",
        "# ![heading](image:4)",
        "| a |\n|---|\n| ![cell](image:5) |",
        "\ue004 9 \ue005 x \ue007",
        "word",
        "\n\n",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(FRAGMENTS, max_size=12))
def test_no_author_written_img_reaches_a_page(fragments):
    body = " ".join(fragments)
    ours = []

    def figure(image_id, caption):
        ours.append(image_id)
        return f'<figure><img data-ours="{image_id}" alt=""></figure>'

    html = render_body(body, figure=figure)
    for img in IMG.findall(html):
        assert img.startswith("<img data-ours="), (body, html)
    assert not re.search(r"<(picture|source|svg|script)\b", html)
    assert all(isinstance(i, int) for i in ours)


# /media/ ---------------------------------------------------------------------------


def test_media_files_are_served_with_safe_headers(people):
    image = library_image(people["reporter"])
    client = Client()
    response = client.get(f"/media/{image.file.name}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "immutable" in response["Cache-Control"]
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    again = client.get(f"/media/{image.file.name}", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert client.head(f"/media/{image.file.name}").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "../newsroom.sqlite3",
        "images/../../etc/passwd",
        "images/ab/notahash.jpg",
        "images/" + "a" * 2 + "/" + "0" * 64 + ".html",
        "images/" + "a" * 2 + "/" + "0" * 64 + ".svg",
        "images/" + "a" * 2 + "/" + "0" * 64 + ".jpg",  # well formed, not there
        "captures/x.warc",
        "x" * 5000,
    ],
)
def test_media_answers_404_for_anything_else(client, path):
    response = client.get(f"/media/{path}")
    assert response.status_code == 404
    assert client.post(f"/media/{path}").status_code in (404, 405)


def test_a_shared_preview_shows_the_drafts_images(client, people, illustrated):
    from articles import previews

    article, lead, first, second = illustrated
    link, token = previews.create_preview(article, user=people["reporter"])
    html = client.get(f"/preview/{token}/").content.decode()
    assert html.count("<figure") == 3
    assert 'alt="Crowds on the quay at dawn"' in html


def test_a_move_to_another_storage_makes_stored_pages_render_again(settings):
    from articles import pages

    before = pages.render_key()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "newsroom.storage.MediaS3Storage"},
    }
    assert pages.render_key() != before


def test_a_revert_of_an_images_revision_keeps_its_file(client, people):
    from reversion.models import Version

    from tests.test_admin import form_data

    image = library_image(people["reporter"], alt="First words")
    library.replace_image(
        image, image_file(size=(70, 70)), user=people["reporter"], name="new.jpg"
    )
    image.refresh_from_db()
    replaced = (image.file.name, image.sha256)
    first = Version.objects.get_for_object(image).order_by("pk").first()
    client.force_login(people["reporter"])
    url = f"/admin/media/image/{image.pk}/history/{first.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    data = form_data(response, "image_form")
    data.pop("upload", None)
    response = client.post(url, data)
    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.file.name, image.sha256) == replaced  # read-only stays so
    assert image.alt == "First words"


def test_an_images_words_cannot_break_out_of_the_page(client, people):
    payload = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    image = library_image(
        people["reporter"],
        alt=f"alt {payload}",
        caption=f"caption {payload}",
        credit=f"credit {payload}",
        licence=f"licence {payload}",
        source_url="https://example.org/?q=%22%3E%3Cscript%3E",
    )
    article = ArticleFactory(
        body=f"Text.\n\n![given {payload}](image:{image.pk})", lead_image=image
    )
    html = page(client, published(article, people))
    assert "<script>alert" not in html and "<img src=x" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 5
