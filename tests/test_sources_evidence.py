"""evidence.json: the replication bundle, valid against docs/, as the page shows."""

import io
import json
import zipfile
from pathlib import Path

import jsonschema
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from articles import demo
from articles.models import Article
from sources import archiving
from sources.models import Capture

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(
    (
        Path(__file__).resolve().parent.parent / "docs" / "evidence.schema.json"
    ).read_text()
)


@pytest.fixture
def demo_article(media):
    demo.load_demo(passwords={u.username: "a-Long-demo-pass-1" for u in demo.USERS})
    return Article.objects.select_related("live_version").get(slug=demo.ARTICLE_SLUG)


def test_the_demo_sources_are_captured_from_files(demo_article):
    captures = Capture.objects.filter(origin=Capture.Origin.FILE)
    assert captures.count() == len(demo.SOURCES)
    capture = captures.get(source__url=demo.SOURCES["openai-lp"]["url"])
    assert capture.title == "OpenAI LP"
    with capture.warc.open("rb") as f:
        body, _ = archiving.read_body(f)
    assert b"capped return" in body
    # Loading again makes none twice.
    demo.load_demo()
    assert Capture.objects.count() == len(demo.SOURCES)


def test_evidence_json_is_valid_and_says_what_the_page_says(client, demo_article):
    response = client.get(reverse("sources:evidence", args=[demo_article.slug]))
    assert response.status_code == 200
    document = response.json()
    jsonschema.validate(document, SCHEMA, format_checker=jsonschema.FormatChecker())
    version = demo_article.live_version
    assert document["article"]["version"] == version.number
    assert [c["quote"] for c in document["claims"]] == [
        c["quote"] for c in version.claims
    ]
    assert [c["rating"] for c in document["claims"]] == [
        c["rating"] for c in version.claims
    ]
    page = client.get(demo_article.get_absolute_url()).content.decode()
    for claim in document["claims"]:
        assert claim["rating_label"].split(" (")[0] in page
    cited = {c["source"] for claim in document["claims"] for c in claim["citations"]}
    assert cited == {s["id"] for s in document["sources"]}
    with_address = [s for s in document["sources"] if s["url"]]
    assert len(with_address) == len(demo.SOURCES)
    for source in with_address:
        assert source["captures"], source["title"]
        assert source["our_archive_url"].endswith(f"/sources/{source['id']}/archive/")
        assert source["url"] in page


def test_evidence_of_an_unpublished_article_is_404(client, media):
    from tests.factories import ArticleFactory

    article = ArticleFactory()
    assert (
        client.get(reverse("sources:evidence", args=[article.slug])).status_code == 404
    )


def test_export_evidence_writes_json_and_a_zip_with_the_warcs(demo_article, tmp_path):
    out = io.StringIO()
    call_command("export_evidence", demo_article.slug, stdout=out)
    document = json.loads(out.getvalue())
    jsonschema.validate(document, SCHEMA)
    target = tmp_path / "evidence.zip"
    call_command(
        "export_evidence",
        demo_article.slug,
        "--zip",
        "--output",
        str(target),
        stderr=io.StringIO(),
    )
    with zipfile.ZipFile(target) as bundle:
        names = set(bundle.namelist())
        inside = json.loads(bundle.read("evidence.json"))
        for source in inside["sources"]:
            for capture in source["captures"]:
                assert capture["warc"] in names
                body, _ = archiving.read_body(io.BytesIO(bundle.read(capture["warc"])))
                assert archiving.sha256(body) == capture["sha256"]
    with pytest.raises(CommandError, match="No article has the slug"):
        call_command("export_evidence", "no-such-article")
    with pytest.raises(CommandError, match="--zip needs --output"):
        call_command("export_evidence", demo_article.slug, "--zip")


def test_the_interchange_document_lists_each_sources_captures(demo_article):
    from articles.interchange import export_article

    document = export_article(demo_article)
    captures = [c for s in document["sources"] for c in s["captures"]]
    assert captures
    assert set(captures[0]) == {
        "captured_at",
        "final_url",
        "status",
        "sha256",
        "text_sha256",
    }


@pytest.mark.django_db(transaction=True)
def test_the_demo_needs_no_network(
    settings, media, run_tasks, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_SOURCE_CAPTURE_ON_SAVE = True  # as in make run
    with django_capture_on_commit_callbacks(execute=True):
        demo.load_demo()
    ran = [r for r in run_tasks() if r.task_path == "sources.tasks.capture_source"]
    assert len(ran) == len(demo.SOURCES)  # each new source enqueues its capture
    assert {r.return_value for r in ran} == {"captured already"}
    from sources.models import Attempt

    assert not Attempt.objects.exists()  # nothing was fetched
