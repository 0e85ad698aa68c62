"""The JSON interchange document and file imports (DESIGN §8, issue 5)."""

import copy
import json
import re
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reversion.models import Version

from articles import demo, editing, gate, staleness, workflow
from articles.importing import decode, import_file, parse_text
from articles.interchange import DocumentError, export_article, import_document
from articles.models import Article, Citation, Claim, Correction, Mention, Rating
from articles.roles import setup_roles
from entities.models import Entity, Source
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    CorrectionFactory,
    EntityFactory,
    SourceFactory,
    UserFactory,
    fact_checker,
    publisher,
    reporter,
)

pytestmark = pytest.mark.django_db

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "docs" / "article.schema.json"
WORKFLOW_FIELDS = ("status", "first_published_at", "last_published_at")
USERS = {
    "rita": reporter,
    "frank": fact_checker,
    "paula": publisher,
    # The demo newsroom's.
    "reporter": reporter,
    "factchecker": fact_checker,
    "publisher": publisher,
}


def model_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in {"sessions", "admin"}
    }


def as_draft(doc: dict) -> dict:
    """``doc`` as an import leaves it: a draft, never published."""
    doc = copy.deepcopy(doc)
    doc["article"].update(
        status="draft", first_published_at=None, last_published_at=None
    )
    return doc


def flush_and_recreate_users(usernames) -> None:
    """Empty the database as ``manage.py flush`` does; bring back the staff."""
    # PostgreSQL refuses to TRUNCATE tables with deferred foreign-key checks
    # pending in this (test) transaction: run those checks first.
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    ContentType.objects.clear_cache()
    setup_roles()
    for name in usernames:
        USERS.get(name, reporter)(username=name)


@pytest.fixture
def people(people):
    """The newsroom of conftest.py, and the superuser who imports (made first,
    so that counting rows before and after an import does not count them)."""
    importer()
    return people


def importer():
    """The superuser who imports: any rating and schedule of a document is theirs
    to take (the rights of other importers are tested in test_side_doors)."""
    return UserFactory(username="boss", is_superuser=True)


def users_of(doc: dict) -> set[str]:
    names = set(doc["article"]["authors"])
    names |= set(doc["article"].get("assignees", {}).values()) - {None}
    for claim in doc["claims"]:
        names |= {claim["checked_by"], claim["tagged_by"]} - {None}
    return names


def sentence(i: int) -> str:
    who = ("Acme Corp", "Jane Roe", "The Daily Planet", "Acme")[i % 4]
    return f"{who} said revenue rose {i + 3} percent in {1990 + i}."


