"""
Archive-scale benchmark: the admin, history, compare and search on a big archive.

Generates a newsroom archive (by default 10,000 articles, 100,000 claims,
1,000 entities, 5,000 sources, all published, each with a revision) straight
into the database with bulk inserts, plus two hard cases made the slow,
real way: an article with 300 claims published through ``workflow.publish``,
and an article of 20,000 words with 500 revisions made by
``reversion.create_revision`` over small edits. Then it measures, with
Django's test client logged in as a superuser, the wall time and the query
count of the admin pages editors use on such an archive, the history and
comparison of the 500-revision article, and search, and prints a table.

    .venv/bin/python bench/scale.py                          # SQLite, full size
    .venv/bin/python bench/scale.py --articles 1000 --claims 10000 --entities 200
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_scale \\
        .venv/bin/python bench/scale.py                      # PostgreSQL
    .venv/bin/python bench/scale.py --reuse                  # measure again only

The database is DATABASE_URL, or an SQLite file under var/bench/ that is made
afresh on each run (unless --reuse). A PostgreSQL database named in
DATABASE_URL is created if it does not exist; it must be empty (or --reuse).
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SQLITE_PATH = ROOT / "var" / "bench" / "scale.sqlite3"

_COMMON = """
the of and to in a is that for on with as was said by it from at have be this
are which has an their its will but not more year after new also company market
investment partnership research model cloud computing revenue quarter analysts
report billion million percent growth plan deal announced according people
familiar matter statement executive chief technology products customers
developers platform service search engine regulators court ruling contract
workers union election minister budget energy prices inflation bank rates
"""
_NAMES = """
ka lo mi ne ru sa ti vo ze pra den gol mar tis ven bur cal dor fin hal
Ada Ben Cleo Dev Eli Fay Gus Hana Ivo Jun Kai Lia Max Nia Oto Pia
Adler Brandt Costa Diaz Ekwue Fischer Garcia Hale Ito Jensen Khan Lopez
Corp Group Labs Bank Energy Media Motors Health Systems Foods
"""
COMMON = _COMMON.split()
SYLLABLES, FIRST, LAST, ORGS = (line.split() for line in _NAMES.strip().splitlines())


def configure(args) -> None:
    """Point Django at the benchmark database and set it up."""
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    if not os.environ.get("DATABASE_URL"):
        SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        if not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    elif os.environ["DATABASE_URL"].startswith("postgres"):
        _create_postgres_database(os.environ["DATABASE_URL"])

    import django
    from django.conf import settings

    django.setup()
    # The test client's host; not setup_test_environment(), whose template
    # instrumentation would add its own cost to every page measured.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.NEWSROOM_PAGE_CACHE = False


def _create_postgres_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# Text --------------------------------------------------------------------------


class Writer:
    """Sentences of plausible-looking words, with a Zipf-like word frequency."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        rare = sorted(
            {
                "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
                for _ in range(4000)
            }
        )
        self.words = COMMON + rare
        weights = [1 / (rank + 1) for rank in range(len(self.words))]
        total = 0.0
        self.cumulative = []
        for weight in weights:
            total += weight
            self.cumulative.append(total)

    def sentence(self, names=()) -> str:
        words = self.rng.choices(
            self.words, cum_weights=self.cumulative, k=self.rng.randint(8, 22)
        )
        if names and self.rng.random() < 0.4:
            words.insert(self.rng.randrange(len(words)), self.rng.choice(names))
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def body(self, sentences: int, names=()) -> tuple[str, list[tuple[int, int]]]:
        """A Markdown body of paragraphs, and the (start, end) of each sentence."""
        spans, parts, offset = [], [], 0
        remaining = sentences
        while remaining:
            size = min(remaining, self.rng.randint(3, 6))
            remaining -= size
            paragraph = []
            for _ in range(size):
                text = self.sentence(names)
                start = offset + sum(len(s) + 1 for s in paragraph)
                spans.append((start, start + len(text)))
                paragraph.append(text)
            joined = " ".join(paragraph)
            parts.append(joined)
            offset += len(joined) + 2
        return "\n\n".join(parts), spans


