"""Comparing article states: word diffs and claim changes (articles.compare)."""

import re

import pytest
import reversion
from django.utils.html import escape
from reversion.models import Version

from articles import compare, workflow
from articles.models import Rating
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    EntityFactory,
    SourceFactory,
    fact_checker,
    publisher,
)


def _html(old, new):
    return compare.render_word_diff(compare.word_diff(old, new))


def test_word_diff_marks_only_the_changed_word():
    html = _html("Profits doubled last year.", "Profits tripled last year.")
    assert html == "Profits <del>doubled</del><ins>tripled</ins> last year."


def test_word_diff_escapes_html():
    new = 'a <script>alert("x")</script>'
    html = _html("a <b>", new)
    assert "<script>" not in html
    assert "<del>" in html and "<ins>" in html
    # Without the deletions and the marks, what is left is the new text,
    # escaped (however the runs are cut).
    shown = re.sub(r"<del>.*?</del>|</?ins>", "", html)
    assert shown == escape(new)


def test_word_diff_of_equal_texts_has_no_marks():
    text = "Same text.\n\nSecond paragraph & more."
    assert _html(text, text) == "Same text.\n\nSecond paragraph &amp; more."


def _claim(pk, **fields):
    return compare.ClaimState(id=pk, quote=fields.pop("quote", f"quote {pk}"), **fields)


def _state(**fields):
    defaults = {"label": "x", "title": "T", "dek": "", "body": "B"}
    return compare.ArticleState(**{**defaults, **fields})


def test_compare_finds_added_removed_reworded_rerated_and_resourced_claims():
    cited = compare.CitationState(1, "Report", "supports", excerpt="Old excerpt.")
    old = _state(
        claims={
            1: _claim(1, rating=Rating.ACCURATE),
            2: _claim(2, quote="will be removed"),
            3: _claim(3, quote="old words here"),
            4: _claim(4, citations={(1, "supports", 1): cited}),
        }
    )
    recited = compare.CitationState(1, "Report", "supports", excerpt="New excerpt.")
    added_source = compare.CitationState(2, "Memo", "context")
    new = _state(
        claims={
            1: _claim(1, rating=Rating.FALSE, rating_explanation="It was not."),
            3: _claim(3, quote="new words here"),
            4: _claim(
                4,
                citations={
                    (1, "supports", 1): recited,
                    (2, "context", 1): added_source,
                },
            ),
            5: _claim(5, quote="a brand new claim"),
        }
    )
    result = compare.compare(old, new)
    assert [c.new.id for c in result.claims_added] == [5]
    assert [c.old.id for c in result.claims_removed] == [2]
    assert [c.new.id for c in result.claims_reworded] == [3]
    quote = compare.render_word_diff(result.claims_reworded[0].quote_diff)
    assert "<del>old</del><ins>new</ins>" in quote
    [rerated] = result.ratings_changed
    assert (rerated.old.rating, rerated.new.rating) == (Rating.ACCURATE, Rating.FALSE)
    [resourced] = result.citations_changed
    assert resourced.added == [added_source]
    assert resourced.changed == [(cited, recited)]
    assert result.has_changes


def test_compare_of_identical_states_has_no_changes():
    state = _state(claims={1: _claim(1)})
    assert not compare.compare(state, state).has_changes


@pytest.mark.django_db
def test_states_from_a_revision_the_database_and_a_published_version(roles):
    article = ArticleFactory()
    claim = ClaimFactory(article=article, claimant=EntityFactory(name="Acme Corp"))
    source = SourceFactory(title="Annual report")
    CitationFactory(claim=claim, source=source, excerpt="Profits rose 101%.")
    workflow.rate_claim(claim, user=fact_checker(), rating=Rating.ACCURATE)
    version = workflow.publish(article, user=publisher())
    revision = Version.objects.get_for_object(article).first().revision

    from_revision = compare.state_from_revision(revision, article.pk)
    from_database = compare.state_from_article(article)
    from_published = compare.state_from_published(version)
    for state in (from_revision, from_database, from_published):
        assert state.title == article.title
        assert state.body == article.body
        [only] = state.claims.values()
        assert only.claimant == "Acme Corp"
        assert only.rating == Rating.ACCURATE
        [citation] = only.citations.values()
        assert citation.source_id == source.pk
        assert citation.excerpt == "Profits rose 101%."
    assert not compare.compare(from_published, from_database).has_changes
    assert not compare.compare(from_revision, from_database).has_changes


@pytest.mark.django_db
def test_state_from_a_revision_of_another_article_is_refused():
    article, other = ArticleFactory(), ArticleFactory()
    with reversion.create_revision():
        other.save()
    revision = Version.objects.get_for_object(other).first().revision
    with pytest.raises(LookupError):
        compare.state_from_revision(revision, article.pk)
