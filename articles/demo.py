"""
The demo newsroom (DESIGN §7): the sample article, fact-checked and published.

``load_demo()`` builds, through the workflow functions and with a revision for
every step, the entities and sources behind the sample report on the
OpenAI/Microsoft partnership, one user in each role, the article with its
claims tagged by the reporter and rated by the fact-checker, and its first
published version; then a day in progress on the desk (``articles.demo_day``).
It creates only what is missing and never changes what is there, so running
it again changes nothing.

The ratings are what a careful fact-checker would write. The article was
written in late January 2023: "last year" is 2022 and "this month" is January
2023.
"""

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import reversion
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.text import slugify

from entities.models import Entity, Source
from masthead.demo import load_profile
from media import library
from media.models import Image
from media.validation import check_upload

from . import editing, workflow
from .demo_data import (
    CLAIMS,
    ENTITIES,
    ILLUSTRATION_SOURCE,
    LEAD_IMAGE,
    MEDIA_CLAIM,
    SOURCES,
)
from .demo_day import build_day
from .models import Article, Citation, Claim, PublishedVersion
from .roles import FACT_CHECKERS, PUBLISHERS, REPORTERS, setup_roles

logger = logging.getLogger(__name__)

SEED_PATH = (
    Path(__file__).resolve().parent / "demo" / "openai-microsoft-partnership.txt"
)

ARTICLE_SLUG = "openai-and-microsoft-expand-partnership"
ARTICLE_TITLE = "OpenAI and Microsoft expand their partnership"
ARTICLE_DEK = (
    "Microsoft is making a new multi-year, multi-billion dollar investment in "
    "OpenAI, the maker of ChatGPT, the two companies announced on January 23, 2023."
)
PUBLISH_NOTE = "First publication."


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    group: str | None  # None: the superuser
    superuser: bool = False


REPORTER = DemoUser("reporter", "Demo", "Reporter", REPORTERS)
FACT_CHECKER = DemoUser("factchecker", "Demo", "Fact-checker", FACT_CHECKERS)
PUBLISHER = DemoUser("publisher", "Demo", "Publisher", PUBLISHERS)
ADMIN = DemoUser("admin", "Demo", "Administrator", None, superuser=True)
USERS = (REPORTER, FACT_CHECKER, PUBLISHER, ADMIN)

BYLINE = f"By {REPORTER.first_name} {REPORTER.last_name}"
# The team on the about page: the demo accounts, for what they are.
PUBLISHER_BIO = "A demo account: publishes the stories and their corrections."
FACT_CHECKER_BIO = "A demo account: rates the claims the reporter marks."
REPORTER_BIO = "A demo account: writes the stories and marks their claims."


@dataclass
class CreatedUser:
    """A demo user made by this run; ``password`` is set when it was generated."""

    user: object
    role: str
    password: str | None


@dataclass
class DemoReport:
    """What ``load_demo`` created; empty lists mean the part was already there."""

    users: list[CreatedUser] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    article: Article | None = None
    article_created: bool = False
    claims: int = 0
    version: PublishedVersion | None = None
    profile_created: bool = False

    @property
    def changed(self) -> bool:
        return bool(
            self.users
            or self.entities
            or self.sources
            or self.article_created
            or self.profile_created
        )


def seed_text() -> str:
    """The sample article's text, as shipped with the app."""
    return SEED_PATH.read_text(encoding="utf-8")


def seed_body() -> str:
    """The article body: the seed text, paragraphs separated by a blank line."""
    text = seed_text().replace("\r\n", "\n").strip("\n")
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    return "\n\n".join(paragraphs)


@transaction.atomic
def load_demo(*, passwords: Mapping[str, str] | None = None) -> DemoReport:
    """Build whatever part of the demo newsroom is missing; change nothing else.

    ``passwords`` maps usernames to the passwords to give them when they are
    created; the others get a random password, returned in the report.
    """
    passwords = dict(passwords or {})
    report = DemoReport()
    setup_roles()
    users = {
        spec.username: _user(spec, passwords.get(spec.username), report)
        for spec in USERS
    }
    reporter = users[REPORTER.username]
    entities = {spec["name"]: _entity(spec, reporter, report) for spec in ENTITIES}
    entities = {e.slug: e for e in entities.values()}
    sources = {
        key: _source(spec, entities, reporter, report) for key, spec in SOURCES.items()
    }
    # Captures of the sources, from files in the repository (no network).
    from sources.demo import capture_demo_sources

    capture_demo_sources(sources)
    article = Article.objects.filter(slug=ARTICLE_SLUG).first()
    if article is None:
        article = _article(
            reporter=reporter,
            checker=users[FACT_CHECKER.username],
            publisher=users[PUBLISHER.username],
            entities=entities,
            sources=sources,
        )
        report.article_created = True
        report.claims = article.claims.count()
    build_day(
        Article.objects.get(pk=article.pk),
        users=users,
        entities=entities,
        sources=sources,
    )
    report.article = Article.objects.get(pk=article.pk)
    report.version = article.live_version
    report.profile_created = load_profile(
        user=users[PUBLISHER.username],
        team=[
            (users[PUBLISHER.username], "Publisher", PUBLISHER_BIO),
            (users[FACT_CHECKER.username], "Fact-checker", FACT_CHECKER_BIO),
            (users[REPORTER.username], "Reporter", REPORTER_BIO),
        ],
    )
    return report