# Generation --------------------------------------------------------------------


def generate(args) -> dict:
    """Fill the database; return the objects the measurements need."""
    from django.db import transaction

    rng = random.Random(args.seed)
    writer = Writer(rng)
    started = time.perf_counter()
    with transaction.atomic():
        users = make_users()
        entities = make_entities(rng, args.entities)
        sources = make_sources(rng, args.sources, entities)
    progress(f"{len(entities):,} entities, {len(sources):,} sources")
    batch = 1000
    made = 0
    while made < args.articles:
        n = min(batch, args.articles - made)
        claims = distribute(args.claims, args.articles, made, n)
        with transaction.atomic():
            make_articles(
                rng, writer, made, claims, users, entities, sources, args.published
            )
        made += n
        rate = made / (time.perf_counter() - started)
        progress(f"{made:,} articles ({rate:.0f}/s)")
    with transaction.atomic():
        big = make_claims_article(rng, writer, users, entities, sources)
    progress("the 300-claim article, published through the workflow")
    revised = make_revised_article(rng, writer, users, entities, sources)
    progress("the 500-revision article")
    with transaction.atomic():
        make_desk_day(rng, users)
    progress("a working day on the desk")
    elapsed = time.perf_counter() - started
    progress(f"generated in {elapsed:.0f} s")
    return {"generation_seconds": elapsed, "big": big, "revised": revised}


