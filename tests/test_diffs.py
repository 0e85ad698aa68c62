"""Word diffs within a bound on the work (articles.diffs), wherever one is shown."""

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from articles import diffs, workflow
from tests.factories import ArticleFactory, UserFactory, publisher, without_claims

# 20,000 paragraphs: the longest change a body within its limit can hold.
PARAGRAPHS = [f"P{i}." for i in range(20_000)]
LONG = "\n\n".join(PARAGRAPHS)
REVERSED = "\n\n".join(reversed(PARAGRAPHS))


def _spells(diff, old: str, new: str) -> bool:
    """Whether the runs spell the old text and the new one, nothing lost."""
    before = "".join(text for op, text in diff if op != "insert")
    after = "".join(text for op, text in diff if op != "delete")
    return (before, after) == (old, new)


def _bound(*texts) -> int:
    """The most a diff may spend: its budget and one run of matching words."""
    return diffs.WORK_LIMIT + max(len(diffs.tokens(t)) for t in texts)


def test_a_20000_paragraph_change_stays_within_the_bound_and_says_so():
    diff = diffs.word_diff(LONG, REVERSED)
    assert diff.work <= _bound(LONG, REVERSED)
    assert diff.summary.startswith("Paragraphs 1–20,000 replaced: too many changes")
    assert _spells(diff, LONG, REVERSED)


def test_repeated_paragraphs_cost_little_and_are_matched_exactly():
    # What made the old matcher quadratic: the same paragraphs, over and over.
    old, new = "a\n\nb\n\n" * 10_000, "b\n\na\n\n" * 10_000
    diff = diffs.word_diff(old, new)
    assert diff.work < 200_000
    assert not diff.summary
    assert _spells(diff, old, new)
    assert len(diff) == 4 and diff[0] == ("delete", "a\n\n")


def test_every_paragraph_edited_is_still_shown_word_by_word():
    old = "\n\n".join(f"Paragraph {i} said one thing." for i in range(20_000))
    new = old.replace("one thing", "another")
    diff = diffs.word_diff(old, new)
    assert not diff.summary
    assert diff.work <= diffs.WORK_LIMIT
    assert diff.count(("delete", "one thing")) == 20_000
    assert _spells(diff, old, new)


def test_a_small_budget_shows_only_the_paragraphs_concerned_whole():
    old = "Intro stays.\n\nThe cat sat on the mat.\n\nOutro stays."
    new = "Intro stays.\n\nA dog lay on a rug.\n\nOutro stays."
    diff = diffs.word_diff(old, new, budget=diffs.Budget(limit=5))
    assert diff.summary.startswith("Paragraph 2 replaced")
    assert ("delete", "The cat sat on the mat") in diff
    assert diff[0] == ("equal", "Intro stays.\n\n")
    assert _spells(diff, old, new)


text = st.lists(st.sampled_from(["a", "b", " ", "\n\n", ".", "cd"])).map("".join)


@settings(max_examples=300, deadline=None)
@given(old=text, new=text)
def test_any_two_texts_are_spelled_exactly_within_the_bound(old, new):
    for limit in (0, 10, 200, diffs.WORK_LIMIT):
        budget = diffs.Budget(limit=limit)
        diff = diffs.word_diff(old, new, budget=budget)
        assert _spells(diff, old, new)
        assert diff.work <= limit + len(diffs.tokens(old)) + len(diffs.tokens(new))


@settings(max_examples=300, deadline=None)
@given(
    a=st.lists(st.sampled_from("abc"), max_size=15),
    b=st.lists(st.sampled_from("abc"), max_size=15),
)
def test_the_edit_script_is_a_shortest_one(a, b):
    ops = diffs.edit_script(a, b, diffs.Budget())
    kept = sum(i2 - i1 for op, i1, i2, _, _ in ops if op == "equal")
    # The longest common subsequence, by dynamic programming.
    lcs = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            lcs[i + 1][j + 1] = (
                lcs[i][j] + 1 if x == y else max(lcs[i][j + 1], lcs[i + 1][j])
            )
    assert kept == lcs[len(a)][len(b)]
    rebuilt = [t for op, i1, i2, j1, j2 in ops for t in b[j1:j2]]
    assert rebuilt == b


# The pages that show diffs ------------------------------------------------------


@pytest.fixture
def long_article(roles):
    """A published article whose next version reverses its 20,000 paragraphs."""
    article = without_claims(ArticleFactory(title="The long one", body=LONG))
    workflow.publish(article, user=publisher())
    article.refresh_from_db()
    article.body = REVERSED
    article.save()
    return without_claims(article)


@pytest.mark.django_db
def test_public_history_of_a_20000_paragraph_change_is_bounded(client, long_article):
    workflow.publish(long_article, user=publisher(), note="Reversed")
    response = client.get(reverse("articles:history", args=[long_article.slug]))
    assert response.status_code == 200
    [newest, _first] = response.context["entries"]
    body = newest["changes"].texts[3]
    assert body.name == "Body"
    # One budget for the whole page.
    assert body.diff.work <= _bound(LONG, REVERSED)
    assert body.budget.spent <= _bound(LONG, REVERSED) + 1_000
    assert "Paragraphs 1–20,000 replaced" in response.content.decode()


@pytest.mark.django_db
def test_admin_compare_of_a_20000_paragraph_change_is_bounded(client, long_article):
    client.force_login(UserFactory(is_superuser=True))
    url = reverse("admin:articles_article_compare", args=[long_article.pk])
    response = client.get(url, {"from": "live", "to": "current"})
    assert response.status_code == 200
    body = response.context["comparison"].texts[3]
    assert body.diff.work <= _bound(LONG, REVERSED)
    assert "Paragraphs 1–20,000 replaced" in response.content.decode()
