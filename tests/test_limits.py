"""
Limits (issue "Safety and reliability"): long texts, search queries, request
bodies and form fields are capped, and each refusal says what and by how much.
"""

import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from reversion.models import Version

from articles import importing, workflow
from articles.models import (
    BODY_MAX_LENGTH,
    DEK_MAX_LENGTH,
    EXCERPT_MAX_LENGTH,
    EXPLANATION_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    Article,
    Citation,
    Claim,
    Correction,
    PublishedVersion,
    Rating,
)
from articles.search import MAX_QUERY_LENGTH
from entities.models import (
    ALIASES_MAX_LENGTH,
    AUTHORS_MAX_LENGTH,
    NOTES_MAX_LENGTH,
    Entity,
    Source,
)
from masthead.models import Funder, Masthead, TeamMember
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    CorrectionFactory,
    EntityFactory,
    SourceFactory,
)
from tests.test_admin import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(people):
    """A draft with one claim tagged by the reporter and cited."""
    article = ArticleFactory(title="Acme results")
    claim = ClaimFactory(
        article=article,
        claimant=EntityFactory(name="Acme Corp"),
        tagged_by=people["reporter"],
    )
    CitationFactory(claim=claim, source=SourceFactory(title="Acme annual report"))
    return article


def _too_long(limit: int) -> str:
    return "word " * (limit // 5) + "extra"


# Every capped text field, refused by full_clean (so by every form) ---------------


CAPPED = [
    (ArticleFactory, "body", BODY_MAX_LENGTH),
    (ArticleFactory, "dek", DEK_MAX_LENGTH),
    (ClaimFactory, "rating_explanation", EXPLANATION_MAX_LENGTH),
    (CitationFactory, "excerpt", EXCERPT_MAX_LENGTH),
    (CitationFactory, "note", NOTE_MAX_LENGTH),
    (CorrectionFactory, "text", EXPLANATION_MAX_LENGTH),
    (EntityFactory, "aliases", ALIASES_MAX_LENGTH),
    (SourceFactory, "authors", AUTHORS_MAX_LENGTH),
    (SourceFactory, "notes", NOTES_MAX_LENGTH),
]


@pytest.mark.parametrize(
    ("factory", "name", "limit"),
    CAPPED,
    ids=[f"{f._meta.model.__name__}.{n}" for f, n, _ in CAPPED],
)
def test_long_texts_are_capped_with_a_message_that_gives_the_numbers(
    factory, name, limit
):
    obj = (
        factory(article=ArticleFactory()) if factory is CorrectionFactory else factory()
    )
    setattr(obj, name, "x" * limit)
    obj.full_clean()  # at the limit: accepted
    setattr(obj, name, "x" * (limit + 1))
    with pytest.raises(ValidationError) as refused:
        obj.full_clean()
    [message] = refused.value.message_dict[name]
    assert f"at most {limit} characters (it has {limit + 1})" in message


def test_every_free_text_field_an_author_types_is_capped():
    """A new unbounded text field must get a cap (and a row above)."""
    models = [Article, Claim, Citation, Correction, PublishedVersion, Entity, Source]
    models += [Masthead, TeamMember, Funder]
    uncapped = [
        f"{model.__name__}.{field.name}"
        for model in models
        for field in model._meta.get_fields()
        if field.get_internal_type() == "TextField"
        and field.editable
        and not any(hasattr(v, "limit_value") for v in field.validators)
    ]
    # The claim's quote is part of the (capped) body; a published version's
    # texts are copies of the article's, made by publish().
    assert sorted(uncapped) == [
        "Claim.quote",
        "PublishedVersion.body",
        "PublishedVersion.body_html",
        "PublishedVersion.body_text",
        "PublishedVersion.dek",
    ]


# Through the admin, the workflow and the importers -------------------------------


def test_article_body_over_the_cap_is_refused_in_the_admin_and_kept_in_the_form(
    client, people, article
):
    url = reverse("admin:articles_article_change", args=[article.pk])
    client.force_login(people["reporter"])
    data = form_data(client.get(url))
    data["body"] = article.body + "\n\n" + "More words. " * (BODY_MAX_LENGTH // 12)
    revisions = Version.objects.get_for_object(article).count()

    response = client.post(url, data)

    assert response.status_code == 200
    page = response.content.decode()
    typed = len(data["body"].strip())
    assert f"at most {BODY_MAX_LENGTH} characters (it has {typed})" in page
    assert "More words. More words." in page  # what was typed is still there
    article.refresh_from_db()
    assert "More words." not in article.body
    assert Version.objects.get_for_object(article).count() == revisions


def test_publish_and_unpublish_notes_are_capped(people, article):
    workflow.rate_claim(
        article.claims.get(), user=people["checker"], rating=Rating.ACCURATE
    )
    long_note = "n" * (NOTE_MAX_LENGTH + 1)
    with pytest.raises(ValidationError) as refused:
        workflow.publish(article, user=people["publisher"], note=long_note)
    assert refused.value.code == "note_too_long"
    assert f"the limit is {NOTE_MAX_LENGTH:,}" in refused.value.message
    assert not PublishedVersion.objects.exists()

    workflow.publish(article, user=people["publisher"], note="n" * NOTE_MAX_LENGTH)
    with pytest.raises(ValidationError) as refused:
        workflow.unpublish(article, user=people["publisher"], note=long_note)
    assert refused.value.code == "note_too_long"
    article.refresh_from_db()
    assert article.is_live


def test_rating_and_correction_over_the_cap_are_refused(people, article):
    claim = article.claims.get()
    with pytest.raises(ValidationError) as refused:
        workflow.rate_claim(
            claim,
            user=people["checker"],
            rating=Rating.ACCURATE,
            explanation="e" * (EXPLANATION_MAX_LENGTH + 1),
        )
    assert "rating_explanation" in refused.value.message_dict
    assert Claim.objects.get(pk=claim.pk).rating == Rating.UNRATED
    with pytest.raises(ValidationError) as refused:
        workflow.add_correction(
            article,
            user=people["publisher"],
            kind="correction",
            text="c" * (EXPLANATION_MAX_LENGTH + 1),
        )
    assert "text" in refused.value.message_dict
    assert not Correction.objects.exists()


def _import(path):
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_article",
            "--user",
            "paula",
            str(path),
            stdout=StringIO(),
            stderr=err,
        )
    return err.getvalue()


def test_imports_refuse_texts_over_the_cap(people, tmp_path):
    text = tmp_path / "long.txt"
    text.write_text("Title: Long\n\n" + _too_long(BODY_MAX_LENGTH))
    assert f"at most {BODY_MAX_LENGTH} characters" in _import(text)

    document = {
        "format": "newsroom.article",
        "version": 1,
        "article": {"slug": "long", "title": "Long", "body": "Acme grew fast."},
        "claims": [
            {
                "quote": "Acme grew",
                "start": 0,
                "end": 9,
                "rating_explanation": "e" * (EXPLANATION_MAX_LENGTH + 1),
            }
        ],
        "corrections": [{"text": "c" * (EXPLANATION_MAX_LENGTH + 1)}],
    }
    path = tmp_path / "long.json"
    path.write_text(json.dumps(document))
    err = _import(path)
    limit = f"the limit is {EXPLANATION_MAX_LENGTH}"
    assert f"claims[0].rating_explanation is {EXPLANATION_MAX_LENGTH + 1}" in err
    assert "corrections[0].text" in err and limit in err
    assert not Article.objects.exists()


def test_import_refuses_a_file_over_the_size_cap_before_reading_it(people, tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as huge:
        huge.truncate(importing.MAX_BYTES + 1)  # sparse: nothing is written
    err = _import(path)
    assert (
        f"huge.txt: is too large ({importing.MAX_BYTES + 1:,} bytes; the limit is "
        f"{importing.MAX_BYTES:,} bytes, 20 MB)" in err
    )
    assert not Article.objects.exists()


# Search -------------------------------------------------------------------------


def test_search_query_over_the_cap_is_refused_with_a_message(client, people, article):
    workflow.rate_claim(
        article.claims.get(), user=people["checker"], rating=Rating.ACCURATE
    )
    workflow.publish(article, user=people["publisher"])
    word = article.title.split()[0]
    at_limit = (word + " ") * (MAX_QUERY_LENGTH // (len(word) + 1))
    found = client.get("/search/", {"q": at_limit[:MAX_QUERY_LENGTH]})
    assert article.title in found.content.decode()

    too_long = (word + " ") * (MAX_QUERY_LENGTH // len(word) + 1)
    response = client.get("/search/", {"q": too_long})
    page = response.content.decode()
    assert response.status_code == 200
    length = len(" ".join(too_long.split()))
    assert (
        f"Your search is {length:,} characters long; searches are limited to "
        f"{MAX_QUERY_LENGTH}." in page
    )
    assert article.title not in page  # not searched
    assert 'aria-invalid="true"' in page


# Request bodies and form fields ---------------------------------------------------


def test_request_body_over_the_cap_is_refused_before_it_is_read(
    client, people, article, caplog
):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    url = reverse("admin:articles_article_change", args=[article.pk])
    client.force_login(people["reporter"])
    data = form_data(client.get(url))
    data["body"] = "x" * limit

    response = client.post(url, data)

    assert response.status_code == 413
    page = response.content.decode()
    assert f"this site accepts at most {limit / 2**20:g} MB" in page
    assert "Nothing was saved." in page
    assert response["Content-Security-Policy"]
    article.refresh_from_db()
    assert article.body != data["body"]
    assert any("Refused a request of" in r.getMessage() for r in caplog.records)


def test_a_file_over_the_cap_is_refused_too(client):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    upload = StringIO("x" * (limit + 1))
    upload.name = "big.txt"
    response = client.post("/admin/login/", {"username": "a", "file": upload})
    assert response.status_code == 413


def test_too_many_form_fields_are_refused_with_a_message(client):
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    data = {f"field{i}": "x" for i in range(limit + 1)}
    response = client.post("/admin/login/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert f"{limit:,} form fields" in page
    assert f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 2**20:g} MB" in page
    assert "Nothing was saved." in page


# Public addresses: every page number and id is bounded -----------------------------


@pytest.fixture
def published(people, article):
    workflow.rate_claim(
        article.claims.get(), user=people["checker"], rating=Rating.ACCURATE
    )
    workflow.publish(article, user=people["publisher"])
    article.refresh_from_db()
    return article


def test_a_search_page_far_past_the_end_is_404_with_the_reason(client, published):
    response = client.get("/search/", {"q": "water", "page": "461168601842738792"})
    assert response.status_code == 404
    assert "A search shows its first 1,000 results" in response.content.decode()
    beyond = client.get("/search/", {"q": "acme", "page": "2"})
    assert beyond.status_code == 404
    assert "There is no page 2 of results for “acme”" in beyond.content.decode()


def _paged_urls(article):
    source = article.claims.get().citations.get().source
    return [
        "/",
        "/search/?q=acme&",
        f"/articles/{article.slug}/history/",
        source.publisher.get_absolute_url(),
        source.get_absolute_url(),
        "/factchecks.json",
    ]


@pytest.mark.parametrize(
    ("value", "status", "says"),
    [
        ("0", 400, "a whole number from 1"),
        ("-1", 400, "a whole number from 1"),
        ("01", 400, "without leading zeros"),
        ("1.0", 400, "a whole number from 1"),
        ("two", 400, "a whole number from 1"),
        ("", 400, "a whole number from 1"),
        ("9" * 30, 400, "a whole number from 1"),
        ("99999", 404, "There is no page 99,999"),
        ("461168601842738792", 404, "There is no page 461,168,601,842,738,792"),
    ],
)
def test_page_numbers_are_bounded_and_refused_with_a_reason(
    client, published, value, status, says
):
    for url in _paged_urls(published):
        separator = "&" if "?" in url else "?"
        response = client.get(f"{url}{separator}page={value}")
        assert response.status_code == status, url
        body = response.content.decode()
        if url.startswith("/search/") and status == 404:
            assert "A search shows its first" in body
        else:
            assert says in body, url
        assert "Cache-Control" in response and "ETag" not in response


def test_a_parameter_given_twice_is_refused(client, published):
    response = client.get("/?page=1&page=2")
    assert response.status_code == 400
    assert "The parameter “page” is given 2 times." in response.content.decode()
    assert client.get("/sitemap.xml?p=01").status_code == 400
    assert client.get("/sitemap.xml?p=7").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/sources/99999999999999999999/",
        "/sources/9223372036854775808/",
        "/sources/0/",
        "/sources/007/",
        "/sources/-1/",
    ],
)
def test_ids_beyond_what_the_database_stores_are_404(client, published, path):
    assert client.get(path).status_code == 404