def make_desk_day(rng, users) -> None:
    """
    A working day on a big desk: a tenth of the archive back in review with
    people assigned and due times (some overdue), a share of its ratings
    stale, a fact-checker's claims, notes naming people. Written in bulk.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from articles.models import Article, Claim
    from desk.models import Note

    User = get_user_model()
    checkers = User.objects.bulk_create(
        User(username=f"checker{i}", first_name="Checker", is_staff=True)
        for i in range(10)
    )
    Group.objects.get(name="Fact-checkers").user_set.add(*checkers)
    editor = users["admin"]
    now = timezone.now()
    ids = list(
        Article.objects.filter(slug__startswith="archive-").values_list("pk", flat=True)
    )
    in_review = rng.sample(ids, len(ids) // 10)
    for start in range(0, len(in_review), 500):
        for pk in in_review[start : start + 500]:
            Article.objects.filter(pk=pk).update(
                status=Article.Status.IN_REVIEW,
                editor=editor,
                reporter=rng.choice(users["reporters"]),
                checker=rng.choice(checkers),
                due_at=now + timedelta(hours=rng.randint(-48, 96)),
                priority=rng.randint(1, 4),
            )
    claims = list(
        Claim.objects.filter(article__in=in_review).values_list("pk", "article_id")
    )
    stale = [pk for pk, _ in rng.sample(claims, len(claims) // 5)]
    for start in range(0, len(stale), 1000):
        Claim.objects.filter(pk__in=stale[start : start + 1000]).update(stale=True)
    Note.objects.bulk_create(
        Note(
            article_id=article,
            claim_id=pk,
            author=editor,
            text=f"Can you check this again, @{rng.choice(checkers).username}?",
        )
        for pk, article in rng.sample(claims, min(len(claims), 2000))
    )


def distribute(total: int, articles: int, first: int, n: int) -> list[int]:
    """How many claims articles ``first`` .. ``first + n`` get (``total`` in all)."""
    base, extra = divmod(total, articles)
    rng = random.Random(first)
    counts = [base + (1 if first + i < extra else 0) for i in range(n)]
    # Some articles have many claims, some none: move claims around in pairs.
    for _ in range(n):
        a, b = rng.randrange(n), rng.randrange(n)
        moved = rng.randint(0, counts[a])
        counts[a] -= moved
        counts[b] += moved
    return [min(count, 60) for count in counts]


def make_users():
    from django.contrib.auth import get_user_model

    from articles.roles import setup_roles

    setup_roles()
    User = get_user_model()
    admin = User.objects.create_superuser(
        "bench-admin", "bench-admin@example.org", "unused"
    )
    reporters = User.objects.bulk_create(
        User(
            username=f"reporter{i}",
            first_name="Reporter",
            last_name=str(i),
            is_staff=True,
        )
        for i in range(20)
    )
    return {"admin": admin, "reporters": reporters}


def make_entities(rng, n):
    from django.utils.text import slugify

    from entities.models import Entity

    entities = []
    for i in range(n):
        kind = rng.choice(
            [
                "person",
                "organization",
                "organization",
                "publication",
                "product",
                "place",
            ]
        )
        if kind == "person":
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}"
        else:
            name = f"{rng.choice(LAST)} {rng.choice(ORGS)} {i}"
        entities.append(
            Entity(
                name=name,
                slug=slugify(name),
                kind=kind,
                aliases=f"{name.rsplit(' ', 1)[0]} No. {i}" if i % 3 == 0 else "",
                description=f"A {kind} in the archive.",
            )
        )
    return Entity.objects.bulk_create(entities, batch_size=1000)


def make_sources(rng, n, entities):
    from entities.models import Source

    today = time.time()
    from datetime import date

    return Source.objects.bulk_create(
        (
            Source(
                title=f"Report {i} on {rng.choice(COMMON)} {rng.choice(COMMON)}",
                kind=rng.choice(
                    [
                        "news_report",
                        "press_release",
                        "statement",
                        "document",
                        "blog_post",
                    ]
                ),
                publisher=rng.choice(entities),
                url=f"https://example.org/reports/{i}",
                published_on=date.fromtimestamp(today - rng.randint(0, 3000) * 86400),
            )
            for i in range(n)
        ),
        batch_size=1000,
    )


def make_articles(
    rng, writer, first, claim_counts, users, entities, sources, published_share
):
    """One batch of articles with claims, citations, mentions, a revision each,
    and (for the published share) a published version, as publishing makes."""
    from django.utils import timezone

    from articles.models import Article, Citation, Claim, Mention

    now = timezone.now()
    articles, bodies = [], []
    for offset, n_claims in enumerate(claim_counts):
        i = first + offset
        named = rng.sample(entities, rng.randint(2, 8))
        names = [e.name for e in named]
        body, spans = writer.body(max(n_claims + 2, rng.randint(15, 45)), names)
        article = Article(
            title=writer.sentence(names)[:-1][:300],
            slug=f"archive-{i}",
            dek=writer.sentence(),
            body=body,
            byline=f"By {rng.choice(FIRST)} {rng.choice(LAST)}",
            status=Article.Status.DRAFT,
        )
        articles.append(article)
        bodies.append((article, spans, named, n_claims))
    Article.objects.bulk_create(articles)
    claims, citations, mentions = [], [], []
    for article, spans, named, n_claims in bodies:
        for entity in named:
            position = article.body.find(entity.name)
            mentions.append(
                Mention(
                    article=article,
                    entity=entity,
                    count=max(1, article.body.count(entity.name)),
                    first_position=position if position >= 0 else None,
                )
            )
        for start, end in rng.sample(spans, n_claims):
            claims.append(
                claim_for(rng, article, start, end, named, sources, citations, now)
            )
    Claim.objects.bulk_create(claims, batch_size=2000)
    for citation in citations:
        citation.claim = citation.claim  # its primary key is known now
    Citation.objects.bulk_create(citations, batch_size=2000)
    Mention.objects.bulk_create(mentions, batch_size=2000)
    record_revisions(rng, articles, claims, citations, users)
    publish_in_bulk(
        rng,
        articles,
        claims,
        citations,
        named_by_article(mentions),
        published_share,
        users,
    )


def claim_for(rng, article, start, end, named, sources, citations, now):
    """A rated claim on body[start:end] with one citation (added to ``citations``)."""
    from articles import staleness
    from articles.models import Citation, Claim, Rating

    body = article.body
    quote = body[start:end]
    claimant = rng.choice([None, *named])
    rating = rng.choice(
        [
            Rating.ACCURATE,
            Rating.MOSTLY_ACCURATE,
            Rating.NEEDS_CONTEXT,
            Rating.UNSUPPORTED,
            Rating.OPINION,
        ]
        + ([Rating.MISLEADING, Rating.FALSE] if claimant else [])
    )
    claim = Claim(
        article=article,
        quote=quote,
        prefix=body[max(0, start - 32) : start],
        suffix=body[end : end + 32],
        start=start,
        end=end,
        claimant=claimant,
        kind=rng.choice(["fact", "statistic", "quote", "prediction", "attribution"]),
        statement=quote[:500],
        rating=rating,
        rating_explanation="Checked against the cited source.",
        checked_at=now - timedelta(days=rng.randint(0, 2000)),
    )
    citation = Citation(
        claim=claim,
        source=rng.choice(sources),
        relation=rng.choice(["origin", "supports", "contradicts", "context"]),
        excerpt="The passage of the source that bears on the claim.",
    )
    claim.checked_fingerprint = staleness.claim_fingerprint(claim, [citation])
    citations.append(citation)
    return claim


def named_by_article(mentions) -> dict:
    named = {}
    for mention in mentions:
        named.setdefault(mention.article_id, []).append(mention.entity)
    return named


def record_revisions(rng, articles, claims, citations, users):
    """One revision per article, holding it, its claims and its citations."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import router
    from django.utils import timezone
    from reversion.models import Revision, Version

    from articles.models import Article, Citation, Claim

    now = timezone.now()
    revisions = Revision.objects.bulk_create(
        Revision(
            date_created=now - timedelta(days=rng.randint(0, 3000)),
            user=rng.choice(users["reporters"]),
            comment="Imported from the old system",
        )
        for _ in articles
    )
    by_article = dict(zip((a.pk for a in articles), revisions, strict=True))
    types = ContentType.objects.get_for_models(Article, Claim, Citation)
    db = router.db_for_write(Article)

    def version(obj, revision):
        return Version(
            revision=revision,
            object_id=str(obj.pk),
            content_type_id=types[type(obj)].pk,
            db=db,
            format="json",
            serialized_data=serialized(obj),
            object_repr=str(obj)[:191],
        )

    claim_article = {c.pk: c.article_id for c in claims}
    Version.objects.bulk_create(
        [version(a, by_article[a.pk]) for a in articles]
        + [version(c, by_article[c.article_id]) for c in claims]
        + [version(c, by_article[claim_article[c.claim_id]]) for c in citations],
        batch_size=2000,
    )


