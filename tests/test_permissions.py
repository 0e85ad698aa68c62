"""
Who may do what: the roles of DESIGN §5 against every door of the admin and
the public site, one table, every cell asserted.

Each row is an action made as a hand-built request (a POST for every write,
with the form data a browser would send, forged fields included); each column
a kind of user. A cell says what must happen:

- ``OK``: allowed; the action's effect is checked.
- ``LOGIN``: Django's admin sends anyone who is not signed in as active staff
  to its login page (302), for reads and writes alike.
- ``403``: staff without the permission; ``404``: nothing here (drafts do not
  reveal that they exist); ``405``: a write URL that only takes POST.
- ``IGNORED``: the page itself may be saved, but the forged part (a rating
  from a reporter, a correction from a fact-checker) is dropped.

Every refused cell also asserts that the database is exactly as before and
that the refusal was logged.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
import reversion
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import previews, restoring, workflow
from articles.interchange import export_article, import_document
from articles.models import (
    Article,
    Claim,
    Correction,
    PreviewLink,
    PublishedVersion,
    Rating,
)
from entities import workflow as entity_rules
from entities.models import Entity
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    EntityFactory,
    SourceFactory,
    UserFactory,
    fact_checker,
    publisher,
    reporter,
)
from tests.test_admin import form_data

pytestmark = pytest.mark.django_db

OK, LOGIN, IGNORED = "ok", "login", "ignored"
ROLES = (
    "anonymous",
    "member",
    "staff",
    "reporter",
    "fact_checker",
    "publisher",
    "superuser",
)


def cells(**by_role) -> dict:
    """Expectations by role; anonymous and non-staff members go to the login."""
    return {"anonymous": LOGIN, "member": LOGIN, **by_role}


EDITORS = cells(staff=403, reporter=OK, fact_checker=OK, publisher=OK, superuser=OK)
RATERS = cells(staff=403, reporter=IGNORED, fact_checker=OK, publisher=OK, superuser=OK)
PUBLISHERS = cells(
    staff=403, reporter=403, fact_checker=403, publisher=OK, superuser=OK
)
CORRECTORS = cells(
    staff=403, reporter=IGNORED, fact_checker=IGNORED, publisher=OK, superuser=OK
)
SUPERUSERS = cells(
    staff=403, reporter=403, fact_checker=403, publisher=403, superuser=OK
)
NOBODY = cells(staff=403, reporter=403, fact_checker=403, publisher=403, superuser=403)
POST_ONLY = cells(
    staff=405, reporter=405, fact_checker=405, publisher=405, superuser=405
)
NOT_FOUND = dict.fromkeys(ROLES, 404)
# An id of another article's record, guessed into this article's URL.
GUESSED = cells(staff=403, reporter=404, fact_checker=404, publisher=404, superuser=404)


# The newsroom each cell starts from -------------------------------------------


@dataclass
class World:
    rita: Any  # the reporter who wrote and tagged everything
    boss: Any  # a superuser whose browser reads the forms
    draft: Article
    claim: Claim
    live: Article
    old_revision: Any
    deleted: Version
    link: PreviewLink
    extra: dict = field(default_factory=dict)


@pytest.fixture
def world(roles):
    rita = reporter(username="rita")
    fiona = fact_checker(username="fiona")
    paula = publisher(username="paula")
    boss = UserFactory(username="boss", is_superuser=True)
    with reversion.create_revision():
        acme = EntityFactory(name="Acme Corp", slug="acme-old")
        reversion.set_user(rita)
    with reversion.create_revision():
        acme.slug = "acme-corp"  # before any page linked it
        acme.save()
        reversion.set_user(rita)
    with reversion.create_revision():
        gone_corp = EntityFactory(name="Gone Corp")
    gone_corp.delete()
    report = SourceFactory(title="Acme annual report", publisher=acme)

    def article_with_claim(**fields):
        with reversion.create_revision():
            article = ArticleFactory(**fields)
            claim = ClaimFactory(article=article, claimant=acme, tagged_by=rita)
            CitationFactory(claim=claim, source=report)
            reversion.set_user(rita)
        workflow.rate_claim(claim, user=fiona, rating=Rating.ACCURATE)
        return article, claim

    live, _ = article_with_claim(title="Acme results", slug="acme-results")
    workflow.publish(live, user=paula)
    draft, claim = article_with_claim(title="Acme draft", slug="acme-draft")
    old_revision = Version.objects.get_for_object(draft).last().revision
    with reversion.create_revision():
        draft.dek = "A second revision."
        draft.save()
        reversion.set_user(rita)
    gone, _ = article_with_claim(title="Acme gone", slug="acme-gone")
    gone.delete()
    link, _token = previews.create_preview(draft, user=rita)
    live_link, _token = previews.create_preview(live, user=rita)
    return World(
        rita=rita,
        boss=boss,
        draft=draft,
        claim=claim,
        live=live,
        old_revision=old_revision,
        deleted=Version.objects.get_deleted(Article).get(),
        link=link,
        extra={
            "deleted_entity": Version.objects.get_deleted(Entity).get(),
            "acme_old": Version.objects.get_for_object(acme).last(),
            "live_link": live_link,
            "live_revision": Version.objects.get_for_object(live).last(),
        },
    )


def make_actor(role):
    return {
        "anonymous": lambda: None,
        "member": lambda: UserFactory(username="member", is_staff=False),
        "staff": lambda: UserFactory(username="staffer"),
        "reporter": lambda: reporter(username="actor"),
        "fact_checker": lambda: fact_checker(username="actor"),
        "publisher": lambda: publisher(username="actor"),
        "superuser": lambda: UserFactory(username="actor", is_superuser=True),
    }[role]()


def boss_form(world, url, form_id):
    """The form as the superuser's page shows it: every field, editable."""
    editor = Client()
    editor.force_login(world.boss)
    return form_data(editor.get(url), form_id)


