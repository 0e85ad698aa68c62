"""The admin: editors, fact-checkers and publishers at work (DESIGN §5, §8)."""

from html.parser import HTMLParser

import pytest
import reversion
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from reversion.models import Version

from articles import staleness, workflow
from articles.models import (
    Article,
    Citation,
    Claim,
    Correction,
    Mention,
    PublishedVersion,
    Rating,
)
from entities.models import Entity, Source
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    EntityFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


# Helpers ---------------------------------------------------------------------


class _FormReader(HTMLParser):
    """Collects what a browser would submit from one <form>."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data = {}
        self._textarea = None
        self._select = None

    def _add(self, name, value):
        if "__prefix__" in name:
            return  # the template row for "add another"
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if "disabled" in attrs:  # browsers do not submit disabled fields
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._add(attrs["name"], attrs.get("value", "on"))
                return
            self._add(attrs["name"], attrs.get("value", ""))
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self._add(self._textarea, "")
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self._add(self._select, attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea and self._textarea in self.data:
            values = self.data[self._textarea]
            values[-1] += data


def form_data(response, form_id="article_form"):
    """The POST data of the form as the page shows it (a browser's submit)."""
    reader = _FormReader(form_id)
    reader.feed(response.content.decode())
    data = {}
    for name, values in reader.data.items():
        # Django's Textarea starts with a newline that browsers drop.
        values = [v[1:] if v.startswith("\n") else v for v in values]
        data[name] = values if len(values) > 1 else values[0]
    return data


def claim_prefix(data, claim):
    """The inline form prefix (claims-N) that edits ``claim``."""
    for key, value in data.items():
        if key.startswith("claims-") and key.endswith("-id") and value == str(claim.pk):
            return key[: -len("-id")]
    raise AssertionError(f"claim {claim.pk} is not in the form")


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def article_url(article, name, *args):
    return reverse(f"admin:articles_article_{name}", args=[article.pk, *args])


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def people(people):
    """The newsroom of conftest.py, and a superuser."""
    return {**people, "boss": UserFactory(username="boss", is_superuser=True)}


def client_for(client, user):
    client.force_login(user)
    return client


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


@pytest.fixture
def rated_article(article, people):
    workflow.rate_claim(
        article.claims.get(),
        user=people["checker"],
        rating=Rating.ACCURATE,
        explanation="The annual report says so.",
    )
    return article


# Pages load ------------------------------------------------------------------


def _every_model(people, article):
    claim = article.claims.get()
    mention = Mention.objects.create(article=article, entity=claim.claimant, count=1)
    correction = Correction.objects.create(article=article, text="Fixed a date.")
    version = workflow.publish(article, user=people["publisher"])
    return [
        article,
        claim,
        claim.citations.get(),
        correction,
        version,
        mention,
        claim.claimant,
        claim.citations.get().source,
    ]


@pytest.mark.parametrize("who", ["boss", "publisher"])
def test_admin_pages_load_for_every_model(client, people, rated_article, who):
    article = rated_article
    client_for(client, people[who])
    objects = _every_model(people, article)
    if who == "boss":
        objects += [people["reporter"], Group.objects.get(name="Reporters")]
    for obj in objects:
        opts = obj._meta
        info = f"admin:{opts.app_label}_{opts.model_name}"
        changelist = client.get(reverse(f"{info}_changelist"))
        assert changelist.status_code == 200, opts.model_name
        change = client.get(change_url(obj))
        assert change.status_code == 200, opts.model_name
        add = client.get(reverse(f"{info}_add"))
        # Published versions are made by publishing; corrections are added
        # from their article's page.
        expected = 403 if opts.model_name in ("publishedversion", "correction") else 200
        assert add.status_code == expected, opts.model_name
    history = client.get(article_url(article, "history"))
    assert history.status_code == 200


def test_article_page_shows_workflow_buttons_and_blockers(client, people, article):
    response = client_for(client, people["publisher"]).get(change_url(article))
    assert response.status_code == 200
    assert b"Submit for review" in response.content
    assert b"Publish" in response.content
    assert "is not rated yet" in response.content.decode()
    assert b"Not yet checked" in response.content


def test_rows_link_to_their_entity_and_source_to_view_or_add_not_to_delete(
    client, people, article
):
    # An entity is shared by many articles: deleting it (or renaming it in a
    # popup) from one row of one article is not offered; its own page is.
    claim = article.claims.get()
    Mention.objects.create(article=article, entity=claim.claimant, count=1)
    client_for(client, people["boss"])
    for page, rows in (
        (change_url(article), ("claims-0-claimant", "mentions-0-entity")),
        (change_url(claim), ("citations-0-source",)),
    ):
        html = client.get(page).content.decode()
        for row in rows:
            assert f'id="view_id_{row}"' in html, row
            assert f'id="add_id_{row}"' in html, row
            assert f'id="change_id_{row}"' not in html, row
            assert f'id="delete_id_{row}"' not in html, row


def test_article_form_has_room_for_the_body_and_a_readable_slug_help(
    client, people, article
):
    response = client_for(client, people["reporter"]).get(change_url(article))
    body = response.context["adminform"].form["body"]
    assert 'rows="24"' in str(body)
    page = response.content.decode()
    assert "address, after /articles/. Lower-case letters" in page
    assert "/articles//" not in page


# Revisions from admin saves --------------------------------------------------


def test_each_admin_save_of_an_article_is_one_revision_with_user_and_comment(
    client, people, article
):
    client_for(client, people["reporter"])
    claim = article.claims.get()
    before = Version.objects.get_for_object(article).count()
    for n in range(3):
        data = form_data(client.get(change_url(article)))
        data["title"] = f"Acme results, take {n}"
        data[f"{claim_prefix(data, claim)}-statement"] = f"Statement {n}."
        data["_continue"] = "1"
        response = client.post(change_url(article), data)
        assert response.status_code == 302, response.context["errors"]
    versions = list(
        Version.objects.get_for_object(article).select_related("revision__user")
    )
    assert len(versions) == before + 3
    for version in versions[:3]:
        assert version.revision.user == people["reporter"]
        assert "Changed" in version.revision.get_comment()
    claim.refresh_from_db()
    assert claim.statement == "Statement 2."
    latest_claims = [
        v for v in versions[0].revision.version_set.all() if v._model is Claim
    ]
    assert latest_claims[0].field_dict["statement"] == "Statement 2."


def test_article_save_reports_orphaned_claim(client, people, article):
    client_for(client, people["reporter"])
    data = form_data(client.get(change_url(article)))
    data["body"] = "Acme Corp said nothing about profits.\n\nThe end."
    response = client.post(change_url(article), data, follow=True)
    assert any("no longer found in the text" in m for m in messages_of(response))
    assert article.claims.get().anchor == Claim.Anchor.ORPHANED


def test_article_save_normalises_line_breaks(client, people, article):
    client_for(client, people["reporter"])
    data = form_data(client.get(change_url(article)))
    data["body"] = data["body"].replace("\n", "\r\n")
    client.post(change_url(article), data)
    article.refresh_from_db()
    assert "\r" not in article.body
    assert article.claims.get().anchor == Claim.Anchor.ANCHORED


def test_new_claim_in_inline_is_tagged_by_editor_and_found_in_body(
    client, people, article
):
    client_for(client, people["reporter"])
    data = form_data(client.get(change_url(article)))
    total = int(data["claims-TOTAL_FORMS"])
    data["claims-TOTAL_FORMS"] = str(total + 1)
    data.update(
        {
            f"claims-{total}-quote": "expect the trend to continue",
            f"claims-{total}-kind": "prediction",
            f"claims-{total}-statement": "Analysts expect growth.",
        }
    )
    response = client.post(change_url(article), data)
    assert response.status_code == 302
    claim = article.claims.get(kind="prediction")
    assert claim.tagged_by == people["reporter"]
    assert article.body[claim.start : claim.end] == "expect the trend to continue"
    assert claim.prefix.endswith("Analysts ")


def test_new_claim_whose_words_are_not_in_the_body_is_refused(client, people, article):
    client_for(client, people["reporter"])
    data = form_data(client.get(change_url(article)))
    total = int(data["claims-TOTAL_FORMS"])
    data["claims-TOTAL_FORMS"] = str(total + 1)
    data[f"claims-{total}-quote"] = "profits tripled"
    data[f"claims-{total}-kind"] = "fact"
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    assert "These words are not in the article" in response.content.decode()
    assert article.claims.count() == 1


def test_claim_admin_save_is_a_revision_of_the_article(client, people, article):
    client_for(client, people["reporter"])
    claim = article.claims.get()
    response = client.get(change_url(claim))
    data = form_data(response, form_id="claim_form")
    data["statement"] = "Acme doubled its profits."
    data["citations-0-locator"] = "page 4"
    response = client.post(change_url(claim), data)
    assert response.status_code == 302, response.context["errors"]
    latest = Version.objects.get_for_object(article).first()
    assert latest.revision.user == people["reporter"]
    models = {v._model for v in latest.revision.version_set.all()}
    assert {Article, Claim, Citation} <= models


# Ratings ---------------------------------------------------------------------


def test_reporter_sees_rating_read_only_and_a_forged_rating_is_ignored(
    client, people, article
):
    client_for(client, people["reporter"])
    claim = article.claims.get()
    response = client.get(change_url(article))
    prefix = claim_prefix(form_data(response), claim)
    assert f'name="{prefix}-rating"' not in response.content.decode()
    data = form_data(response)
    data[f"{prefix}-rating"] = Rating.ACCURATE
    data[f"{prefix}-rating_explanation"] = "Trust me."
    data[f"{prefix}-statement"] = "Changed so the form saves."
    client.post(change_url(article), data)
    claim.refresh_from_db()
    assert claim.statement == "Changed so the form saves."
    assert claim.rating == Rating.UNRATED
    assert claim.checked_by is None


def test_fact_checker_rates_through_the_inline_and_it_is_recorded(
    client, people, article
):
    client_for(client, people["checker"])
    claim = article.claims.get()
    data = form_data(client.get(change_url(article)))
    prefix = claim_prefix(data, claim)
    data[f"{prefix}-rating"] = Rating.ACCURATE
    data[f"{prefix}-rating_explanation"] = "Matches the annual report."
    response = client.post(change_url(article), data)
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.rating == Rating.ACCURATE
    assert claim.rating_explanation == "Matches the annual report."
    assert claim.checked_by == people["checker"]
    assert claim.checked_at is not None
    assert not staleness.is_stale(claim)


def test_fact_checker_cannot_rate_a_claim_they_tagged(client, people, article):
    claim = article.claims.get()
    claim.tagged_by = people["checker"]
    claim.save()
    client_for(client, people["checker"])
    data = form_data(client.get(change_url(article)))
    prefix = claim_prefix(data, claim)
    assert f"{prefix}-rating" not in data  # disabled fields are not submitted
    data[f"{prefix}-rating"] = Rating.ACCURATE
    client.post(change_url(article), data)
    claim.refresh_from_db()
    assert claim.rating == Rating.UNRATED


def test_rating_recorded_meanwhile_is_not_undone_by_an_older_form(
    client, people, article
):
    claim = article.claims.get()
    client_for(client, people["checker"])
    data = form_data(client.get(change_url(article)))
    workflow.rate_claim(claim, user=people["checker2"], rating=Rating.MOSTLY_ACCURATE)
    data[f"{claim_prefix(data, claim)}-statement"] = "Edited meanwhile."
    assert client.post(change_url(article), data).status_code == 302
    claim.refresh_from_db()
    assert claim.rating == Rating.MOSTLY_ACCURATE
    assert claim.checked_by == people["checker2"]
    assert claim.statement == "Edited meanwhile."


def test_claim_admin_rating_goes_through_the_workflow(client, people, article):
    claim = article.claims.get()
    client_for(client, people["checker"])
    data = form_data(client.get(change_url(claim)), form_id="claim_form")
    data["rating"] = Rating.NEEDS_CONTEXT
    data["rating_explanation"] = "True, but one-off gains."
    assert client.post(change_url(claim), data).status_code == 302
    claim.refresh_from_db()
    assert claim.rating == Rating.NEEDS_CONTEXT
    assert claim.checked_by == people["checker"]
    assert claim.checked_fingerprint == staleness.claim_fingerprint(claim)


def test_stale_rating_is_flagged_in_the_inline(client, people, rated_article):
    citation = Citation.objects.get(claim__article=rated_article)
    citation.excerpt = "Something else."
    citation.save()
    response = client_for(client, people["reporter"]).get(change_url(rated_article))
    assert b"Stale: re-check needed" in response.content


# Workflow buttons ------------------------------------------------------------


def test_reporter_gets_403_on_publish(client, people, rated_article):
    response = client_for(client, people["reporter"]).post(
        article_url(rated_article, "publish")
    )
    assert response.status_code == 403
    assert not PublishedVersion.objects.exists()


def test_fact_checker_cannot_publish(client, people, rated_article):
    response = client_for(client, people["checker"]).post(
        article_url(rated_article, "publish")
    )
    assert response.status_code == 403
    assert not PublishedVersion.objects.exists()


def test_get_on_publish_url_does_not_publish(client, people, rated_article):
    client_for(client, people["publisher"])
    for name in ("publish", "unpublish", "submit"):
        assert client.get(article_url(rated_article, name)).status_code == 405
    rated_article.refresh_from_db()
    assert rated_article.status == Article.Status.DRAFT
    assert not PublishedVersion.objects.exists()


def test_refused_publish_lists_every_blocker(client, people, article):
    second = ClaimFactory(
        article=article,
        quote="Analysts expect the trend",
        tagged_by=people["reporter"],
    )
    response = client_for(client, people["publisher"]).post(
        article_url(article, "publish"), follow=True
    )
    shown = messages_of(response)
    assert shown[0].startswith("Not published")
    for claim in (article.claims.first(), second):
        assert any(str(claim) in m and "not rated yet" in m for m in shown)
    assert len([m for m in shown if "not rated yet" in m]) == 2
    assert not PublishedVersion.objects.exists()


def test_publish_button_publishes_version_1(client, people, rated_article):
    response = client_for(client, people["publisher"]).post(
        article_url(rated_article, "publish"), {"note": "First edition."}, follow=True
    )
    version = PublishedVersion.objects.get(article=rated_article)
    assert version.number == 1
    assert version.note == "First edition."
    assert version.published_by == people["publisher"]
    rated_article.refresh_from_db()
    assert rated_article.live_version == version
    assert any("Published version 1" in m for m in messages_of(response))


def test_unpublish_needs_a_note_and_then_withdraws(client, people, rated_article):
    workflow.publish(rated_article, user=people["publisher"])
    client_for(client, people["publisher"])
    response = client.post(article_url(rated_article, "unpublish"), follow=True)
    assert any("Say why" in m for m in messages_of(response))
    rated_article.refresh_from_db()
    assert rated_article.is_live
    client.post(article_url(rated_article, "unpublish"), {"note": "Legal review."})
    rated_article.refresh_from_db()
    assert not rated_article.is_live
    assert rated_article.withdrawn_note == "Legal review."


def test_submit_for_review_button(client, people, article):
    client_for(client, people["reporter"])
    response = client.post(article_url(article, "submit"), follow=True)
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW
    assert any("Submitted for review" in m for m in messages_of(response))
    response = client.post(article_url(article, "submit"), follow=True)
    assert any("Only a draft" in m for m in messages_of(response))


# Optimistic locking ----------------------------------------------------------


def test_conflicting_save_is_refused_and_keeps_the_typed_text(client, people, article):
    client_for(client, people["checker"])
    mine = form_data(client.get(change_url(article)))
    # Rita saves first, from her own page.
    other = client_for(client.__class__(), people["reporter"])
    theirs = form_data(other.get(change_url(article)))
    theirs["dek"] = "Rita's standfirst."
    assert other.post(change_url(article), theirs).status_code == 302

    mine["body"] = article.body + "\n\nMy new paragraph about Acme."
    response = client.post(change_url(article), mine)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Rita Reyes saved this article at" in page
    assert "NOT saved yet" in page
    assert "My new paragraph about Acme." in page
    article.refresh_from_db()
    assert "My new paragraph" not in article.body
    assert article.dek == "Rita's standfirst."

    # Having been told, saving again keeps my version.
    again = form_data(response)
    assert client.post(change_url(article), again).status_code == 302
    article.refresh_from_db()
    assert "My new paragraph about Acme." in article.body


def test_conflict_shows_what_was_saved_since_the_form_was_opened(
    client, people, article
):
    rita = client_for(client.__class__(), people["reporter"])
    first = form_data(rita.get(change_url(article)))
    first["body"] = "Acme grew fast. Analysts expect the trend to continue."
    assert rita.post(change_url(article), first).status_code == 302
    client_for(client, people["checker"])
    mine = form_data(client.get(change_url(article)))  # opened here
    theirs = form_data(rita.get(change_url(article)))
    theirs["body"] = theirs["body"].replace("fast", "slowly")
    theirs["dek"] = "A standfirst Rita added."
    assert rita.post(change_url(article), theirs).status_code == 302

    mine["title"] = "My new title"
    page = client.post(change_url(article), mine).content.decode()

    assert "What changed since you opened it" in page
    assert "the article as you opened it" in page
    assert "the article as Rita Reyes saved it" in page
    assert "<del>fast</del>" in page and "<ins>slowly</ins>" in page
    assert "<ins>A standfirst Rita added</ins>." in page
    # Only what Rita saved: my unsaved title is in the form, not in the diff.
    assert "<ins>My new title</ins>" not in page
    assert 'value="My new title"' in page


def test_successful_save_increments_the_lock_version(client, people, article):
    client_for(client, people["reporter"])
    data = form_data(client.get(change_url(article)))
    assert data["seen_lock_version"] == "0"
    client.post(change_url(article), data)
    article.refresh_from_db()
    assert article.lock_version == 1


def test_admin_save_does_not_undo_a_publish_made_meanwhile(
    client, people, rated_article
):
    client_for(client, people["reporter"])
    data = form_data(client.get(change_url(rated_article)))
    workflow.publish(rated_article, user=people["publisher"])
    data["dek"] = "New standfirst."
    assert client.post(change_url(rated_article), data).status_code == 302
    rated_article.refresh_from_db()
    assert rated_article.is_live
    assert rated_article.status == Article.Status.PUBLISHED


# Compare and restore ---------------------------------------------------------


def _save_with(client, article, **changes):
    data = form_data(client.get(change_url(article)))
    data.update(changes)
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.context["errors"]
    return Version.objects.get_for_object(article).first().revision


def test_compare_view_shows_changed_word_and_changed_rating(
    client, people, rated_article
):
    client_for(client, people["reporter"])
    before = _save_with(client, rated_article)
    claim = rated_article.claims.get()
    body = rated_article.body.replace("Analysts expect", "Analysts forecast")
    after_text = _save_with(client, rated_article, body=body)
    workflow.rate_claim(claim, user=people["checker2"], rating=Rating.MOSTLY_ACCURATE)
    after = Version.objects.get_for_object(rated_article).first().revision
    assert after.pk != after_text.pk

    response = client.get(
        article_url(rated_article, "compare"), {"from": before.pk, "to": after.pk}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<del>expect</del><ins>forecast</ins>" in page
    assert "<del>Accurate</del> → <ins>Mostly accurate</ins>" in page


def test_compare_with_the_live_version(client, people, rated_article):
    workflow.publish(rated_article, user=people["publisher"])
    client_for(client, people["reporter"])
    _save_with(client, rated_article, title="Acme results, updated")
    response = client.get(
        article_url(rated_article, "compare"), {"from": "live", "to": "current"}
    )
    assert response.status_code == 200
    assert "<ins>, updated</ins>" in response.content.decode()
    history = client.get(article_url(rated_article, "history"))
    assert b"Published as version 1" in history.content
    assert b"from=live" in history.content


def test_compare_escapes_html_in_the_text(client, people, article):
    client_for(client, people["reporter"])
    before = _save_with(client, article)
    _save_with(client, article, title="<script>alert(1)</script>")
    response = client.get(
        article_url(article, "compare"), {"from": before.pk, "to": "current"}
    )
    assert b"<script>alert" not in response.content
    assert b"&lt;script&gt;" in response.content


def test_restore_brings_back_deleted_claim_and_citation_as_new_revision(
    client, people, rated_article
):
    # A fact-checker other than the one who rated it: the rating it brings
    # back is theirs (a reporter's restore leaves ratings alone).
    client_for(client, people["checker2"])
    claim = rated_article.claims.get()
    citation = claim.citations.get()
    good = _save_with(client, rated_article)

    data = form_data(client.get(change_url(rated_article)))
    data[f"{claim_prefix(data, claim)}-DELETE"] = "on"
    assert client.post(change_url(rated_article), data).status_code == 302
    assert not Claim.objects.filter(pk=claim.pk).exists()
    revisions_before = Version.objects.get_for_object(rated_article).count()

    page = client.get(
        reverse(
            "admin:articles_article_revision",
            args=[
                rated_article.pk,
                Version.objects.get_for_object(rated_article).get(revision=good).pk,
            ],
        )
    )
    assert page.status_code == 200
    assert article_url(rated_article, "restore", good.pk) in page.content.decode()

    response = client.post(article_url(rated_article, "restore", good.pk), follow=True)
    assert any("Restored" in m for m in messages_of(response))
    restored = rated_article.claims.get()
    assert restored.pk == claim.pk
    assert restored.rating == Rating.ACCURATE
    assert restored.checked_by == people["checker2"]
    assert staleness.is_stale(restored)
    assert restored.citations.get().pk == citation.pk
    versions = Version.objects.get_for_object(rated_article)
    assert versions.count() == revisions_before + 1
    latest = versions.first().revision
    assert latest.user == people["checker2"]
    assert "Restored" in latest.comment


def test_get_on_restore_does_not_restore(client, people, article):
    client_for(client, people["reporter"])
    revision = _save_with(client, article)
    response = client.get(article_url(article, "restore", revision.pk))
    assert response.status_code == 405


def test_compare_needs_view_and_restore_needs_change_permission(
    client, people, article
):
    revision = _save_with(client_for(client, people["reporter"]), article)
    outsider = UserFactory(username="outsider")
    client_for(client, outsider)
    compare_url = article_url(article, "compare")
    assert client.get(compare_url, {"from": revision.pk}).status_code == 403
    restore_url = article_url(article, "restore", revision.pk)
    assert client.post(restore_url).status_code == 403


def test_revision_view_with_a_version_of_another_object_or_model_is_404(
    client, people, article
):
    client_for(client, people["boss"])
    other = ArticleFactory()
    with reversion.create_revision():
        other.save()
        article.save()
    other_version = Version.objects.get_for_object(other).first()
    url = reverse(
        "admin:articles_article_revision", args=[article.pk, other_version.pk]
    )
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404

    # A claim's version whose object id happens to equal the article's id.
    claim = article.claims.get()
    claim_version = Version.objects.get_for_object(claim).first()
    if not Article.objects.filter(pk=claim.pk).exists():
        ArticleFactory(id=claim.pk)
    url = reverse("admin:articles_article_revision", args=[claim.pk, claim_version.pk])
    assert client.get(url).status_code == 404

    # Entities: a source's version through the entity admin.
    source = Source.objects.get()
    with reversion.create_revision():
        source.save()
    source_version = Version.objects.get_for_object(source).first()
    entity = Entity.objects.first()
    url = reverse("admin:entities_entity_revision", args=[entity.pk, source_version.pk])
    assert client.get(url).status_code == 404
    url = reverse("admin:entities_entity_recover", args=[source_version.pk])
    assert client.get(url).status_code == 404


def test_entity_revision_view_still_works_for_its_own_versions(client, people):
    client_for(client, people["boss"])
    entity = EntityFactory(name="Globex")
    with reversion.create_revision():
        entity.description = "Old description."
        entity.save()
    version = Version.objects.get_for_object(entity).first()
    url = reverse("admin:entities_entity_revision", args=[entity.pk, version.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"Old description." in response.content


# Entities and sources --------------------------------------------------------


def test_entity_page_shows_where_it_is_used(client, people, article):
    claim = article.claims.get()
    entity = claim.claimant
    Mention.objects.create(article=article, entity=entity, count=2)
    response = client_for(client, people["reporter"]).get(change_url(entity))
    page = response.content.decode()
    assert change_url(article) in page
    assert change_url(claim) in page
    listing = client.get(reverse("admin:entities_entity_changelist"))
    assert listing.status_code == 200


def test_entity_address_is_fixed_once_a_published_page_links_it(
    client, people, rated_article
):
    acme = rated_article.claims.get().claimant
    client_for(client, people["boss"])
    form = form_data(client.get(change_url(acme)), "entity_form")
    assert form["slug"] == acme.slug  # a draft's claimant: still editable
    workflow.publish(rated_article, user=people["publisher"])
    response = client.get(change_url(acme))
    form = form_data(response, "entity_form")
    assert "slug" not in form
    assert acme.slug in response.content.decode()  # shown, read-only
    form.update(slug="acme-renamed", name="Acme Corporation")
    response = client.post(change_url(acme), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    acme.refresh_from_db()
    assert (acme.name, acme.slug) == ("Acme Corporation", "acme-corp")


def test_source_page_shows_the_claims_citing_it(client, people, article):
    claim = article.claims.get()
    source = claim.citations.get().source
    response = client_for(client, people["reporter"]).get(change_url(source))
    assert change_url(claim) in response.content.decode()


def test_claimant_autocomplete_searches_entities(client, people, article):
    EntityFactory(name="Initech")
    client_for(client, people["reporter"])
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Initech",
            "app_label": "articles",
            "model_name": "claim",
            "field_name": "claimant",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Initech"]


# Users -----------------------------------------------------------------------


def test_only_superusers_may_add_or_change_users(client, people):
    User = get_user_model()
    rita = people["reporter"]
    staff = UserFactory(username="staffer")
    staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="auth", codename__endswith="_user"
        )
    )
    client_for(client, staff)
    assert client.get(reverse("admin:auth_user_add")).status_code == 403
    response = client.post(change_url(rita), {"username": "rita", "is_superuser": "on"})
    assert response.status_code == 403
    assert not User.objects.get(pk=rita.pk).is_superuser
    client_for(client, people["boss"])
    assert client.get(reverse("admin:auth_user_add")).status_code == 200


# Query counts ----------------------------------------------------------------


def test_article_changelist_queries_do_not_grow_with_articles(
    client, people, django_assert_max_num_queries
):
    client_for(client, people["publisher"])
    url = reverse("admin:articles_article_changelist")

    def make(n):
        for _ in range(n):
            article = ArticleFactory()
            with reversion.create_revision():
                reversion.set_user(people["reporter"])
                ClaimFactory(article=article)
                article.save()

    make(1)
    client.get(url)  # warm caches (content types, session)
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200
    make(29)
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert response.content.decode().count("rita") >= 30
    assert ContentType.objects.get_for_model(Article)


# Tagging claims by selection ---------------------------------------------------


def test_tag_claim_button_tags_the_selected_words(client, people, article):
    client_for(client, people["reporter"])
    page = client.get(change_url(article)).content.decode()
    assert 'id="newsroom-tag-form"' in page
    assert "newsroom/tag_claim" in page
    start = article.body.index("Analysts expect")
    end = start + len("Analysts expect the trend to continue")
    response = client.post(
        article_url(article, "tag"),
        {"start": start, "end": end, "quote": article.body[start:end]},
        follow=True,
    )
    assert any("Tagged claim" in m for m in messages_of(response))
    claim = article.claims.get(start=start)
    assert claim.quote == "Analysts expect the trend to continue"
    assert claim.tagged_by == people["reporter"]
    latest = Version.objects.get_for_object(article).first().revision
    assert latest.comment.startswith("Tagged claim")


def test_tag_claim_refuses_a_selection_that_no_longer_matches(client, people, article):
    client_for(client, people["reporter"])
    response = client.post(
        article_url(article, "tag"),
        {"start": 0, "end": 4, "quote": "Something else"},
        follow=True,
    )
    assert any("Reload the page" in m for m in messages_of(response))
    assert article.claims.count() == 1


# Corrections, mentions, new articles -------------------------------------------


def test_corrections_are_read_only_for_reporters(client, people, article):
    Correction.objects.create(article=article, text="An earlier version erred.")
    client_for(client, people["reporter"])
    response = client.get(change_url(article))
    page = response.content.decode()
    assert "An earlier version erred." in page
    assert 'name="corrections-0-text"' not in page
    data = form_data(response)
    data["corrections-0-text"] = "Forged."
    client.post(change_url(article), data)
    assert Correction.objects.get().text == "An earlier version erred."


def test_publisher_adds_a_correction_from_the_article_page(client, people, article):
    client_for(client, people["publisher"])
    data = form_data(client.get(change_url(article)))
    total = int(data["corrections-TOTAL_FORMS"])
    data["corrections-TOTAL_FORMS"] = str(total + 1)
    data[f"corrections-{total}-kind"] = Correction.Kind.CLARIFICATION
    data[f"corrections-{total}-text"] = "We clarified who said it."
    assert client.post(change_url(article), data).status_code == 302
    correction = article.corrections.get()
    assert correction.kind == Correction.Kind.CLARIFICATION
    latest = Version.objects.get_for_object(article).first().revision
    assert latest.user == people["publisher"]


def test_editor_links_an_entity_by_hand(client, people, article):
    entity = EntityFactory(name="Umbrella Corp")
    client_for(client, people["reporter"])
    data = form_data(client.get(change_url(article)))
    total = int(data["mentions-TOTAL_FORMS"])
    data["mentions-TOTAL_FORMS"] = str(total + 1)
    data[f"mentions-{total}-entity"] = str(entity.pk)
    assert client.post(change_url(article), data).status_code == 302
    mention = article.mentions.get(entity=entity)
    assert mention.origin == Mention.Origin.MANUAL


def test_new_article_through_the_admin_links_the_entities_it_names(client, people):
    EntityFactory(name="Acme Corp")
    client_for(client, people["reporter"])
    data = form_data(client.get(reverse("admin:articles_article_add")))
    data.update(
        {
            "title": "Acme grows",
            "slug": "acme-grows",
            "body": "Acme Corp grew again.",
            "authors": str(people["reporter"].pk),
        }
    )
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.context["errors"]
    article = Article.objects.get(slug="acme-grows")
    assert article.status == Article.Status.DRAFT
    assert [m.entity.name for m in article.mentions.all()] == ["Acme Corp"]
    assert list(article.authors.all()) == [people["reporter"]]
    revision = Version.objects.get_for_object(article).get().revision
    assert revision.user == people["reporter"]


def test_deleted_entity_can_be_recovered_from_its_own_version(client, people):
    entity = EntityFactory(name="Hooli")
    with reversion.create_revision():
        entity.description = "A tech company."
        entity.save()
    version = Version.objects.get_for_object(entity).first()
    pk = entity.pk
    entity.delete()
    client_for(client, people["boss"])
    url = reverse("admin:entities_entity_recover", args=[version.pk])
    assert client.get(url).status_code == 200
    data = form_data(client.get(url), form_id="entity_form")
    assert client.post(url, data).status_code == 302
    assert Entity.objects.get(pk=pk).description == "A tech company."