def rich_article(people, *, claims: int = 16) -> Article:
    """A draft with many claims in every state, citations, corrections, links."""
    acme = EntityFactory(name="Acme Corp", slug="acme-corp", aliases="Acme\nACME Inc.")
    roe = EntityFactory(
        name="Jane Roe", slug="jane-roe", kind=Entity.Kind.PERSON, wikidata_id="Q42"
    )
    planet = EntityFactory(
        name="The Daily Planet",
        slug="the-daily-planet",
        kind=Entity.Kind.PUBLICATION,
        url="https://planet.example.org/",
    )
    globex = EntityFactory(name="Globex", slug="globex", description="Not named.")
    sources = [
        SourceFactory(
            title="Acme's revenue surge",
            publisher=planet,
            authors="Lois Lane\nClark Kent",
            published_on=timezone.now().date() - timedelta(days=30),
            archive_url="https://archive.example.org/acme",
            notes="Paywalled.",
        ),
        SourceFactory(title="Annual report", publisher=acme, url=""),
        SourceFactory(
            title="Statement", kind=Source.Kind.STATEMENT, publisher=None, url=""
        ),
        SourceFactory(title="Acme's revenue surge", publisher=globex),
    ]
    paragraphs = [
        " ".join(sentence(i) for i in range(start, min(start + 4, claims)))
        for start in range(0, claims, 4)
    ]
    article = ArticleFactory(
        slug="rich",
        title="Acme's long year",
        dek="Revenue, checked.",
        body="\n\n".join(paragraphs),
        byline="By Rita",
        publish_at=timezone.now() + timedelta(days=1),
    )
    article.authors.set([people["reporter"], people["publisher"]])
    claimants = [None, acme, roe, planet]
    ratings = [
        Rating.ACCURATE,
        Rating.MOSTLY_ACCURATE,
        Rating.NEEDS_CONTEXT,
        Rating.UNSUPPORTED,
        Rating.OPINION,
        None,
    ]
    tagged = []
    for i in range(claims):
        claim = ClaimFactory(
            article=article,
            quote=sentence(i),
            claimant=claimants[i % 4],
            kind=list(Claim.Kind)[i % 5],
            statement=f"Revenue rose {i + 3} percent.",
            tagged_by=people["reporter"],
        )
        for j in range(i % 3 + 1):
            CitationFactory(
                claim=claim,
                source=sources[(i + j) % 4],
                relation=list(Citation.Relation)[(i + j) % 4],
                excerpt=f"Excerpt {i}.{j}",
                locator=f"p. {j + 1}" if j else "",
                note="A note." if j == 2 else "",
            )
        rating = ratings[i % 6]
        if rating:
            workflow.rate_claim(
                claim, user=people["checker"], rating=rating, explanation=f"Why {i}."
            )
        tagged.append(claim)
    # A citation added after the check makes that rating stale.
    CitationFactory(claim=tagged[0], source=sources[2], relation="context")
    old_body = article.body
    article.body = old_body.replace(sentence(1), "").replace(
        "rose 5 percent", "rose five percent"
    )
    article.save()
    editing.process_edit(article, old_body=old_body)
    CorrectionFactory(
        article=article, kind=Correction.Kind.CLARIFICATION, text="We clarified."
    )
    CorrectionFactory(
        article=article, text="Fixed a year.", date=timezone.now() - timedelta(days=2)
    )
    Mention.objects.create(article=article, entity=globex, origin="manual")
    Mention.objects.filter(article=article, entity=roe).update(suppressed=True)
    return Article.objects.get(pk=article.pk)


# Export ----------------------------------------------------------------------


def test_export_has_the_documented_keys_and_values(people):
    article = rich_article(people)
    doc = export_article(article)
    assert doc["format"] == "newsroom.article" and doc["version"] == 1
    assert set(doc) >= {"article", "entities", "sources", "claims", "corrections"}
    assert set(doc["article"]) >= {
        "slug",
        "title",
        "dek",
        "body",
        "byline",
        "authors",
        "status",
        "publish_at",
        "first_published_at",
        "last_published_at",
    }
    assert doc["article"]["authors"] == ["paula", "rita"]
    assert [e["slug"] for e in doc["entities"]] == [
        "acme-corp",
        "globex",
        "jane-roe",
        "the-daily-planet",
    ]
    acme = doc["entities"][0]
    assert acme["aliases"] == ["Acme", "ACME Inc."]
    keys = [s["key"] for s in doc["sources"]]
    assert len(set(keys)) == len(keys) == 4
    assert "acmes-revenue-surge-2" in keys
    for claim in doc["claims"]:
        if claim["anchor"] != "orphaned":
            body = doc["article"]["body"]
            assert body[claim["start"] : claim["end"]] == claim["quote"]
        assert {c["source"] for c in claim["citations"]} <= set(keys)
    anchors = {c["anchor"] for c in doc["claims"]}
    assert anchors == {"anchored", "changed", "orphaned"}
    assert doc["claims"][0]["stale"] is True
    assert sum(c["stale"] for c in doc["claims"]) >= 2  # the changed one too
    assert doc["mentions"] == [
        {"entity": "globex", "origin": "manual", "suppressed": False},
        {"entity": "jane-roe", "origin": "detected", "suppressed": True},
    ]
    json.dumps(doc)  # plain JSON


def test_exported_documents_validate_against_the_schema(people):
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    doc = export_article(rich_article(people))
    assert list(validator.iter_errors(doc)) == []
    doc["claims"][0]["rating"] = "pants_on_fire"
    del doc["article"]["title"]
    assert len(list(validator.iter_errors(doc))) == 2


def test_demo_export_validates_against_the_schema(db):
    demo.load_demo()
    schema = json.loads(SCHEMA_PATH.read_text())
    article = Article.objects.get(slug=demo.ARTICLE_SLUG)
    jsonschema.validate(export_article(article), schema)