def article_change(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def article_action(name, article, *args):
    return reverse(f"admin:articles_article_{name}", args=[article.pk, *args])


# Database snapshots --------------------------------------------------------------


def snapshot(*labels) -> dict:
    """Every row of the given models (default: all of them but sessions)."""
    models = (
        [apps.get_model(label) for label in labels]
        if labels
        else [m for m in apps.get_models() if m is not Session]
    )
    return {
        m._meta.label: list(m._default_manager.order_by("pk").values()) for m in models
    }


def changed_tables(before: dict, after: dict) -> list[str]:
    return [label for label in before if before[label] != after[label]]


# Actions -------------------------------------------------------------------------


@dataclass
class Action:
    name: str
    method: str
    url: Any  # world -> str
    expect: dict
    data: Any = None  # (world, actor) -> dict
    effect: Any = None  # (world, actor) -> None, asserts the change happened
    # For IGNORED cells: the tables that must not change, or a check that the
    # forged part was dropped (when the rest of the page was saved).
    guarded: tuple = ()
    kept: Any = None  # (world, actor) -> None


def _change_article_data(world, actor):
    data = boss_form(world, article_change(world.draft), "article_form")
    data["title"] = "Retitled by the actor"
    return data


def _rate_inline_data(world, actor):
    data = boss_form(world, article_change(world.draft), "article_form")
    prefix = next(
        k[: -len("-id")]
        for k, v in data.items()
        if k.startswith("claims-") and k.endswith("-id") and v == str(world.claim.pk)
    )
    data[f"{prefix}-rating"] = Rating.MOSTLY_ACCURATE
    data[f"{prefix}-rating_explanation"] = "Rated in the inline."
    return data


def _rate_page_data(world, actor):
    url = reverse("admin:articles_claim_change", args=[world.claim.pk])
    data = boss_form(world, url, "claim_form")
    data["rating"] = Rating.MOSTLY_ACCURATE
    data["rating_explanation"] = "Rated on the claim's page."
    return data


def _add_correction_data(world, actor):
    data = boss_form(world, article_change(world.draft), "article_form")
    total = int(data["corrections-TOTAL_FORMS"])
    data["corrections-TOTAL_FORMS"] = str(total + 1)
    data[f"corrections-{total}-kind"] = Correction.Kind.CORRECTION
    data[f"corrections-{total}-text"] = "A forged or real correction."
    return data


def _tag_data(world, actor):
    body = world.draft.body
    start = body.index("Analysts expect")
    end = start + len("Analysts expect the trend")
    return {"start": start, "end": end, "quote": body[start:end]}


def _add_user_data(world, actor):
    return {
        "username": "newcomer",
        "password1": "a long new passphrase 42",
        "password2": "a long new passphrase 42",
        "usable_password": "true",
    }


def _change_user_data(world, actor):
    url = reverse("admin:auth_user_change", args=[world.rita.pk])
    data = boss_form(world, url, "user_form")
    data["is_superuser"] = "on"
    return data


def _acme():
    return Entity.objects.get(name="Acme Corp")


def _change_entity_data(world, actor):
    url = reverse("admin:entities_entity_change", args=[_acme().pk])
    data = boss_form(world, url, "entity_form")
    data["name"] = "Renamed by the actor"
    return data


def _requote_and_rate_data(world, actor):
    url = reverse("admin:articles_claim_change", args=[world.claim.pk])
    data = boss_form(world, url, "claim_form")
    data["quote"] = "profits doubled last year"
    data["rating"] = Rating.MOSTLY_ACCURATE
    data["rating_explanation"] = "Re-quoted and rated by the same hand."
    return data


def _published_version_data(world, actor):
    return {"title": "Rewritten history", "note": "forged"}


def _gone(model, pk):
    assert not model.objects.filter(pk=pk).exists(), f"{model.__name__} {pk} is there"


def _expect_rated(world, actor):
    claim = Claim.objects.get(pk=world.claim.pk)
    assert claim.rating == Rating.MOSTLY_ACCURATE
    assert claim.checked_by == actor


ACTIONS = [
    Action(
        "article list",
        "get",
        lambda w: reverse("admin:articles_article_changelist"),
        EDITORS,
    ),
    Action(
        "article page (also the tagging view)",
        "get",
        lambda w: article_change(w.draft),
        EDITORS,
    ),
    Action(
        "change article",
        "post",
        lambda w: article_change(w.draft),
        EDITORS,
        data=_change_article_data,
        effect=lambda w, a: Article.objects.get(
            pk=w.draft.pk, title="Retitled by the actor"
        ),
    ),
    Action(
        "delete article (confirmation page)",
        "get",
        lambda w: article_action("delete", w.draft),
        PUBLISHERS,
    ),
    Action(
        "delete article",
        "post",
        lambda w: article_action("delete", w.draft),
        PUBLISHERS,
        data=lambda w, a: {"post": "yes"},
        effect=lambda w, a: _gone(Article, w.draft.pk),
    ),
    Action("history", "get", lambda w: article_action("history", w.draft), EDITORS),
    Action(
        "compare revisions",
        "get",
        lambda w: (
            article_action("compare", w.draft) + f"?from={w.old_revision.pk}&to=current"
        ),
        EDITORS,
    ),
    Action(
        "revision page",
        "get",
        lambda w: article_action(
            "revision",
            w.draft,
            Version.objects.get_for_object(w.draft).get(revision=w.old_revision).pk,
        ),
        EDITORS,
    ),
    Action(
        "restore revision",
        "post",
        lambda w: article_action("restore", w.draft, w.old_revision.pk),
        EDITORS,
        effect=lambda w, a: (
            Version.objects.get_for_object(w.draft)
            .filter(revision__user=a, revision__comment__startswith="Restored")
            .get()
        ),
    ),
    Action(
        "restore revision (GET)",
        "get",
        lambda w: article_action("restore", w.draft, w.old_revision.pk),
        POST_ONLY,
    ),
    Action(
        "recover list",
        "get",
        lambda w: reverse("admin:articles_article_recoverlist"),
        PUBLISHERS,
    ),
    Action(
        "schedule publication",
        "post",
        lambda w: article_action("schedule", w.draft),
        PUBLISHERS,
        data=lambda w, a: {"publish_at": "2031-01-02T06:00"},
        effect=lambda w, a: Article.objects.get(pk=w.draft.pk, scheduled_by=a),
    ),
    Action(
        "re-quote a claim and rate it in the same save",
        "post",
        lambda w: reverse("admin:articles_claim_change", args=[w.claim.pk]),
        cells(
            staff=403,
            reporter=IGNORED,
            fact_checker=IGNORED,
            publisher=IGNORED,
            superuser=OK,
        ),
        data=_requote_and_rate_data,
        effect=lambda w, a: Claim.objects.get(
            pk=w.claim.pk, tagged_by=a, separation_overridden=True
        ),
        kept=lambda w, a: Claim.objects.get(
            pk=w.claim.pk, checked_by__username="fiona"
        ),
    ),
    Action(
        "revert an entity to a revision (its fixed address stays)",
        "post",
        lambda w: reverse(
            "admin:entities_entity_revision", args=[_acme().pk, w.extra["acme_old"].pk]
        ),
        EDITORS,
        data=lambda w, a: boss_form(
            w,
            reverse(
                "admin:entities_entity_revision",
                args=[_acme().pk, w.extra["acme_old"].pk],
            ),
            "entity_form",
        ),
        effect=lambda w, a: Entity.objects.get(pk=_acme().pk, slug="acme-corp"),
    ),
    Action(
        "recover a deleted entity (form)",
        "get",
        lambda w: reverse(
            "admin:entities_entity_recover", args=[w.extra["deleted_entity"].pk]
        ),
        SUPERUSERS,
    ),
    Action(
        "recover a deleted entity",
        "post",
        lambda w: reverse(
            "admin:entities_entity_recover", args=[w.extra["deleted_entity"].pk]
        ),
        SUPERUSERS,
        data=lambda w, a: {"name": "Gone Corp", "slug": "gone-corp", "kind": "other"},
        effect=lambda w, a: Entity.objects.get(name="Gone Corp"),
    ),
    Action(
        "recover deleted article",
        "post",
        lambda w: reverse("admin:articles_article_recover", args=[w.deleted.pk]),
        PUBLISHERS,
        effect=lambda w, a: Article.objects.get(
            pk=w.deleted.object_id, status=Article.Status.DRAFT
        ),
    ),
    Action(
        "recover deleted article (GET)",
        "get",
        lambda w: reverse("admin:articles_article_recover", args=[w.deleted.pk]),
        POST_ONLY,
    ),
    Action(
        "tag claim",
        "post",
        lambda w: article_action("tag", w.draft),
        EDITORS,
        data=_tag_data,
        effect=lambda w, a: Claim.objects.get(
            article=w.draft, quote="Analysts expect the trend", tagged_by=a
        ),
    ),
    Action(
        "rate claim in the article's inline",
        "post",
        lambda w: article_change(w.draft),
        RATERS,
        data=_rate_inline_data,
        effect=_expect_rated,
        guarded=("articles.Claim",),
    ),
    Action(
        "rate claim on its own page",
        "post",
        lambda w: reverse("admin:articles_claim_change", args=[w.claim.pk]),
        RATERS,
        data=_rate_page_data,
        effect=_expect_rated,
        guarded=("articles.Claim",),
    ),
    Action(
        "delete claim",
        "post",
        lambda w: reverse("admin:articles_claim_delete", args=[w.claim.pk]),
        EDITORS,
        data=lambda w, a: {"post": "yes"},
        effect=lambda w, a: _gone(Claim, w.claim.pk),
    ),
    Action(
        "submit for review",
        "post",
        lambda w: article_action("submit", w.draft),
        EDITORS,
        effect=lambda w, a: Article.objects.get(
            pk=w.draft.pk, status=Article.Status.IN_REVIEW
        ),
    ),
    Action(
        "publish",
        "post",
        lambda w: article_action("publish", w.draft),
        PUBLISHERS,
        data=lambda w, a: {"note": "First edition."},
        effect=lambda w, a: PublishedVersion.objects.get(
            article=w.draft, number=1, published_by=a
        ),
    ),
    Action(
        "publish (GET)", "get", lambda w: article_action("publish", w.draft), POST_ONLY
    ),
    Action(
        "unpublish",
        "post",
        lambda w: article_action("unpublish", w.live),
        PUBLISHERS,
        data=lambda w, a: {"note": "Legal review."},
        effect=lambda w, a: Article.objects.get(
            pk=w.live.pk, live_version__isnull=True, withdrawn_note="Legal review."
        ),
    ),
    Action(
        "add correction",
        "post",
        lambda w: article_change(w.draft),
        CORRECTORS,
        data=_add_correction_data,
        effect=lambda w, a: Correction.objects.get(
            article=w.draft, text="A forged or real correction."
        ),
        guarded=("articles.Correction",),
    ),
    Action(
        "change entity",
        "post",
        lambda w: reverse("admin:entities_entity_change", args=[_acme().pk]),
        EDITORS,
        data=_change_entity_data,
        effect=lambda w, a: Entity.objects.get(name="Renamed by the actor"),
    ),
    Action(
        "entity revision page",
        "get",
        lambda w: reverse(
            "admin:entities_entity_revision",
            args=[_acme().pk, Version.objects.get_for_object(_acme()).first().pk],
        ),
        EDITORS,
    ),
    Action(
        "entity names through the autocomplete",
        "get",
        lambda w: (
            reverse("admin:autocomplete")
            + "?term=Acme&app_label=articles&model_name=claim&field_name=claimant"
        ),
        EDITORS,
    ),
    Action(
        "submit (GET)",
        "get",
        lambda w: article_action("submit", w.draft),
        POST_ONLY,
    ),
    Action(
        "unpublish (GET)",
        "get",
        lambda w: article_action("unpublish", w.live),
        POST_ONLY,
    ),
    Action(
        "tag claim (GET)",
        "get",
        lambda w: article_action("tag", w.draft),
        POST_ONLY,
    ),
    Action(
        "make preview link (GET)",
        "get",
        lambda w: article_action("preview", w.draft),
        POST_ONLY,
    ),
    Action(
        "revoke preview link (GET)",
        "get",
        lambda w: article_action("revoke_preview", w.draft, w.link.pk),
        POST_ONLY,
    ),
    Action(
        "revoke another article's preview link (guessed id)",
        "post",
        lambda w: article_action("revoke_preview", w.draft, w.extra["live_link"].pk),
        GUESSED,
    ),
    Action(
        "restore another article's revision (guessed id)",
        "post",
        lambda w: article_action(
            "restore", w.draft, w.extra["live_revision"].revision_id
        ),
        GUESSED,
    ),
    Action(
        "compare with another article's revision (guessed id)",
        "get",
        lambda w: (
            article_action("compare", w.draft)
            + f"?from={w.extra['live_revision'].revision_id}&to=current"
        ),
        GUESSED,
    ),
    Action(
        "another article's revision page (guessed id)",
        "get",
        lambda w: article_action("revision", w.draft, w.extra["live_revision"].pk),
        # The version is looked up first: 404 before any permission check.
        {**GUESSED, "staff": 404},
    ),
    Action(
        "correction add page",
        "get",
        lambda w: reverse("admin:articles_correction_add"),
        NOBODY,
    ),
    Action(
        "make preview link",
        "post",
        lambda w: article_action("preview", w.draft),
        EDITORS,
        data=lambda w, a: {"hours": "24", "note": "for our lawyer"},
        effect=lambda w, a: PreviewLink.objects.get(article=w.draft, created_by=a),
    ),
    Action(
        "revoke preview link",
        "post",
        lambda w: article_action("revoke_preview", w.draft, w.link.pk),
        EDITORS,
        effect=lambda w, a: PreviewLink.objects.get(
            pk=w.link.pk, revoked_at__isnull=False
        ),
    ),
    Action(
        "change a published version",
        "post",
        lambda w: reverse(
            "admin:articles_publishedversion_change",
            args=[PublishedVersion.objects.get(article=w.live).pk],
        ),
        NOBODY,
        data=_published_version_data,
    ),
    Action(
        "delete a published version",
        "post",
        lambda w: reverse(
            "admin:articles_publishedversion_delete",
            args=[PublishedVersion.objects.get(article=w.live).pk],
        ),
        NOBODY,
        data=lambda w, a: {"post": "yes"},
    ),
    Action(
        "add user",
        "post",
        lambda w: reverse("admin:auth_user_add"),
        SUPERUSERS,
        data=_add_user_data,
        effect=lambda w, a: get_user_model().objects.get(username="newcomer"),
    ),
    Action(
        "change user (make superuser)",
        "post",
        lambda w: reverse("admin:auth_user_change", args=[w.rita.pk]),
        SUPERUSERS,
        data=_change_user_data,
        effect=lambda w, a: get_user_model().objects.get(
            pk=w.rita.pk, is_superuser=True
        ),
    ),
    Action(
        "draft's public page",
        "get",
        lambda w: w.draft.get_absolute_url(),
        NOT_FOUND,
    ),
    Action(
        "draft's public history",
        "get",
        lambda w: reverse("articles:history", args=[w.draft.slug]),
        NOT_FOUND,
    ),
    Action(
        "preview with a forged token",
        "get",
        lambda w: reverse("preview", args=[previews.token_for(w.link)[:-2] + "xx"]),
        NOT_FOUND,
    ),
]

assert len(ACTIONS) >= 15


# The matrix ------------------------------------------------------------------------


def _refusal_logged(caplog, role, outcome) -> bool:
    """Refusals are logged: by Django (4xx), the admin site or the workflow."""
    floor = (
        logging.INFO if role == "anonymous" and outcome == LOGIN else logging.WARNING
    )
    return any(
        r.levelno >= floor
        and (
            r.name in ("django.request", "newsroom.admin_site")
            or "Permission denied" in r.getMessage()
        )
        for r in caplog.records
    )


class _Rollback(Exception):
    """Undo one cell, so the next starts from the same newsroom."""


def _check_cell(client, world, action, role, caplog) -> None:
    outcome = action.expect[role]
    actor = make_actor(role)
    if actor is not None:
        client.force_login(actor)
    url = action.url(world)
    data = action.data(world, actor) if action.data else {}
    before = snapshot()
    caplog.clear()

    send = client.post if action.method == "post" else client.get
    response = send(url, data)

    after = snapshot()
    if outcome == OK:
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert "/login/" not in response["Location"], response["Location"]
        if action.effect:
            action.effect(world, actor)
        else:  # a page to read: reading changes nothing
            assert changed_tables(before, after) == []
        return

    if outcome == IGNORED:
        assert response.status_code in (200, 302), response.status_code
        guarded = changed_tables(
            snapshot_of(before, action.guarded), snapshot_of(after, action.guarded)
        )
        assert guarded == [], f"changed {guarded}"
        if action.kept:
            action.kept(world, actor)
    else:
        if outcome == LOGIN:
            assert response.status_code == 302, response.status_code
            assert response["Location"].startswith(reverse("admin:login"))
        else:
            assert response.status_code == outcome, response.status_code
        assert changed_tables(before, after) == []
    assert _refusal_logged(caplog, role, outcome), "not logged: " + repr(
        [(r.name, r.levelname, r.getMessage()) for r in caplog.records]
    )


@pytest.mark.parametrize("action", ACTIONS, ids=[a.name for a in ACTIONS])
def test_permission_matrix(world, action, caplog):
    """One row of the matrix: every role tries ``action`` on the same newsroom."""
    caplog.set_level(logging.INFO)
    failures = []
    for role in ROLES:
        try:
            with transaction.atomic():
                try:
                    _check_cell(Client(), world, action, role, caplog)
                except AssertionError as error:
                    failures.append(f"{role} (expected {action.expect[role]}): {error}")
                raise _Rollback
        except _Rollback:
            pass
    assert not failures, f"{action.name}:\n" + "\n".join(failures)


def snapshot_of(full: dict, labels) -> dict:
    return {label: full[apps.get_model(label)._meta.label] for label in labels}


def test_matrix_covers_every_role_for_every_action():
    for action in ACTIONS:
        assert set(action.expect) == set(ROLES), action.name


# Beyond the admin's own checks: the workflow refuses too -------------------------


@pytest.mark.parametrize(
    ("call", "allowed"),
    [
        (lambda w, u: workflow.publish(w.draft, user=u), {"publisher", "superuser"}),
        (
            lambda w, u: workflow.unpublish(w.live, user=u, note="x"),
            {"publisher", "superuser"},
        ),
        (
            lambda w, u: workflow.rate_claim(w.claim, user=u, rating=Rating.FALSE),
            {"fact_checker", "publisher", "superuser"},
        ),
        (
            lambda w, u: workflow.add_correction(
                w.draft, user=u, kind="correction", text="x"
            ),
            {"publisher", "superuser"},
        ),
        (
            lambda w, u: restoring.recover_article(w.deleted, user=u),
            {"publisher", "superuser"},
        ),
        (
            lambda w, u: restoring.restore_revision(w.draft, w.old_revision, user=u),
            {"reporter", "fact_checker", "publisher", "superuser"},
        ),
        (
            lambda w, u: workflow.submit_for_review(w.draft, user=u),
            {"reporter", "fact_checker", "publisher", "superuser"},
        ),
        (
            lambda w, u: workflow.schedule(
                w.draft, user=u, publish_at=timezone.now() + timedelta(hours=1)
            ),
            {"publisher", "superuser"},
        ),
        (
            lambda w, u: import_document(_imported(w), user=u),
            {"reporter", "fact_checker", "publisher", "superuser"},
        ),
    ],
    ids=[
        "publish",
        "unpublish",
        "rate",
        "correct",
        "recover",
        "restore",
        "submit",
        "schedule",
        "import",
    ],
)
def test_workflow_functions_enforce_the_roles_themselves(world, call, allowed):
    """Commands and any future API get the same answer as the admin."""
    failures = []
    for role in ROLES[1:]:  # everyone with an account
        try:
            with transaction.atomic():
                actor = make_actor(role)
                before = snapshot()
                try:
                    call(world, actor)
                except PermissionDenied:
                    if role in allowed:
                        failures.append(f"{role} was refused")
                    elif changed_tables(before, snapshot()):
                        failures.append(f"{role} was refused but changed data")
                else:
                    if role not in allowed:
                        failures.append(f"{role} was allowed")
                raise _Rollback
        except _Rollback:
            pass
    assert not failures, failures


def _imported(world) -> dict:
    """The live article's document, to import as a new article."""
    doc = export_article(world.live)
    doc["article"]["slug"] = "imported"
    return doc


@pytest.mark.parametrize(
    ("role", "rated"),
    [
        ("reporter", False),
        ("fact_checker", True),
        ("publisher", True),
        ("superuser", True),
    ],
)
def test_an_import_keeps_its_ratings_only_for_those_who_may_rate(world, role, rated):
    result = import_document(_imported(world), user=make_actor(role))
    claim = result.article.claims.get()
    assert claim.is_rated is rated
    assert (claim.checked_by is None) is not rated
    assert any("not rated" in note for note in result.notes) is not rated


@pytest.mark.parametrize("role", ROLES[2:])
def test_recovering_an_entity_undoes_a_delete_and_needs_its_right(roles, role):
    actor = make_actor(role)
    reasons = entity_rules.check_recover(Entity, user=actor)
    assert (reasons == []) is (role == "superuser")