def serialized(obj) -> str:
    """What django-reversion's JSON serializer stores for ``obj``, made faster:
    no query for its many-to-many fields (the archive's have none)."""
    from django.core.serializers.json import DjangoJSONEncoder

    fields = {
        f.name: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if not f.primary_key
    }
    for f in obj._meta.many_to_many:
        if f.remote_field.through._meta.auto_created:
            fields[f.name] = []
    return json.dumps(
        [{"model": obj._meta.label_lower, "pk": obj.pk, "fields": fields}],
        cls=DjangoJSONEncoder,
    )


def publish_in_bulk(rng, articles, claims, citations, named, share, users):
    """Published versions, their claims and citations, and the search index."""
    from django.utils import timezone

    from articles import (
        search,
        snapshots,
        structured_data,
    )
    from articles.models import (
        Article,
        PublishedCitation,
        PublishedClaim,
        PublishedVersion,
    )

    now = timezone.now()
    cited = {}
    for citation in citations:
        cited.setdefault(citation.claim_id, []).append(citation)
    by_article = {}
    for claim in claims:
        # The snapshot reads claim.citations.all(): hand it the citations.
        claim._prefetched_objects_cache = {"citations": cited.get(claim.pk, [])}
        by_article.setdefault(claim.article_id, []).append(claim)
    to_publish = [a for a in articles if rng.random() < share]
    versions = []
    for article in to_publish:
        when = now - timedelta(days=rng.randint(1, 3000), minutes=rng.randint(0, 1440))
        article.first_published_at = article.last_published_at = when
        snapshot = [snapshots.claim_snapshot(c) for c in by_article.get(article.pk, [])]
        paragraphs = article.body.split("\n\n")
        version = PublishedVersion(
            article=article,
            number=1,
            published_by=users["admin"],
            published_at=when,
            modified_at=when,
            title=article.title,
            dek=article.dek,
            byline=article.byline,
            body=article.body,
            body_html="".join(f"<p>{escape(p)}</p>\n" for p in paragraphs),
            body_text="\n\n".join(paragraphs),
            claims=snapshot,
            note="Imported",
        )
        version.jsonld = structured_data.build_jsonld(article, version)
        versions.append(version)
    PublishedVersion.objects.bulk_create(versions, batch_size=500)
    through = PublishedVersion.entities.through
    through.objects.bulk_create(
        (
            through(publishedversion_id=v.pk, entity_id=e.pk)
            for v in versions
            for e in named.get(v.article_id, [])
        ),
        batch_size=5000,
    )
    rows, claims = [], []
    for version in versions:
        rows += snapshots.published_claims(version)
        claims += version.claims
    PublishedClaim.objects.bulk_create(rows, batch_size=2000)
    PublishedCitation.objects.bulk_create(
        snapshots.published_citations(rows, claims), batch_size=2000
    )
    for version in versions:
        search.index_version(version)
    # Timestamps spread over the years; bulk_create stamped them all "now".
    for article in articles:
        article.updated_at = article.created_at = now - timedelta(
            days=rng.randint(0, 3000), seconds=rng.randint(0, 86400)
        )
    for version in versions:
        article = version.article
        article.live_version = version
        article.status = Article.Status.PUBLISHED
        article.updated_at = max(article.updated_at, version.published_at)
    Article.objects.bulk_update(
        articles,
        [
            "created_at",
            "updated_at",
            "live_version",
            "status",
            "first_published_at",
            "last_published_at",
        ],
        batch_size=500,
    )