# Round trips -----------------------------------------------------------------


def test_round_trip_of_an_article_with_many_claims_and_citations(people):
    doc = export_article(rich_article(people, claims=24))
    assert len(doc["claims"]) == 24
    flush_and_recreate_users(users_of(doc))
    assert not Article.objects.exists() and not Entity.objects.exists()
    result = import_document(doc, user=importer())
    assert result.claims == 24
    assert result.citations == sum(len(c["citations"]) for c in doc["claims"])
    assert export_article(result.article) == doc
    assert Source.objects.count() == 4 and Entity.objects.count() == 4


def test_round_trip_of_the_demo_article(db):
    demo.load_demo()
    doc = export_article(Article.objects.get(slug=demo.ARTICLE_SLUG))
    assert doc["article"]["status"] == "published"
    assert len(doc["claims"]) >= 8
    flush_and_recreate_users(users_of(doc))
    result = import_document(doc, user=importer())
    article = result.article
    assert article.status == Article.Status.DRAFT and article.live_version is None
    expected = as_draft(doc)
    # What the source archive kept is listed, not carried: the WARC files
    # are not in the document (evidence.json's zip has them).
    assert all(source["captures"] for source in expected["sources"] if source["url"])
    for source in expected["sources"]:
        source["captures"] = []
    assert export_article(article) == expected
    # The ratings were restored as checked: the gate lets it through.
    assert gate.gate_blockers(article) == []


def test_an_imported_rating_says_what_changed_after_the_import(db):
    from articles import demo

    demo.load_demo()
    doc = export_article(Article.objects.get(slug=demo.ARTICLE_SLUG))
    flush_and_recreate_users(users_of(doc))
    article = import_document(doc, user=importer()).article
    claim = next(c for c in article.claims.all() if c.is_rated and c.citations.exists())
    citation = claim.citations.select_related("source").first()
    citation.excerpt = "A different passage of the report."
    citation.save()
    reasons = staleness.stale_reasons(claim)
    assert reasons == [f"the excerpt or place cited in {citation.source.title} changed"]


def test_importing_twice_reuses_entities_and_sources(people):
    doc = export_article(rich_article(people))
    before = (Entity.objects.count(), Source.objects.count())
    result = import_document(doc, user=importer(), slug="rich-copy")
    assert (Entity.objects.count(), Source.objects.count()) == before
    assert result.entities_created == []
    assert result.sources_created == 0 and result.sources_matched == 4
    copy_doc = export_article(result.article)
    assert copy_doc["article"]["slug"] == "rich-copy"
    doc["article"]["slug"] = "rich-copy"
    assert copy_doc == doc


def test_sources_are_matched_by_url_then_by_title_and_publisher(people):
    planet = EntityFactory(name="Planet", slug="planet")
    by_url = SourceFactory(url="https://example.org/x", title="Old title")
    by_title = SourceFactory(url="", title="Memo", publisher=planet)
    doc = minimal_doc(
        sources=[
            {"key": "a", "title": "New title", "url": "https://example.org/x"},
            {"key": "b", "title": "Memo", "publisher": "planet"},
            {"key": "c", "title": "Memo", "publisher": None},
        ],
        claims=[claim_doc("Acme Corp said", citations=["a", "b", "c"])],
    )
    result = import_document(doc, user=importer())
    claim = result.article.claims.get()
    cited = [c.source for c in claim.citations.all()]
    assert cited[0] == by_url and cited[1] == by_title
    assert cited[2] not in (by_url, by_title)
    assert result.sources_matched == 2 and result.sources_created == 1


def test_an_entity_with_a_known_slug_is_reused_as_it_is(people):
    acme = EntityFactory(name="Acme Corp", slug="acme-corp", description="Ours.")
    doc = minimal_doc(
        entities=[
            {"slug": "acme-corp", "name": "ACME", "description": "Theirs."},
            {"slug": "globex", "name": "Globex", "kind": "organization"},
        ],
        claims=[claim_doc("Acme Corp said", claimant="acme-corp")],
    )
    result = import_document(doc, user=importer())
    acme.refresh_from_db()
    assert acme.description == "Ours." and acme.name == "Acme Corp"
    assert result.entities_created == ["globex"]
    assert result.article.claims.get().claimant == acme
    # Mentions are linked from the text (Acme Corp is named in it).
    assert result.article.mentions.filter(entity=acme).exists()


