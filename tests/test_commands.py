"""Management commands: setup_roles, publish, unpublish, load_demo (DESIGN §8)."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError

from articles import gate, workflow
from articles.models import Article, PublishedVersion, Rating
from articles.roles import FACT_CHECKERS, PUBLISHERS, REPORTERS
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    EntityFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PROJECT_DIR = Path(__file__).resolve().parent.parent


def run(name, *args):
    """Run command ``name``; return what it wrote to stdout and stderr."""
    out, err = StringIO(), StringIO()
    call_command(name, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def model_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in {"sessions", "admin"}
    }


def permissions(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


@pytest.fixture
def ready_article(people):
    """An article whose one claim is cited and rated: it passes the gate."""
    article = ArticleFactory(slug="ready")
    claim = ClaimFactory(
        article=article,
        claimant=EntityFactory(name="Acme Corp"),
        tagged_by=people["reporter"],
    )
    CitationFactory(claim=claim)
    workflow.rate_claim(
        claim, user=people["checker"], rating=Rating.ACCURATE, explanation="Checked."
    )
    return article


@pytest.fixture
def blocked_article(people):
    """An article with several blockers: unrated, uncited, own-voice falsehood."""
    article = ArticleFactory(slug="blocked")
    ClaimFactory(article=article, tagged_by=people["reporter"])
    false_claim = ClaimFactory(
        article=article,
        quote="Analysts expect the trend to continue",
        tagged_by=people["reporter"],
    )
    workflow.rate_claim(
        false_claim, user=people["checker"], rating=Rating.FALSE, explanation="No."
    )
    return article


# setup_roles ---------------------------------------------------------------


def test_setup_roles_creates_the_three_groups_then_changes_nothing(db):
    out, _ = run("setup_roles")
    assert "Reporters: 29 permissions (created)" in out
    assert "Fact-checkers: 31 permissions (created)" in out
    assert "Publishers: 39 permissions (created)" in out
    before = {name: permissions(name) for name in (REPORTERS, FACT_CHECKERS)}
    out, _ = run("setup_roles")
    assert out.count("(unchanged)") == 3
    assert Group.objects.count() == 3
    assert {name: permissions(name) for name in before} == before


def test_setup_roles_gives_rating_and_publishing_to_the_right_roles(db):
    run("setup_roles")
    reporters, checkers = permissions(REPORTERS), permissions(FACT_CHECKERS)
    publishers = permissions(PUBLISHERS)
    assert "articles.rate_claim" not in reporters
    assert "articles.publish_article" not in reporters
    assert "articles.rate_claim" in checkers
    assert "articles.publish_article" not in checkers
    assert {"articles.rate_claim", "articles.publish_article"} <= publishers
    assert "articles.add_claim" in reporters
    # An uploaded capture is evidence readers see: not a reporter's to give.
    assert "sources.upload_capture" not in reporters
    assert (
        "sources.upload_capture" in checkers and "sources.upload_capture" in publishers
    )
    user = UserFactory(groups=[FACT_CHECKERS])
    assert user.has_perm("articles.rate_claim")
    assert not user.has_perm("articles.publish_article")


def test_setup_roles_removes_a_permission_a_role_should_not_have(roles):
    group = Group.objects.get(name=REPORTERS)
    group.permissions.add(
        Group.objects.get(name=PUBLISHERS).permissions.get(codename="publish_article")
    )
    out, _ = run("setup_roles")
    assert "Reporters: 29 permissions (updated)" in out
    assert "articles.publish_article" not in permissions(REPORTERS)


def test_setup_roles_dry_run_changes_nothing(db):
    out, _ = run("setup_roles", "--dry-run")
    assert "Reporters: 29 permissions (would be created)" in out
    assert "Dry run: nothing changed." in out
    assert not Group.objects.exists()


# publish ---------------------------------------------------------------------


def test_publish_publishes_the_next_version(ready_article):
    out, _ = run("publish", "ready", "--user", "paula", "--note", "First.")
    assert "Published 'ready' as version 1 by paula." in out
    ready_article.refresh_from_db()
    assert ready_article.live_version.number == 1
    assert ready_article.live_version.note == "First."
    assert ready_article.status == Article.Status.PUBLISHED
    out, _ = run("publish", "ready", "--user", "paula")
    assert "as version 2" in out


def test_refused_publish_lists_every_blocker_and_exits_1(blocked_article):
    expected = [b.message for b in gate.gate_blockers(blocked_article)]
    assert len(expected) >= 3
    before = model_counts()
    err = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(
            "publish", "blocked", "--user", "paula", stdout=StringIO(), stderr=err
        )
    assert raised.value.returncode == 1
    assert f"{len(expected)} blockers" in str(raised.value)
    assert "\n" not in str(raised.value)
    assert err.getvalue().splitlines() == [f"- {message}" for message in expected]
    assert model_counts() == before
    assert not PublishedVersion.objects.exists()


def test_publish_dry_run_reports_and_changes_nothing(ready_article, blocked_article):
    before = model_counts()
    out, _ = run("publish", "ready", "--user", "paula", "--dry-run")
    assert "would be published as version 1" in out
    with pytest.raises(CommandError, match="Not published"):
        run("publish", "blocked", "--user", "paula", "--dry-run")
    assert model_counts() == before


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing", "--user", "paula"], "No article with the slug 'missing'."),
        (["ready", "--user", "nobody"], "No user named 'nobody'."),
        (["ready", "--user", "rita"], "rita may not publish"),
        (["ready"], "Say who acts with --user NAME (there is no superuser"),
    ],
)
def test_publish_refuses_bad_input_and_changes_nothing(ready_article, args, message):
    before = model_counts()
    with pytest.raises(CommandError, match=message.replace("(", r"\(")) as raised:
        run("publish", *args)
    assert raised.value.returncode == 1
    assert model_counts() == before
    assert not PublishedVersion.objects.exists()


def test_publish_refuses_an_inactive_user(ready_article, people):
    people["publisher"].is_active = False
    people["publisher"].save()
    with pytest.raises(CommandError, match="inactive"):
        run("publish", "ready", "--user", "paula")
    assert not PublishedVersion.objects.exists()


def test_publish_defaults_to_the_only_superuser(ready_article):
    UserFactory(username="boss", is_superuser=True)
    out, _ = run("publish", "ready")
    assert "by boss" in out
    UserFactory(username="other-boss", is_superuser=True)
    with pytest.raises(CommandError, match="several superusers"):
        run("publish", "ready")


# unpublish -----------------------------------------------------------------


def test_unpublish_withdraws_and_keeps_the_versions(ready_article, people):
    workflow.publish(ready_article, user=people["publisher"])
    out, _ = run("unpublish", "ready", "--user", "paula", "--note", "Legal review.")
    assert "Unpublished 'ready' by paula" in out
    assert "410 Gone" in out
    ready_article.refresh_from_db()
    assert ready_article.live_version is None
    assert ready_article.status == Article.Status.WITHDRAWN
    assert ready_article.withdrawn_note == "Legal review."
    assert ready_article.published_versions.count() == 1


def test_unpublish_of_an_unpublished_article_fails_and_changes_nothing(
    ready_article,
):
    before = model_counts()
    with pytest.raises(CommandError, match="'ready': This article is not published"):
        run("unpublish", "ready", "--user", "paula")
    with pytest.raises(CommandError, match="not published"):
        run("unpublish", "ready", "--user", "paula", "--dry-run")
    assert model_counts() == before


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing", "--user", "paula"], "No article with the slug 'missing'."),
        (["ready", "--user", "nobody"], "No user named 'nobody'."),
        (["ready", "--user", "frank"], "frank may not unpublish"),
    ],
)
def test_unpublish_refuses_bad_input_and_changes_nothing(
    ready_article, people, args, message
):
    workflow.publish(ready_article, user=people["publisher"])
    before = model_counts()
    with pytest.raises(CommandError, match=message) as raised:
        run("unpublish", *args)
    assert raised.value.returncode == 1
    assert model_counts() == before
    ready_article.refresh_from_db()
    assert ready_article.is_live


def test_unpublish_dry_run_changes_nothing(ready_article, people):
    workflow.publish(ready_article, user=people["publisher"])
    out, _ = run("unpublish", "ready", "--user", "paula", "--dry-run", "--note", "x")
    assert "would be unpublished" in out
    ready_article.refresh_from_db()
    assert ready_article.is_live


# --help ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["setup_roles", "publish", "unpublish", "load_demo"])
def test_command_help_exits_0(name):
    env = {**os.environ, "SECRET_KEY": "test-only-key", "DEBUG": "1"}
    result = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
        [sys.executable, "manage.py", name, "--help"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"manage.py {name}" in result.stdout
    assert "--dry-run" in result.stdout