def _user(spec: DemoUser, password: str | None, report: DemoReport):
    User = get_user_model()
    user = User.objects.filter(username=spec.username).first()
    if user is None:
        user = User(
            username=spec.username,
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=f"{spec.username}@example.org",
            is_staff=True,
            is_superuser=spec.superuser,
        )
        generated = None
        if password is None:
            password = generated = secrets.token_urlsafe(16)
        else:
            validate_password(password, user)
        user.set_password(password)
        user.full_clean()
        user.save()
        report.users.append(CreatedUser(user, spec.group or "superuser", generated))
        logger.info("Demo user %s created", spec.username)
    if spec.group and not user.groups.filter(name=spec.group).exists():
        user.groups.add(Group.objects.get(name=spec.group))
        # A fresh instance: the old one may have cached its permissions.
        user = User.objects.get(pk=user.pk)
    return user


def _entity(spec: dict, user, report: DemoReport) -> Entity:
    slug = slugify(spec["name"])
    entity = Entity.objects.filter(slug=slug).first()
    if entity is not None:
        return entity
    entity = Entity(slug=slug, **spec)
    entity.full_clean()
    with reversion.create_revision():
        entity.save()
        reversion.set_user(user)
        reversion.set_comment(f"Added {entity.name} (demo newsroom)")
    report.entities.append(entity)
    return entity


def _source(spec: dict, entities: dict, user, report: DemoReport) -> Source:
    source = Source.objects.with_url(spec["url"]).first()
    if source is not None:
        return source
    source = Source(**{**spec, "publisher": entities[spec["publisher"]]})
    source.full_clean()
    with reversion.create_revision():
        source.save()
        reversion.set_user(user)
        reversion.set_comment(f"Added source “{source.title}” (demo newsroom)")
    report.sources.append(source)
    return source


def _offsets(body: str, quote: str) -> tuple[int, int]:
    count = body.count(quote)
    if count != 1:
        raise ValueError(
            f"The demo claim {quote[:40]!r}… occurs {count} times in the body, "
            "not once."
        )
    start = body.index(quote)
    return start, start + len(quote)


def _lead_image(reporter) -> Image:
    """The demo's illustration in the media library (added once)."""
    spec = dict(LEAD_IMAGE)
    data = (SEED_PATH.parent / spec.pop("file")).read_bytes()
    checked = check_upload(data, name="lead-image.jpg")
    existing = Image.objects.filter(sha256=checked.sha256).first()
    if existing is not None:
        return existing
    return library.add_image(checked, user=reporter, name="lead-image.jpg", **spec)


def _media_claim(article, *, reporter, checker) -> None:
    """A claim about the lead image itself, cited, rated and tagged as media."""
    source = Source.objects.filter(title=ILLUSTRATION_SOURCE["title"]).first()
    if source is None:
        source = Source(**ILLUSTRATION_SOURCE)
        source.full_clean()
        source.save()
    claim = Claim(
        article=article,
        quote="",
        kind=MEDIA_CLAIM["kind"],
        statement=MEDIA_CLAIM["statement"],
        media_type="image",
        media_image=article.lead_image,
    )
    claim.full_clean()
    with reversion.create_revision():
        workflow.save_claim(claim, user=reporter)
        Citation.objects.create(
            claim=claim,
            source=source,
            relation=Citation.Relation.ORIGIN,
            excerpt=MEDIA_CLAIM["excerpt"],
        )
        reversion.add_to_revision(article)
        reversion.set_user(reporter)
        reversion.set_comment("Added a claim about the lead image")
    workflow.rate_claim(
        claim,
        user=checker,
        rating=MEDIA_CLAIM["rating"],
        explanation=MEDIA_CLAIM["explanation"],
        media_authenticity=MEDIA_CLAIM["media_authenticity"],
    )


def _article(*, reporter, checker, publisher, entities, sources) -> Article:
    body = seed_body()
    article = Article(
        title=ARTICLE_TITLE,
        slug=ARTICLE_SLUG,
        dek=ARTICLE_DEK,
        body=body,
        byline=BYLINE,
        lead_image=_lead_image(reporter),
    )
    article.full_clean()
    with reversion.create_revision():
        article.save()
        article.authors.set([reporter])
        editing.process_edit(article)
        reversion.set_user(reporter)
        reversion.set_comment("Created the article from the sample report")

    claims = []
    for spec in CLAIMS:
        start, end = _offsets(body, spec["quote"])
        claimant = entities[spec["claimant"]] if spec["claimant"] else None
        claim = workflow.tag_claim(
            article,
            user=reporter,
            start=start,
            end=end,
            claimant=claimant,
            kind=spec["kind"],
            statement=spec["statement"],
        )
        if spec["citations"]:
            _add_citations(claim, spec["citations"], sources=sources, user=reporter)
        claims.append((claim, spec))

    workflow.submit_for_review(article, user=reporter)
    for claim, spec in claims:
        workflow.rate_claim(
            claim, user=checker, rating=spec["rating"], explanation=spec["explanation"]
        )
    _media_claim(article, reporter=reporter, checker=checker)
    article.refresh_from_db()
    workflow.publish(article, user=publisher, note=PUBLISH_NOTE)
    article.refresh_from_db()
    logger.info("Demo article %s built and published", article.pk)
    return article


def _add_citations(claim: Claim, specs: list[dict], *, sources: dict, user) -> None:
    with reversion.create_revision():
        for spec in specs:
            citation = Citation(
                claim=claim, **{**spec, "source": sources[spec["source"]]}
            )
            citation.full_clean()
            citation.save()
        reversion.add_to_revision(claim.article)
        reversion.set_user(user)
        reversion.set_comment(f"Cited {len(specs)} source(s) for claim {claim}")
