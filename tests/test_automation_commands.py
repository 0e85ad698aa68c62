"""
The automation commands (issue 5): import_article, export_article,
factcheck_status, revisions, revert, reanchor_claims, publish_scheduled,
export_claimreview.
"""

import json
import threading
from datetime import timedelta
from io import StringIO

import pytest
import reversion
from django.apps import apps
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from reversion.models import Revision, Version

from articles import editing, gate, workflow
from articles.interchange import export_article
from articles.models import Article, Claim, PublishedVersion, Rating
from articles.structured_data import claimreview_feed
from entities.models import Entity
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    EntityFactory,
    UserFactory,
    fact_checker,
    publisher,
    reporter,
)

pytestmark = pytest.mark.django_db


def run(name, *args):
    """Run command ``name``; return what it wrote to stdout and stderr."""
    out, err = StringIO(), StringIO()
    call_command(name, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fails(name, *args) -> tuple[CommandError, str, str]:
    """Run a command that must fail; return the error, stdout and stderr."""
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(name, *args, stdout=out, stderr=err)
    assert raised.value.returncode == 1
    assert "\n" not in str(raised.value)
    return raised.value, out.getvalue(), err.getvalue()


def exit_status(monkeypatch, *argv) -> int:
    """The process exit status of ``manage.py *argv``, run in this process."""
    # manage.py closes the connections when it is done; the test still needs its.
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    try:
        execute_from_command_line(["manage.py", *argv])
    except SystemExit as exit:
        return exit.code
    return 0


def model_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in {"sessions", "admin"}
    }


def make_ready(slug: str, people, **fields) -> Article:
    """An article whose one claim is cited and rated: it passes the gate."""
    article = ArticleFactory(slug=slug, **fields)
    claim = ClaimFactory(
        article=article,
        claimant=EntityFactory(name="Acme Corp"),
        tagged_by=people["reporter"],
    )
    CitationFactory(claim=claim)
    workflow.rate_claim(
        claim, user=people["checker"], rating=Rating.ACCURATE, explanation="Checked."
    )
    return Article.objects.get(pk=article.pk)


@pytest.fixture
def ready_article(people):
    return make_ready("ready", people)


@pytest.fixture
def blocked_article(people):
    """Unrated, and a falsehood in the newsroom's own voice."""
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


# import_article --------------------------------------------------------------


@pytest.fixture
def acme(db):
    return EntityFactory(name="Acme Corp", slug="acme-corp", aliases="Acme")


def test_import_article_prints_each_slug_and_a_summary(people, acme, tmp_path):
    (tmp_path / "one.txt").write_text("Title: Acme grows\n\nAcme Corp grew.\n")
    (tmp_path / "two.md").write_text("# Acme *shrinks*\n\nAcme shrank.\n")
    (tmp_path / "three.text").write_bytes(
        b"\xef\xbb\xbfQuiet day\r\n\r\nNothing happened.\r\n"
    )
    out, err = run(
        "import_article",
        str(tmp_path / "one.txt"),
        str(tmp_path / "two.md"),
        "--author",
        "rita",
    )
    assert out.splitlines() == ["acme-grows", "acme-shrinks"]
    assert "Imported 2 articles, 0 failed; 2 entity links, 0 claims restored." in err
    assert Article.objects.filter(status="draft").count() == 2
    assert Article.objects.get(slug="acme-shrinks").body == "Acme shrank."
    out, _ = run(
        "import_article",
        "--user",
        "paula",
        str(tmp_path / "three.text"),
        "--title",
        "A quiet day",
        "--slug",
        "quiet",
    )
    assert out == "quiet\n"
    assert Article.objects.get(slug="quiet").body == "Quiet day\n\nNothing happened."


def test_import_article_restores_a_json_document(people, ready_article, tmp_path):
    doc = export_article(ready_article)
    path = tmp_path / "ready.json"
    path.write_text(json.dumps(doc))
    out, err = run(
        "import_article", "--user", "paula", str(path), "--slug", "ready-again"
    )
    assert out == "ready-again\n"
    assert "1 claim restored" in err
    copy = Article.objects.get(slug="ready-again")
    assert gate.gate_blockers(copy) == []
    assert Entity.objects.filter(slug="acme-corp").count() == 1


def test_import_article_update_needs_the_flag(people, ready_article, tmp_path):
    doc = export_article(ready_article)
    doc["article"]["title"] = "Updated"
    path = tmp_path / "ready.json"
    path.write_text(json.dumps(doc))
    error, _, err = fails("import_article", "--user", "paula", str(path))
    assert "already taken" in err and "--update" in err
    assert Article.objects.get(slug="ready").title != "Updated"
    _, err = run("import_article", "--user", "paula", str(path), "--update")
    assert "updated 1" in err
    assert Article.objects.get(slug="ready").title == "Updated"