def make_claims_article(rng, writer, users, entities, sources):
    """An article with 300 rated, cited claims, published through the workflow."""
    from django.utils import timezone

    from articles import editing, workflow
    from articles.models import Article, Citation, Claim

    named = rng.sample(entities, 6)
    body, spans = writer.body(330, [e.name for e in named])
    article = Article.objects.create(
        title="An article with 300 claims",
        slug="bench-300-claims",
        dek="The longest fact-check in the archive.",
        body=body,
        byline="By Bench Reporter",
    )
    editing.refresh_mentions(article)
    citations = []
    claims = [
        claim_for(rng, article, start, end, named, sources, citations, timezone.now())
        for start, end in sorted(rng.sample(spans, 300))
    ]
    Claim.objects.bulk_create(claims)
    for citation in citations:
        citation.claim = citation.claim
    Citation.objects.bulk_create(citations)
    workflow.publish(article, user=users["admin"], note="Benchmark")
    return article


def make_revised_article(rng, writer, users, entities, sources):
    """A 20,000-word article saved 500 times, each a revision of a small edit."""
    import reversion
    from django.db import transaction

    from articles.models import Article, Citation, Claim

    named = rng.sample(entities, 5)
    sentences = []
    while sum(len(s.split()) for s in sentences) < 20_000:
        sentences.append(writer.sentence([e.name for e in named]))
    paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
    body = "\n\n".join(paragraphs)
    with transaction.atomic(), reversion.create_revision():
        article = Article.objects.create(
            title="A long investigation, revised 500 times",
            slug="bench-500-revisions",
            dek="Twenty thousand words, edited over months.",
            body=body,
            byline="By Bench Reporter",
        )
        for i in range(20):
            quote = sentences[i * 5]
            start = body.index(quote)
            claim = Claim.objects.create(
                article=article,
                quote=quote,
                start=start,
                end=start + len(quote),
                claimant=rng.choice(named),
                statement=quote[:500],
            )
            Citation.objects.create(claim=claim, source=rng.choice(sources))
        reversion.set_user(users["admin"])
        reversion.set_comment("First draft")
    for n in range(1, 500):
        # A small edit somewhere after the claimed paragraphs: a word swapped,
        # a sentence added or removed.
        index = rng.randrange(25, len(paragraphs))
        words = paragraphs[index].split(" ")
        action = rng.random()
        if action < 0.6:
            words[rng.randrange(len(words))] = rng.choice(COMMON)
        elif action < 0.8:
            words.append(writer.sentence())
        elif len(words) > 12:
            del words[-6:]
        paragraphs[index] = " ".join(words)
        with transaction.atomic(), reversion.create_revision():
            article.body = "\n\n".join(paragraphs)
            article.lock_version += 1
            article.save()
            reversion.set_user(rng.choice(users["reporters"]))
            reversion.set_comment(f"Edit {n}: paragraph {index + 1}")
    return article


