"""The demo newsroom built by load_demo (DESIGN §7)."""

import os
from io import StringIO
from unittest import mock

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import TestCase, override_settings
from reversion.models import Revision, Version

from articles import demo, demo_data, demo_day, gate, staleness, workflow
from articles.demo_data import ILLUSTRATION_SOURCE
from articles.models import Article, Claim, PublishedVersion, Rating
from articles.roles import FACT_CHECKERS, PUBLISHERS, REPORTERS
from entities.models import Entity, Source
from tests.factories import ArticleFactory

PASSWORD_VARIABLES = (
    "DEMO_PASSWORD",
    "DEMO_REPORTER_PASSWORD",
    "DEMO_FACTCHECKER_PASSWORD",
    "DEMO_PUBLISHER_PASSWORD",
    "ADMIN_PASSWORD",
)
# Hashing real passwords is slow by design; these tests need only its results.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEMO_USERNAMES = {"reporter", "factchecker", "publisher", "admin"}


def environment_without_passwords() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in PASSWORD_VARIABLES}


def load_demo(*args) -> str:
    out, err = StringIO(), StringIO()
    call_command("load_demo", *args, stdout=out, stderr=err)
    return out.getvalue()


def model_counts() -> dict[str, int]:
    """How many rows every model has (sessions and admin log aside)."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in {"sessions", "admin"}
    }


def printed_passwords(output: str) -> dict[str, str]:
    passwords = {}
    for line in output.splitlines():
        if "with the password: " in line:
            username = line.split("'")[1]
            passwords[username] = line.rsplit(": ", 1)[1]
    return passwords


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class DemoNewsroomTests(TestCase):
    """One demo newsroom, loaded once; each test runs in a rolled-back savepoint."""

    @classmethod
    def setUpTestData(cls):
        with mock.patch.dict(os.environ, environment_without_passwords(), clear=True):
            cls.output = load_demo()
        cls.article = Article.objects.get(slug=demo.ARTICLE_SLUG)

    def test_demo_article_is_published_as_version_one(self):
        article = self.article
        assert article.title == demo.ARTICLE_TITLE
        assert article.dek and article.byline
        assert article.status == Article.Status.PUBLISHED
        assert article.live_version.number == 1
        assert article.first_published_at is not None
        assert gate.gate_blockers(article) == []

    def test_demo_body_paragraphs_are_the_seed_paragraphs(self):
        seed = demo.SEED_PATH.read_text(encoding="utf-8").strip("\n")
        assert self.article.body.split("\n\n") == seed.split("\n\n")
        assert self.article.live_version.body == self.article.body

    def test_demo_claims_are_anchored_on_the_exact_body_text(self):
        body = self.article.body
        claims = list(self.article.claims.all())
        assert len(claims) >= 8
        for claim in claims:
            assert body[claim.start : claim.end] == claim.quote
            assert claim.anchor == Claim.Anchor.ANCHORED
            assert body[: claim.start].endswith(claim.prefix)
            assert body[claim.end :].startswith(claim.suffix)

    def test_demo_claims_are_rated_cited_and_checked_by_someone_else(self):
        for claim in self.article.claims.prefetch_related("citations"):
            assert claim.rating != Rating.UNRATED, claim
            assert claim.rating_explanation, claim
            assert claim.statement, claim
            assert not staleness.is_stale(claim), claim
            if claim.needs_citations:
                assert claim.citations.exists(), claim
            if claim.claimant_id is None:
                assert claim.rating not in (Rating.FALSE, Rating.MISLEADING), claim
            assert claim.tagged_by.username == "reporter"
            assert claim.checked_by.username == "factchecker"
            assert not claim.separation_overridden

    def test_demo_quotes_and_attributions_name_their_claimant(self):
        claims = self.article.claims.select_related("claimant")
        nadella = claims.get(quote__startswith="“We formed our partnership")
        assert (nadella.claimant.slug, nadella.kind) == ("satya-nadella", "quote")
        report = claims.get(quote__startswith="Earlier this month, The Information")
        assert (report.claimant.slug, report.kind) == ("the-information", "attribution")
        own = claims.get(quote__startswith="Microsoft had previously made")
        assert own.claimant is None
        assert claims.filter(kind=Claim.Kind.PREDICTION).exists()

    def test_demo_entities_have_slugified_names_and_are_linked(self):
        slugs = set(Entity.objects.values_list("slug", flat=True))
        assert slugs == {
            "openai",
            "microsoft",
            "satya-nadella",
            "the-information",
            "azure",
            "azure-openai-service",
            "chatgpt",
            "bing",
            "github-copilot",
            "microsoft-designer",
            "openai-lp",
            "openai-nonprofit",
        }
        linked = set(self.article.mentioned_entities.values_list("slug", flat=True))
        assert linked == slugs
        # "the Azure OpenAI service" is found as well as "Azure OpenAI Service".
        mention = self.article.mentions.get(entity__slug="azure-openai-service")
        assert mention.count == 2

    def test_demo_sources_are_dated_and_published_by_demo_entities(self):
        assert Source.objects.count() >= 6
        # The newsroom's own record of how its illustration was drawn has no
        # address or publisher of its own; it is cited like the others.
        own = Source.objects.get(title=ILLUSTRATION_SOURCE["title"])
        assert own.citations.exists()
        for source in Source.objects.select_related("publisher").exclude(pk=own.pk):
            assert source.url.startswith("https://")
            assert source.published_on is not None
            assert source.publisher is not None
            assert source.citations.exists(), source

    def test_demo_users_are_in_their_roles(self):
        User = get_user_model()
        roles = {"reporter": REPORTERS, "factchecker": FACT_CHECKERS}
        roles["publisher"] = PUBLISHERS
        for username, group in roles.items():
            user = User.objects.get(username=username)
            assert list(user.groups.values_list("name", flat=True)) == [group]
            assert user.is_staff and not user.is_superuser
        admin = User.objects.get(username="admin")
        assert admin.is_superuser and admin.is_staff
        assert list(self.article.authors.all()) == [
            User.objects.get(username="reporter")
        ]

    def test_demo_history_records_who_did_each_step(self):
        versions = Version.objects.get_for_object(self.article).select_related(
            "revision__user"
        )
        steps = [(v.revision.user.username, v.revision.comment) for v in versions]
        assert ("publisher", f"Published version 1: {demo.PUBLISH_NOTE}") in steps
        assert steps[0][0] == "publisher"  # then the desk assigned it
        assert steps[-1][0] == "reporter"
        assert {user for user, _ in steps} == {"reporter", "factchecker", "publisher"}
        assert self.article.live_version.revision is not None

    def test_generated_passwords_are_printed_once_and_work(self):
        printed = printed_passwords(self.output)
        assert set(printed) == DEMO_USERNAMES
        assert len(set(printed.values())) == len(printed)
        User = get_user_model()
        for username, password in printed.items():
            assert len(password) >= 16
            assert User.objects.get(username=username).check_password(password)
        with mock.patch.dict(os.environ, environment_without_passwords(), clear=True):
            again = load_demo()
        assert "password" not in again
        for username, password in printed.items():
            assert password not in again
            assert User.objects.get(username=username).check_password(password)

    def test_second_run_changes_nothing(self):
        User = get_user_model()
        before = model_counts()
        revisions, versions = Revision.objects.count(), Version.objects.count()
        hashes = dict(User.objects.values_list("username", "password"))
        output = load_demo()
        assert "already loaded" in output
        assert model_counts() == before
        assert Revision.objects.count() == revisions
        assert Version.objects.count() == versions
        assert PublishedVersion.objects.count() == 1
        assert dict(User.objects.values_list("username", "password")) == hashes
        self.article.refresh_from_db()
        assert self.article.live_version.number == 1


@pytest.fixture(autouse=True)
def no_password_variables(monkeypatch, settings):
    """The tests below decide which passwords come from the environment."""
    for name in PASSWORD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def article_already_there(db):
    """An article at the demo's slug: load_demo then makes only the rest."""
    return ArticleFactory(slug=demo.ARTICLE_SLUG)


