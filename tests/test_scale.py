"""
Behaviour that keeps big articles fast: paged claims in the admin, paged
public history, and comparisons of long texts (issue 7, DESIGN §9 "Fast").
"""

import random

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from articles import compare
from articles.models import Claim
from tests.factories import EntityFactory, publisher
from tests.test_admin import claim_prefix, form_data
from tests.test_query_counts import article_with_claims, more_versions

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(roles):
    return publisher(username="scale-publisher")


@pytest.fixture
def boss(client, db):
    user = get_user_model().objects.create_superuser(
        "scale-boss", "scale-boss@example.org", "not used"
    )
    client.force_login(user)
    return user


def long_text(words: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    text = [f"w{rng.randrange(3000)}" for _ in range(words)]
    for i in range(0, words, 15):
        text[i] += "."
    for i in range(0, words, 75):
        text[i] += "\n\n"
    return text


def sides(runs):
    """The old and the new text a diff shows, without their whitespace."""
    old = "".join(text for op, text in runs if op != "insert")
    new = "".join(text for op, text in runs if op != "delete")
    return "".join(old.split()), "".join(new.split())


def letters(text: str) -> str:
    return "".join(text.split())


# Comparing long texts ----------------------------------------------------------


def test_word_diff_of_a_20000_word_body_marks_just_the_edits():
    words = long_text(20_000)
    edited = list(words)
    for position in (10, 9_000, 19_990):
        edited[position] = "CHANGED"
    old, new = " ".join(words), " ".join(edited)
    runs = compare.word_diff(old, new)
    assert [text for op, text in runs if op == "insert"] == ["CHANGED"] * 3
    assert [text.strip(".\n") for op, text in runs if op == "delete"] == [
        words[p].strip(".\n") for p in (10, 9_000, 19_990)
    ]
    assert sides(runs) == (letters(old), letters(new))


def test_word_diff_of_long_rewritten_texts_still_accounts_for_every_word():
    words = long_text(5_000)
    rng = random.Random(2)
    shuffled = rng.sample(words, len(words))
    old, new = " ".join(words), " ".join(shuffled)
    runs = compare.word_diff(old, new)
    assert sides(runs) == (letters(old), letters(new))


def test_comparison_diffs_texts_only_when_they_are_shown():
    old = compare.ArticleState(label="a", title="T", dek="", body="one two")
    new = compare.ArticleState(label="b", title="T", dek="", body="one three")
    comparison = compare.compare(old, new)
    body = comparison.texts[-1]
    assert comparison.has_changes
    assert "diff" not in body.__dict__  # has_changes made no diff
    assert body.diff == [("equal", "one "), ("delete", "two"), ("insert", "three")]


def test_statement_that_repeats_the_quote_is_no_change_from_the_live_version(staff):
    article = article_with_claims(3, user=staff)  # statement == quote
    assert all(c.statement == c.quote for c in article.claims.all())
    comparison = compare.compare(
        compare.state_from_published(article.live_version),
        compare.state_from_article(article),
    )
    assert not comparison.has_changes


# The public history, a page at a time ------------------------------------------


def test_public_history_shows_ten_versions_a_page_each_with_its_changes(client, staff):
    article = article_with_claims(1, user=staff)
    more_versions(article, 24)  # versions 1 to 25
    url = f"{article.get_absolute_url()}history/"
    first = client.get(url)
    numbers = [e["version"].number for e in first.context["entries"]]
    assert numbers == list(range(25, 15, -1))
    # The page's oldest entry is compared with the version before it.
    assert first.context["entries"][-1]["changes"] is not None
    assert 'rel="next"' in first.content.decode()
    last = client.get(f"{url}?page=3")
    numbers = [e["version"].number for e in last.context["entries"]]
    assert numbers == [5, 4, 3, 2, 1]
    assert last.context["entries"][-1]["changes"] is None
    assert "First published version." in last.content.decode()
    assert '<ol class="version-list" reversed start="5">' in last.content.decode()


# Claims in the article's admin page, a page at a time --------------------------


def test_article_admin_shows_claims_a_page_at_a_time(client, boss, staff):
    article = article_with_claims(30, user=staff)
    url = f"/admin/articles/article/{article.pk}/change/"
    first = client.get(url)
    claims = list(article.claims.order_by("start", "end", "pk"))
    data = form_data(first)
    assert data["claims-INITIAL_FORMS"] == "25"
    assert data["claims-0-id"] == str(claims[0].pk)
    assert "Claims 1–25 of 30." in first.content.decode()
    second = client.get(f"{url}?claims=2")
    data = form_data(second)
    assert data["claims-INITIAL_FORMS"] == "5"
    assert [data[f"claims-{i}-id"] for i in range(5)] == [
        str(c.pk) for c in claims[25:]
    ]


def test_saving_a_page_of_claims_changes_those_claims_only(client, boss, staff):
    article = article_with_claims(30, user=staff)
    claims = list(article.claims.order_by("start", "end", "pk"))
    url = f"/admin/articles/article/{article.pk}/change/?claims=2"
    data = form_data(client.get(url))
    prefix = claim_prefix(data, claims[27])
    data[f"{prefix}-statement"] = "A new claim reviewed."
    response = client.post(url, data)
    assert response.status_code == 302, response.context and [
        f.errors for f in response.context["inline_admin_formsets"][0].formset
    ]
    assert Claim.objects.get(pk=claims[27].pk).statement == "A new claim reviewed."
    for claim in claims[:25]:
        assert Claim.objects.get(pk=claim.pk).statement == claim.statement


def test_claimant_of_each_claim_is_shown_without_a_query_each(client, boss, staff):
    acme = EntityFactory(name="Acme Corp", slug="acme-corp")
    article = article_with_claims(3, user=staff, claimant=acme)
    response = client.get(f"/admin/articles/article/{article.pk}/change/")
    html = response.content.decode()
    assert html.count(f'<option value="{acme.pk}" selected>Acme Corp</option>') == 3


def test_article_admin_list_names_who_changed_each_article_last(client, boss, staff):
    import reversion

    article = article_with_claims(1, user=staff, publish=False)
    editor = get_user_model().objects.create_user("last-editor", is_staff=True)
    for user in (staff, editor):
        with reversion.create_revision():
            article.save()
            reversion.set_user(user)
    response = client.get("/admin/articles/article/")
    row = next(r for r in response.context["cl"].result_list if r.pk == article.pk)
    assert row.last_editor_name == "last-editor"


def test_admin_article_search_uses_the_trigram_indexes_on_postgresql(
    client, boss, staff
):
    if connection.vendor != "postgresql":
        pytest.skip("trigram indexes are PostgreSQL's")
    article_with_claims(3, user=staff, word="zeppelin")
    response = client.get("/admin/articles/article/?q=zeppelin")
    assert response.context["cl"].result_count == 1
    with connection.cursor() as cursor:
        # Left no other way in, the planner shows whether the indexes match
        # the expressions the admin's search sends.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    plan = response.context["cl"].queryset.order_by().explain()
    for column in ("title", "slug", "body"):
        assert f"Bitmap Index Scan on articles_article_{column}_trgm" in plan