# Measurement -------------------------------------------------------------------


def _timed(function, repeat):
    """Median wall and CPU milliseconds and the queries of ``function()``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = function()  # warm-up: caches, compiled templates
    walls, cpus = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            wall, cpu = time.perf_counter(), time.process_time()
            result = function()
            cpus.append((time.process_time() - cpu) * 1000)
            walls.append((time.perf_counter() - wall) * 1000)
    return statistics.median(walls), statistics.median(cpus), len(queries), result


def measure(client, url, repeat):
    """(wall ms, CPU ms, queries, size) of GET ``url``, the medians of ``repeat``."""

    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
        return response

    wall, cpu, queries, response = _timed(get, repeat)
    return wall, cpu, queries, f"{len(response.content) / 1024:,.0f} KB"


def run_measurements(args) -> tuple[list[tuple], dict]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from reversion.models import Version

    from articles import search
    from articles.models import Article, Claim, PublishedVersion
    from entities.models import Entity

    admin = get_user_model().objects.get(username="bench-admin")
    client = Client()
    client.force_login(admin)
    rows_first = []
    big = Article.objects.get(slug="bench-300-claims")
    revised = Article.objects.get(slug="bench-500-revisions")
    busiest = Entity.objects.annotate(n=Count("claims")).order_by("-n", "pk").first()
    versions = list(
        Version.objects.get_for_object(revised)
        .order_by("pk")
        .values_list("pk", "revision_id")
    )
    middle_version = versions[len(versions) // 2][0]
    revisions = [revision for _, revision in versions]
    base = "/admin/articles/article"
    history = f"{base}/{revised.pk}/history"
    checker = get_user_model().objects.filter(username="checker0").first()
    if checker is not None:  # an archive made before the desk had none
        as_checker = Client()
        as_checker.force_login(checker)
        for label, who in (
            ("admin: the desk (superuser: every section)", client),
            ("admin: the desk (a fact-checker)", as_checker),
        ):
            row = (label, *measure(who, "/admin/", args.repeat))
            rows_first.append(row)
            progress(f"{label}: {row[1]:.0f} ms, {row[3]} queries")
    pages = [
        ("admin: article list", f"{base}/"),
        ("admin: article list, sorted by claim count", f"{base}/?o=4"),
        ("admin: article list, searched", f"{base}/?q=investment"),
        ("admin: article change page, 300 claims", f"{base}/{big.pk}/change/"),
        (
            "admin: same, last page of claims",
            f"{base}/{big.pk}/change/?claims=12",
        ),
        ("admin: entity list", "/admin/entities/entity/"),
        (
            f"admin: entity change page ({busiest.n} claims)",
            f"/admin/entities/entity/{busiest.pk}/change/",
        ),
        ("admin: claim list", "/admin/articles/claim/"),
        ("admin: source list", "/admin/entities/source/"),
        (f"admin: history, {len(revisions)} revisions", f"{history}/"),
        (
            "admin: history of the oldest archive article",
            f"{base}/{Article.objects.order_by('pk').first().pk}/history/",
        ),
        (
            "admin: compare two adjacent revisions (20,000 words)",
            f"{history}/compare/?from={revisions[-2]}&to={revisions[-1]}",
        ),
        (
            "admin: compare first and last revision",
            f"{history}/compare/?from={revisions[0]}&to={revisions[-1]}",
        ),
        (
            "admin: one revision against the working copy",
            f"{history}/{middle_version}/",
        ),
        (
            "admin: change page of the 20,000-word article",
            f"{base}/{revised.pk}/change/",
        ),
    ]
    rows = rows_first
    for label, url in pages:
        row = (label, *measure(client, url, args.repeat))
        rows.append(row)
        progress(f"{label}: {row[1]:.0f} ms, {row[3]} queries")
    live = Article.objects.published().count()
    terms = ["investment", "regulators court", busiest.name.split()[0]]
    for term in terms:
        wall, cpu, queries, hits = _timed(lambda t=term: search.search(t), args.repeat)
        rows.append(
            (f"search() “{term}”", wall, cpu, queries, f"{len(hits)} hits shown")
        )
        url = f"/search/?q={term.replace(' ', '+')}"
        rows.append((f"page {url}", *measure(client, url, args.repeat)))
        progress(f"search {term}: {wall:.0f} ms")
    counts = {
        "articles": Article.objects.count(),
        "published": live,
        "versions": PublishedVersion.objects.count(),
        "claims": Claim.objects.count(),
        "entities": Entity.objects.count(),
        "revisions": Version.objects.count(),
        "vendor": connection.vendor,
    }
    return rows, counts


def print_table(rows, counts, args, generation_seconds):
    print()
    print(
        f"{counts['vendor']}: {counts['articles']:,} articles "
        f"({counts['published']:,} live), {counts['claims']:,} claims, "
        f"{counts['entities']:,} entities, {counts['revisions']:,} versions in "
        f"revisions; medians of {args.repeat} runs after a warm-up"
        + (f"; generated in {generation_seconds:.0f} s" if generation_seconds else "")
    )
    print()
    print("| measured | wall ms | CPU ms | queries | result |")
    print("|---|---:|---:|---:|---|")
    for label, wall, cpu, queries, result in rows:
        print(f"| {label} | {wall:.0f} | {cpu:.0f} | {queries} | {result} |")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--entities", type=int, default=1_000)
    parser.add_argument(
        "--sources", type=int, default=None, help="default: five per entity"
    )
    parser.add_argument(
        "--published",
        type=float,
        default=1.0,
        help="share of the archive that is published (0..1)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=5,
        help="requests measured per page (the median is shown)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the archive already in the database",
    )
    args = parser.parse_args(argv)
    args.sources = args.sources or args.entities * 5
    configure(args)

    from django.core.management import call_command

    from articles.models import Article

    call_command("migrate", verbosity=0)
    generation_seconds = None
    if not args.reuse:
        if Article.objects.exists():
            raise SystemExit(
                "The database already holds articles: use --reuse to measure "
                "them, or give an empty database."
            )
        generation_seconds = generate(args)["generation_seconds"]
    rows, counts = run_measurements(args)
    print_table(rows, counts, args, generation_seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