def test_existing_article_is_left_as_it_is(article_already_there):
    output = load_demo()
    assert "was already there; left as it is" in output
    article = Article.objects.get(slug=demo.ARTICLE_SLUG)
    assert article.body == article_already_there.body
    assert not article.claims.exists()
    assert Entity.objects.count() == len(demo_data.ENTITIES)


def test_generated_passwords_differ_between_newsrooms(article_already_there):
    def passwords():
        with transaction.atomic():
            report = demo.load_demo()
            transaction.set_rollback(True)
        return {created.user.username: created.password for created in report.users}

    first, second = passwords(), passwords()
    assert set(first) == set(second) == DEMO_USERNAMES
    assert all(first[name] != second[name] for name in first)


def test_passwords_come_from_the_environment(monkeypatch, article_already_there):
    monkeypatch.setenv("DEMO_PASSWORD", "shared demo phrase 0417")
    monkeypatch.setenv("DEMO_PUBLISHER_PASSWORD", "publisher phrase 0913")
    monkeypatch.setenv("ADMIN_PASSWORD", "admin phrase 7731 kept")
    output = load_demo()
    User = get_user_model()
    expected = {
        "reporter": "shared demo phrase 0417",
        "factchecker": "shared demo phrase 0417",
        "publisher": "publisher phrase 0913",
        "admin": "admin phrase 7731 kept",
    }
    for username, password in expected.items():
        assert User.objects.get(username=username).check_password(password)
    assert "phrase" not in output
    assert "from DEMO_PASSWORD" in output
    assert "from DEMO_PUBLISHER_PASSWORD" in output
    assert "from ADMIN_PASSWORD" in output