def test_import_makes_a_draft_and_keeps_the_schedule(people):
    due = timezone.now() + timedelta(hours=3)
    doc = minimal_doc()
    doc["article"].update(
        status="published",
        publish_at=due.isoformat(),
        first_published_at="2020-01-01T00:00:00+00:00",
        last_published_at="2020-01-02T00:00:00+00:00",
    )
    article = import_document(doc, user=importer()).article
    assert article.status == Article.Status.DRAFT
    assert article.live_version is None and article.first_published_at is None
    assert article.publish_at == due


def test_import_records_one_revision_with_user_and_comment(people):
    article = import_document(
        minimal_doc(claims=[claim_doc("Acme Corp said")]),
        user=people["reporter"],
        source_name="wire.json",
    ).article
    versions = Version.objects.get_for_object(article)
    assert versions.count() == 1
    revision = versions.get().revision
    assert revision.user == people["reporter"]
    assert revision.comment == "Imported from wire.json"
    claim_type = ContentType.objects.get_for_model(Claim)
    assert revision.version_set.filter(content_type=claim_type).count() == 1


def test_update_replaces_the_working_copy_and_keeps_claim_identity(people):
    article = rich_article(people)
    live_ids = set(article.claims.values_list("pk", flat=True))
    lock_version = article.lock_version
    doc = export_article(article)
    doc["article"]["title"] = "A new title"
    removed = doc["claims"].pop()
    doc["corrections"] = []  # corrections are never removed by an update
    with pytest.raises(DocumentError, match="already taken"):
        import_document(doc, user=importer())
    result = import_document(doc, user=importer(), update=True)
    assert not result.created
    article.refresh_from_db()
    assert article.title == "A new title"
    assert article.lock_version == lock_version + 1
    ids = set(article.claims.values_list("pk", flat=True))
    assert ids < live_ids and len(ids) == len(live_ids) - 1
    assert not article.claims.filter(quote=removed["quote"], start=removed["start"])
    assert article.corrections.count() == 2
    again = export_article(article)
    again["corrections"] = []
    assert again == doc


def test_update_needs_an_existing_article(people):
    with pytest.raises(DocumentError, match="no article to update"):
        import_document(minimal_doc(), user=importer(), update=True)


def test_a_user_without_permission_may_not_import(people):
    with pytest.raises(PermissionDenied):
        import_document(minimal_doc(), user=UserFactory(username="visitor"))


@given(
    paragraphs=st.lists(
        st.text(
            alphabet=st.characters(
                codec="utf-8", exclude_categories=["Cs", "Cc"], exclude_characters="\n"
            ),
            min_size=1,
            max_size=120,
        ),
        min_size=1,
        max_size=5,
    ),
    spans=st.lists(
        st.tuples(st.floats(0, 1), st.floats(0, 1), st.sampled_from(list(Rating))),
        max_size=8,
    ),
)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_round_trip_holds_for_any_body_and_claims(people, paragraphs, spans):
    body = "\n\n".join(paragraphs)
    source = SourceFactory(url="https://example.org/any", publisher=None)
    article = ArticleFactory(slug="any", body=body)
    for a, b, rating in spans:
        start, end = sorted((int(a * len(body)), int(b * len(body))))
        if not body[start:end].strip():
            continue
        claim = ClaimFactory(article=article, quote=body[start:end], start=start)
        CitationFactory(claim=claim, source=source)
        if rating != Rating.UNRATED:
            workflow.rate_claim(claim, user=people["checker"], rating=rating)
    doc = export_article(article)
    try:
        article.delete()
        source.delete()
        assert export_article(import_document(doc, user=importer()).article) == doc
    finally:
        Article.objects.filter(slug="any").delete()
        Source.objects.all().delete()


# Checking documents --------------------------------------------------------------


def minimal_doc(**parts) -> dict:
    return {
        "format": "newsroom.article",
        "version": 1,
        "article": {
            "slug": "acme",
            "title": "Acme",
            "body": "Acme Corp said profits doubled.\n\nNobody else did.",
        },
        **parts,
    }