BAD_FILES = {
    "missing": (None, "missing.txt: no such file"),
    "directory": ("DIR", "directory: is a directory"),
    "empty": (b"", "empty.txt: is empty"),
    "binary": (b"\x7fELF\x02\x01\x01\x00\x00\x00", "binary.txt: is a binary file"),
    "encoding": (
        b"Title: Caf\xe9 news\n\ntext",
        "encoding.txt: is not UTF-8 text (byte 0xe9",
    ),
    "no-title": (b"Just text.\n\nMore text.", "no-title.txt: has no title"),
    "malformed": (
        b'{"format": "newsroom.article",',
        "malformed.json: is not valid JSON",
    ),
    "version": (
        json.dumps(
            {"format": "newsroom.article", "version": 2, "article": {}}
        ).encode(),
        "version.json: version 2 is not supported",
    ),
    "quote": (
        json.dumps(
            {
                "format": "newsroom.article",
                "version": 1,
                "article": {"slug": "q", "title": "Q", "body": "Acme grew fast."},
                "claims": [{"quote": "Acme shrank", "start": 0, "end": 11}],
            }
        ).encode(),
        "quote.json: claims[0].quote is not found in the body at 0-11",
    ),
    "duplicate": (b"Title: Ready\n\nText.", "duplicate.txt: the slug 'ready' is"),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_import_article_refuses_a_bad_file_and_writes_nothing(
    people, ready_article, tmp_path, kind
):
    content, message = BAD_FILES[kind]
    if content == "DIR":
        path = tmp_path / kind
        path.mkdir()
    else:
        json_file = content is not None and content.startswith(b"{")
        path = tmp_path / f"{kind}.{'json' if json_file else 'txt'}"
        if content is not None:
            path.write_bytes(content)
    before = model_counts()
    error, out, err = fails("import_article", "--user", "paula", str(path))
    assert out == ""
    assert message in err
    assert str(path) in err
    assert str(error) == (
        "1 of 1 file could not be imported (listed above); nothing of them was written."
    )
    assert model_counts() == before


def test_import_article_goes_on_after_a_bad_file(people, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Title: Good\n\nFine.")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="2 of 3 files could not be imported"):
        call_command(
            "import_article",
            "--user",
            "paula",
            str(bad),
            str(good),
            str(tmp_path / "gone.txt"),
            stdout=out,
            stderr=err,
        )
    assert out.getvalue() == "good\n"
    assert "Imported 1 article, 2 failed" in err.getvalue()
    assert list(Article.objects.values_list("slug", flat=True)) == ["good"]


def test_import_article_with_an_unknown_author_writes_nothing(people, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Title: A\n\nText.")
    before = model_counts()
    error, _, _ = fails(
        "import_article", "--user", "paula", str(path), "--author", "nobody"
    )
    assert str(error) == "No user named 'nobody'."
    assert model_counts() == before


def test_import_article_dry_run_writes_nothing(people, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Title: A\n\nText.")
    before = model_counts()
    out, err = run("import_article", "--user", "paula", str(path), "--dry-run")
    assert out == "a\n"
    assert "Would import 1 article" in err and "nothing written" in err
    assert model_counts() == before


def test_import_article_shows_progress_on_a_terminal(people, tmp_path):
    class Terminal(StringIO):
        def isatty(self):
            return True

    paths = []
    for i in range(6):
        path = tmp_path / f"{i}.txt"
        path.write_text(f"Title: Story {i}\n\nText {i}.")
        paths.append(str(path))
    err = StringIO()  # not a terminal: no bar
    call_command(
        "import_article",
        "--user",
        "paula",
        *paths,
        "--dry-run",
        stdout=StringIO(),
        stderr=err,
    )
    assert "Importing [" not in err.getvalue()
    err = Terminal()
    call_command(
        "import_article", "--user", "paula", *paths, stdout=StringIO(), stderr=err
    )
    assert "Importing [" in err.getvalue() and "6/6" in err.getvalue()
    assert "Imported 6 articles" in err.getvalue()


def test_import_article_refuses_title_or_slug_for_several_files(people, tmp_path):
    error, _, _ = fails("import_article", "a.txt", "b.txt", "--slug", "x")
    assert "only be used with one file" in str(error)


# export_article --------------------------------------------------------------


def test_export_article_prints_the_document(ready_article, tmp_path):
    out, _ = run("export_article", "ready")
    doc = json.loads(out)
    assert doc == export_article(ready_article)
    path = tmp_path / "ready.json"
    out, _ = run("export_article", "ready", "--output", str(path))
    assert out.startswith(f"Wrote 'ready' to {path} (1 claim, 1 source, 2 entities)")
    assert json.loads(path.read_text(encoding="utf-8")) == doc


def test_export_article_refuses_an_unknown_slug_or_unwritable_file(
    ready_article, tmp_path
):
    error, _, _ = fails("export_article", "nope")
    assert str(error) == "No article with the slug 'nope'."
    error, _, _ = fails("export_article", "ready", "-o", str(tmp_path / "no/x.json"))
    assert str(error).startswith(f"Cannot write {tmp_path / 'no/x.json'}")


# factcheck_status ------------------------------------------------------------


def test_factcheck_status_table_for_a_publishable_article(ready_article, monkeypatch):
    out, _ = run("factcheck_status", "ready")
    lines = out.splitlines()
    assert lines[0].startswith("ready  (draft)  Article")
    assert lines[1].split() == [
        "claim",
        "claimant",
        "rating",
        "anchor",
        "stale",
        "cited",
    ]
    assert lines[3].split()[-5:] == ["acme-corp", "accurate", "anchored", "no", "1"]
    assert "its profits doubled last year" in lines[3]
    assert "Publishable." in out
    assert exit_status(monkeypatch, "factcheck_status", "ready") == 0


def test_factcheck_status_exits_1_and_lists_blockers(
    ready_article, blocked_article, monkeypatch, capsys
):
    error, out, _ = fails("factcheck_status")
    assert str(error) == "1 of 2 articles cannot be published: blocked"
    assert "Blocked (" in out and "is not rated yet" in out
    assert "(own voice)" in out
    assert "2 articles: 1 publishable, 1 blocked." in out
    assert exit_status(monkeypatch, "factcheck_status", "blocked") == 1
    assert exit_status(monkeypatch, "factcheck_status", "missing") == 1
    assert "No article with the slug 'missing'." in capsys.readouterr().err


def test_factcheck_status_json(ready_article, blocked_article):
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("factcheck_status", "--json", stdout=out, stderr=StringIO())
    data = json.loads(out.getvalue())
    assert set(data) == {"articles"}
    blocked, ready = data["articles"]
    assert set(ready) == {
        "slug",
        "title",
        "status",
        "publishable",
        "blockers",
        "claims",
    }
    assert ready["slug"] == "ready" and ready["publishable"] is True
    assert ready["blockers"] == []
    assert ready["claims"] == [
        {
            "quote": "its profits doubled last year",
            "claimant": "acme-corp",
            "rating": "accurate",
            "anchor": "anchored",
            "stale": False,
            "citations": 1,
        }
    ]
    assert blocked["publishable"] is False
    assert blocked["blockers"] == [
        b.message for b in gate.gate_blockers(blocked_article)
    ]
    assert {c["claimant"] for c in blocked["claims"]} == {None}
    out, _ = run("factcheck_status", "ready", "--json")
    assert json.loads(out)["articles"] == [ready]


def test_factcheck_status_sees_stale_ratings_and_filters_by_status(ready_article):
    CitationFactory(claim=ready_article.claims.get())
    _, out, _ = fails("factcheck_status", "--json", "--status", "draft")
    claim = json.loads(out)["articles"][0]["claims"][0]
    assert claim["stale"] is True and claim["citations"] == 2
    out, _ = run("factcheck_status", "--status", "published", "--json")
    assert json.loads(out) == {"articles": []}


# revisions and revert --------------------------------------------------------


@pytest.fixture
def edited_article(people):
    """An article saved three times, each a revision."""
    article = ArticleFactory(slug="edited", body="First words here.")
    with reversion.create_revision():
        article.save()
        reversion.set_user(people["reporter"])
        reversion.set_comment("First draft")
    ClaimFactory(article=article, quote="First words", tagged_by=people["reporter"])
    with reversion.create_revision():
        article.title = "Better title"
        article.body = "First words here, and more words."
        article.save()
        reversion.set_user(people["reporter"])
        reversion.set_comment("Second draft")
    editing.process_edit(article)
    return article


def revision_ids(article) -> list[int]:
    return [
        v.revision_id
        for v in Version.objects.get_for_object(article).order_by("revision_id")
    ]


def test_revisions_lists_id_date_user_comment_and_changes(edited_article):
    out, _ = run("revisions", "edited")
    lines = out.splitlines()
    assert lines[0].split() == ["id", "date", "user", "comment", "changes"]
    first, second = revision_ids(edited_article)
    assert lines[2].startswith(f"{first} ")
    assert "rita" in lines[2] and "First draft" in lines[2] and "created" in lines[2]
    assert lines[3].startswith(f"{second} ")
    assert "title, body +4/-1 words, 1 claim added" in lines[3]
    assert lines[-1] == "2 revisions. Restore one with: manage.py revert edited ID"


def test_revert_restores_a_revision_and_records_it(edited_article, people):
    first, _ = revision_ids(edited_article)
    out, _ = run("revert", "edited", str(first), "--user", "rita")
    assert f"Restored 'edited' to revision {first}" in out
    assert "(claims: 0 anchored, 0 changed, 0 orphaned)" in out
    edited_article.refresh_from_db()
    assert edited_article.body == "First words here."
    assert not edited_article.claims.exists()
    latest = Version.objects.get_for_object(edited_article).first().revision
    assert latest.comment.startswith("Restored the revision of")
    assert f"(#{first})" in latest.comment and latest.user == people["reporter"]
    out, _ = run("revisions", "edited")
    assert "Restored the revision" in out


def test_revert_refuses_bad_revisions_and_changes_nothing(edited_article, people):
    other = ArticleFactory(slug="other")
    with reversion.create_revision():
        other.save()
    other_revision = revision_ids(other)[0]
    UserFactory(username="visitor")
    before = model_counts()
    first = str(revision_ids(edited_article)[0])
    for args, message in [
        (["edited", "abc", "--user", "rita"], "'abc' is not a revision id"),
        (["edited", "999999", "--user", "rita"], "There is no revision 999999"),
        (
            ["edited", str(other_revision), "--user", "rita"],
            "is not a revision of this article",
        ),
        (["missing", first, "--user", "rita"], "No article with the slug 'missing'."),
        (["edited", first, "--user", "nobody"], "No user named 'nobody'."),
        (["edited", first, "--user", "visitor"], "visitor may not revert"),
    ]:
        error, _, _ = fails("revert", *args)
        assert message in str(error)
    assert model_counts() == before


def test_revert_dry_run_changes_nothing(edited_article):
    first, _ = revision_ids(edited_article)
    before = model_counts()
    out, _ = run("revert", "edited", f"#{first}", "--user", "rita", "--dry-run")
    assert "Dry run: would restore" in out and "Nothing was written." in out
    assert model_counts() == before
    edited_article.refresh_from_db()
    assert edited_article.title == "Better title"


# reanchor_claims -------------------------------------------------------------


def test_reanchor_claims_reports_and_records_what_moved(people):
    article = ArticleFactory(slug="moving")
    ClaimFactory(article=article, tagged_by=people["reporter"])
    ClaimFactory(article=article, quote="Analysts expect the trend to continue")
    # Changed behind the workflow's back (a bulk fix, a script).
    Article.objects.filter(pk=article.pk).update(
        body="Breaking: Acme Corp said its profits doubled last year.\n\nNo more."
    )
    before_revisions = Revision.objects.count()
    out, _ = run("reanchor_claims", "--user", "rita", "--dry-run")
    assert "Dry run: 1 article" in out
    assert Claim.objects.filter(anchor="orphaned").count() == 0
    out, _ = run("reanchor_claims", "--user", "rita")
    assert "moving: 1 anchored, 0 changed, 1 orphaned (1 moved)" in out
    assert "1 article (1 with claims that moved or changed)" in out
    assert Claim.objects.filter(anchor="orphaned").count() == 1
    assert Revision.objects.count() == before_revisions + 1
    assert Revision.objects.latest("pk").comment == "Re-anchored the claims in the text"
    out, _ = run("reanchor_claims", "--user", "rita", "moving")
    assert "(0 with claims that moved or changed)" in out
    assert Revision.objects.count() == before_revisions + 1


# publish_scheduled -----------------------------------------------------------


def scheduled(article: Article, when, people) -> Article:
    """``article``, scheduled by the publisher to publish itself at ``when``."""
    return workflow.schedule(article, user=people["publisher"], publish_at=when)


def test_publish_scheduled_publishes_due_articles_and_refuses_blocked_ones(
    people, blocked_article
):
    now = timezone.now()
    due = scheduled(make_ready("due", people), now - timedelta(minutes=1), people)
    later = scheduled(make_ready("later", people), now + timedelta(hours=1), people)
    scheduled(blocked_article, now - timedelta(minutes=5), people)
    error, out, err = fails("publish_scheduled")
    assert "Published 'due' as version 1." in out
    assert "Not published: 'blocked'" in err and "is not rated yet" in err
    assert str(error) == (
        "1 scheduled article could not be published: blocked (blockers listed above)"
    )
    due.refresh_from_db()
    later.refresh_from_db()
    blocked_article.refresh_from_db()
    assert due.live_version.number == 1 and due.publish_at is None
    assert due.live_version.published_by == people["publisher"]
    assert "Scheduled publication" in due.live_version.note
    assert later.live_version is None and later.publish_at is not None
    assert blocked_article.live_version is None
    assert blocked_article.publish_at is not None  # tried again next time
    # The next run has nothing to publish and publishes nothing twice.
    workflow.schedule(blocked_article, user=people["publisher"], publish_at=None)
    out, _ = run("publish_scheduled")
    assert out == ""
    out, _ = run("publish_scheduled", "-v", "2")
    assert out == "No article is due.\n"
    assert PublishedVersion.objects.count() == 1


def test_publish_scheduled_dry_run_publishes_nothing_and_takes_no_user(people):
    scheduled(make_ready("due", people), timezone.now() - timedelta(minutes=1), people)
    before = model_counts()
    out, _ = run("publish_scheduled", "--dry-run")
    assert out == "Would publish 'due'.\n"
    with pytest.raises(CommandError, match="unrecognized arguments: --user"):
        call_command("publish_scheduled", "--user", "paula")
    assert model_counts() == before


@pytest.mark.django_db(transaction=True)
def test_publish_scheduled_twice_at_once_publishes_each_article_once(roles):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writer at a time anyway")
    people = {
        "reporter": reporter(username="rita"),
        "checker": fact_checker(username="frank"),
        "publisher": publisher(username="paula"),
    }
    past = timezone.now() - timedelta(minutes=1)
    articles = [
        scheduled(make_ready(f"due-{i}", people), past, people) for i in range(12)
    ]
    start = threading.Barrier(2)
    outputs, errors = [], []

    def cron():
        try:
            out = StringIO()
            start.wait()
            call_command("publish_scheduled", stdout=out)
            outputs.append(out.getvalue())
        except Exception as exc:  # noqa: BLE001 - reported by the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=cron) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    published = "".join(outputs).count("Published '")
    assert published == len(articles)
    for article in articles:
        versions = PublishedVersion.objects.filter(article=article)
        assert list(versions.values_list("number", flat=True)) == [1]
        article.refresh_from_db()
        assert article.publish_at is None and article.live_version is not None


# export_claimreview ----------------------------------------------------------


def test_export_claimreview_writes_the_feed_of_published_claims(
    people, ready_article, blocked_article, tmp_path
):
    out, _ = run("export_claimreview")
    assert json.loads(out) == []
    workflow.publish(ready_article, user=people["publisher"])
    # A draft change after publishing must not leak into the feed.
    claim = ready_article.claims.get()
    claim.statement = "Secret draft wording."
    claim.save()
    out, _ = run("export_claimreview")
    items = json.loads(out)
    assert items == list(claimreview_feed())
    assert len(items) == 1 and items[0]["@type"] == "ClaimReview"
    assert items[0]["reviewRating"]["ratingValue"] == 5
    assert "Secret" not in out
    path = tmp_path / "factchecks.json"
    out, _ = run("export_claimreview", "--output", str(path))
    assert out == f"Wrote 1 ClaimReview to {path}.\n"
    assert json.loads(path.read_text()) == items


# Every command explains itself -----------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "import_article",
        "export_article",
        "factcheck_status",
        "revisions",
        "revert",
        "reanchor_claims",
        "publish_scheduled",
        "export_claimreview",
    ],
)
def test_every_command_has_help(name, capsys, monkeypatch):
    assert exit_status(monkeypatch, name, "--help") == 0
    assert len(capsys.readouterr().out) > 300


def test_import_article_lists_every_problem_of_a_document_with_v2(people, tmp_path):
    doc = {
        "format": "newsroom.article",
        "version": 1,
        "article": {"slug": "bad slug", "title": "", "body": "x", "status": "gone"},
        "claims": [{"quote": "y", "start": 0, "end": 1}],
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    _, _, err = fails("import_article", "--user", "paula", str(path))
    first = err.splitlines()[0]
    assert first.startswith(f"{path}: article.slug 'bad slug' is not a slug")
    assert first.endswith("(and 1 more problem)")
    _, _, err = fails("import_article", "--user", "paula", str(path), "-v", "2")
    problems = [line for line in err.splitlines() if line.startswith(str(path))]
    assert len(problems) == 4
    assert problems[-1] == f"{path}: claims[0].quote is not found in the body at 0-1"