@pytest.mark.django_db
def test_weak_password_from_environment_is_refused_and_nothing_is_made(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "password")
    before = model_counts()
    with pytest.raises(CommandError, match="too weak") as raised:
        load_demo()
    assert raised.value.returncode == 1
    assert model_counts() == before


@pytest.mark.django_db
def test_dry_run_creates_nothing():
    before = model_counts()
    output = load_demo("--dry-run")
    assert "Would create the article" in output
    assert "Dry run: nothing changed." in output
    assert "password" not in output
    assert model_counts() == before


def test_demo_claim_quotes_occur_once_in_the_seed():
    body = demo.seed_body()
    for spec in demo_data.CLAIMS:
        assert body.count(spec["quote"]) == 1, spec["quote"]
        for citation in spec["citations"]:
            assert citation["source"] in demo_data.SOURCES


@pytest.mark.django_db
def test_the_demo_shows_a_day_in_progress_on_the_desk():
    from desk.models import Note
    from desk.views import desk

    demo.load_demo()
    User = get_user_model()
    article = Article.objects.get(slug=demo.ARTICLE_SLUG)
    assert article.editor.username == "publisher"
    assert article.checker.username == "factchecker"
    timeline = Article.objects.get(slug=demo_day.TIMELINE_SLUG)
    # Signed off and scheduled, then a typo fixed inside a rated claim: back
    # in review, saying why, with the reporter's note asking for a re-check.
    assert timeline.status == Article.Status.IN_REVIEW
    assert "changed after it was checked" in timeline.review_reason
    assert timeline.publish_at and timeline.scheduled_by.username == "publisher"
    assert [b.code for b in gate.gate_blockers(timeline)] == ["stale"]
    note = Note.objects.get(claim__article=timeline)
    assert [u.username for u in note.mentions.all()] == ["factchecker"]
    checker = User.objects.get(username="factchecker")
    waiting = next(s for s in desk(checker)["sections"] if s.key == "waiting")
    assert [c.pk for c in waiting.rows] == [note.claim_id]
    publisher_desk = desk(User.objects.get(username="publisher"))
    scheduled = next(s for s in publisher_desk["sections"] if s.key == "scheduled")
    assert [a.slug for a in scheduled.rows] == [demo_day.TIMELINE_SLUG]
    before = {m: m.objects.count() for m in (Article, Note)}
    demo.load_demo()
    assert {m: m.objects.count() for m in (Article, Note)} == before
    # Re-confirmed, it passes the gate again.
    workflow.reconfirm(note.claim, user=checker)
    assert gate.gate_blockers(timeline) == []