BODY = minimal_doc()["article"]["body"]


def claim_doc(quote: str, *, citations=(), **fields) -> dict:
    start = BODY.index(quote)
    return {
        "quote": quote,
        "start": start,
        "end": start + len(quote),
        "citations": [{"source": key} for key in citations],
        **fields,
    }


def problems(doc) -> list[str]:
    before = model_counts()
    with pytest.raises(DocumentError) as raised:
        import_document(doc, user=importer())
    assert model_counts() == before
    return raised.value.errors


def test_unknown_keys_are_tolerated(people):
    doc = minimal_doc(claims=[claim_doc("profits doubled", colour="red")])
    doc["future"] = {"anything": 1}
    doc["article"]["mood"] = "sunny"
    assert import_document(doc, user=importer()).claims == 1


def test_a_quote_that_is_not_at_its_offsets_is_refused_with_its_place(people):
    claim = claim_doc("profits doubled")
    claim["start"] += 1
    claim["end"] += 1
    errors = problems(minimal_doc(claims=[claim_doc("Acme Corp"), claim]))
    assert errors == [
        "claims[1].quote is not found in the body at 16-31 (it is at 15-30)"
    ]


def test_a_quote_missing_from_the_body_is_refused(people):
    claim = {"quote": "profits tripled", "start": 15, "end": 30}
    assert problems(minimal_doc(claims=[claim])) == [
        "claims[0].quote is not found in the body at 15-30"
    ]


def test_an_orphaned_claim_keeps_its_old_quote(people):
    claim = {"quote": "gone", "start": 500, "end": 504, "anchor": "orphaned"}
    article = import_document(minimal_doc(claims=[claim]), user=importer()).article
    assert article.claims.get().anchor == Claim.Anchor.ORPHANED
    assert "orphaned" in [b.code for b in gate.gate_blockers(article)]


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d.pop("format"), "format is missing"),
        (lambda d: d.update(format="wordpress"), "format is 'wordpress'"),
        (lambda d: d.update(version=2), "version 2 is not supported"),
        (lambda d: d.update(version="1"), "version '1' is not supported"),
        (lambda d: d.update(article=[]), "article must be an object"),
        (lambda d: d["article"].pop("title"), "article.title is missing"),
        (lambda d: d["article"].update(slug="no spaces"), "is not a slug"),
        (lambda d: d["article"].update(status="live"), "article.status 'live' is not"),
        (
            lambda d: d["article"].update(publish_at="tomorrow"),
            "article.publish_at 'tomorrow' is not an ISO 8601",
        ),
        (lambda d: d["article"].update(authors=["nobody"]), "'nobody' is not a user"),
        (
            lambda d: d.update(entities=[{"slug": "x", "name": "X", "kind": "firm"}]),
            "entities[0].kind 'firm' is not one of: person, organization",
        ),
        (
            lambda d: d.update(entities=[{"slug": "x", "name": "X", "url": "ftp://x"}]),
            "entities[0].url: Enter an http:// or https:// address.",
        ),
        (
            lambda d: d.update(sources=[{"key": "a", "title": "A", "publisher": "x"}]),
            "sources[0].publisher 'x' is neither among the document's entities",
        ),
        (
            lambda d: d.update(claims=[claim_doc("Acme Corp", rating="great")]),
            "claims[0].rating 'great' is not one of",
        ),
        (
            lambda d: d.update(claims=[claim_doc("Acme Corp", citations=["zz"])]),
            "claims[0].citations[0].source 'zz' is not the key",
        ),
        (
            lambda d: d.update(claims=[claim_doc("Acme Corp", checked_by="ghost")]),
            "claims[0].checked_by 'ghost' is not a user here",
        ),
        (
            lambda d: d.update(claims=[claim_doc("Acme Corp", prefix="xyz")]),
            "claims[0].prefix does not match the text before the quote",
        ),
        (
            lambda d: d.update(claims=[{"quote": "Acme", "start": "0", "end": 4}]),
            "claims[0].start must be an integer, not a string",
        ),
        (
            lambda d: d.update(claims=[{"quote": "Acme", "start": 0, "end": 900}]),
            "claims[0] offsets 0-900 are beyond the end of the body",
        ),
        (
            lambda d: d.update(corrections=[{"kind": "erratum", "text": "x"}]),
            "corrections[0].kind 'erratum' is not one of",
        ),
        (lambda d: d.update(claims={"a": 1}), "claims must be an array"),
    ],
)
def test_bad_documents_are_refused_with_the_field_named(people, change, message):
    doc = minimal_doc()
    change(doc)
    assert any(message in error for error in problems(doc)), problems(doc)


def test_every_problem_is_reported_at_once(people):
    doc = minimal_doc(
        claims=[
            claim_doc("Acme Corp", rating="great"),
            {"quote": "x", "start": 0, "end": 1},
        ]
    )
    doc["article"]["title"] = ""
    errors = problems(doc)
    assert len(errors) == 3
    error = DocumentError(errors + ["four", "five"])
    assert str(error).endswith("(and 2 more problems)")


# Text and Markdown files -----------------------------------------------------


def test_plain_text_title_line_and_paragraphs():
    parsed = parse_text(
        "Title: Acme's year\nDek: In short.\nByline: By Rita\n\n"
        "Acme Corp said its profits\ndoubled last year.\n\n\n  Analysts agreed.  \n",
        markdown=False,
    )
    assert parsed.title == "Acme's year"
    assert parsed.dek == "In short." and parsed.byline == "By Rita"
    assert parsed.body == (
        "Acme Corp said its profits doubled last year.\n\nAnalysts agreed."
    )


def test_markdown_heading_is_the_title_and_the_body_is_kept():
    text = "# Acme's *year*\n\nSome **bold** text.\n\n- a list\n- of items\n"
    parsed = parse_text(text, markdown=True)
    assert parsed.title == "Acme's *year*"
    assert parsed.body == "Some **bold** text.\n\n- a list\n- of items"
    setext = parse_text("Acme's year\n===========\n\nText.", markdown=True)
    assert setext.title == "Acme's year" and setext.body == "Text."


def test_a_given_title_wins_and_a_missing_title_is_an_error():
    assert parse_text("# Heading\n\nText.", markdown=True, title="Given").title == (
        "Given"
    )
    with pytest.raises(DocumentError, match="has no title: pass --title"):
        parse_text("Just some text.\n\nMore.", markdown=False)
    with pytest.raises(DocumentError, match="has a title but no text"):
        parse_text("Title: Lonely\n\n", markdown=False)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "is empty"),
        (b" \n\n\t", "is empty"),
        (b"\xef\xbb\xbf", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is a binary file"),
        ("Title: x".encode("utf-16"), "is UTF-16 text"),
        (b"Title: caf\xe9\n\ntext", "is not UTF-8 text (byte 0xe9 at offset 10)"),
    ],
)
def test_files_that_are_not_utf8_text_are_refused(data, message):
    with pytest.raises(DocumentError, match=re.escape(message)):
        decode(data)


def test_a_byte_order_mark_and_windows_newlines_are_accepted():
    assert decode(b"\xef\xbb\xbfTitle: x\r\n\r\nText") == "Title: x\n\nText"


def test_text_import_links_entities_and_records_the_revision(people, tmp_path):
    acme = EntityFactory(name="Acme Corp", slug="acme-corp", aliases="Acme")
    path = tmp_path / "wire.txt"
    path.write_text("Title: Acme grows\n\nAcme Corp grew. Acme said so.\n")
    result = import_file(path, author=people["reporter"], user=people["reporter"])
    article = result.article
    assert article.slug == "acme-grows" and article.status == Article.Status.DRAFT
    assert list(article.authors.all()) == [people["reporter"]]
    assert article.byline == "By Rita Reyes"
    mention = article.mentions.get()
    assert mention.entity == acme and mention.count == 3
    assert result.mentions == 1
    revision = Version.objects.get_for_object(article).get().revision
    assert revision.comment == "Imported from wire.txt"
    assert revision.user == people["reporter"]


def test_dry_run_writes_nothing(people, tmp_path):
    path = tmp_path / "wire.md"
    path.write_text("# Acme grows\n\nAcme Corp grew.\n")
    before = model_counts()
    result = import_file(path, user=importer(), dry_run=True)
    assert result.dry_run and result.article.slug == "acme-grows"
    assert model_counts() == before
