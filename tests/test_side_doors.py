"""
Rights on every path (DESIGN §5): each hole found by trying the newsroom as
an attacker with a reporter's account, through a door other than the one the
rule was written in. One test (or a few) per hole; each failed before the
rule moved into the rules layer.
"""

import contextlib
import json
from datetime import timedelta
from io import StringIO

import pytest
import reversion
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import restoring, workflow
from articles.gate import gate_blockers
from articles.interchange import export_article
from articles.models import Article, Claim, PublishedVersion, Rating
from entities.models import Entity
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    EntityFactory,
    SourceFactory,
    UserFactory,
    publisher,
)
from tests.test_admin import form_data

pytestmark = pytest.mark.django_db


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def change_page(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def run(name, *args):
    out, err = StringIO(), StringIO()
    call_command(name, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fails(name, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(name, *args, stdout=out, stderr=err)
    assert raised.value.returncode == 1
    assert "\n" not in str(raised.value)
    return str(raised.value), err.getvalue()


def rated_article(people, *, slug="acme-results", rating=Rating.ACCURATE, **fields):
    """A draft with one cited claim, tagged by the reporter, rated by a checker."""
    with reversion.create_revision():
        article = ArticleFactory(slug=slug, **fields)
        claim = ClaimFactory(
            article=article,
            claimant=EntityFactory(name="Acme Corp"),
            tagged_by=people["reporter"],
        )
        CitationFactory(claim=claim, source=SourceFactory(title="Acme annual report"))
        reversion.set_user(people["reporter"])
    workflow.rate_claim(
        claim, user=people["checker"], rating=rating, explanation="The report says."
    )
    return Article.objects.get(pk=article.pk)


# 1. Scheduling is a publisher's decision ----------------------------------------------


def test_a_reporter_cannot_schedule_from_the_article_form(people):
    article = rated_article(people)
    client = client_of(people["reporter"])
    data = form_data(client.get(change_page(article)))
    data["publish_at_0"] = f"{timezone.localdate():%Y-%m-%d}"
    data["publish_at_1"] = "00:00:00"
    data["publish_at"] = data["publish_at_0"] + " 00:00:00"
    response = client.post(change_page(article), data)
    assert response.status_code in (200, 302)
    article.refresh_from_db()
    assert article.publish_at is None
    run("publish_scheduled")
    article.refresh_from_db()
    assert article.live_version is None


def test_the_scheduler_skips_a_schedule_no_publisher_set(people):
    article = rated_article(people)
    # A schedule written without the rules layer (old data, a raw update).
    Article.objects.filter(pk=article.pk).update(
        publish_at=timezone.now() - timedelta(minutes=1)
    )
    message, err = fails("publish_scheduled")
    assert "acme-results" in message
    assert "a publisher must schedule it" in err
    article.refresh_from_db()
    assert article.live_version is None


def test_a_withdrawn_article_does_not_come_back_on_its_old_schedule(people):
    article = rated_article(people)
    paula = people["publisher"]
    workflow.publish(article, user=paula)
    workflow.schedule(
        article, user=paula, publish_at=timezone.now() + timedelta(minutes=5)
    )
    workflow.unpublish(article, user=paula, note="Legal asked us to take it down.")
    Article.objects.filter(pk=article.pk).update(
        publish_at=timezone.now() - timedelta(minutes=1)
    )
    # Whatever the time says, the withdrawal cancelled the schedule.
    article.refresh_from_db()
    assert article.scheduled_by is None
    run_publish_scheduled_quietly()
    article.refresh_from_db()
    assert article.live_version is None
    assert article.published_versions.count() == 1


def run_publish_scheduled_quietly():
    with contextlib.suppress(CommandError):
        run("publish_scheduled")


def test_the_scheduler_acts_for_the_publisher_who_scheduled(people):
    UserFactory(username="boss", is_superuser=True)
    UserFactory(username="boss2", is_superuser=True)
    # Nothing due, two superusers: the cron job does not ask who it is.
    out, err = run("publish_scheduled")
    assert (out, err) == ("", "")
    article = rated_article(people)
    paula = people["publisher"]
    workflow.schedule(article, user=paula, publish_at=timezone.now())
    article.refresh_from_db()
    assert article.scheduled_by == paula
    out, _ = run("publish_scheduled")
    assert "Published 'acme-results' as version 1" in out
    assert PublishedVersion.objects.get(article=article).published_by == paula


def test_a_schedule_lapses_when_its_publisher_loses_the_right(people):
    article = rated_article(people)
    paula = people["publisher"]
    workflow.schedule(article, user=paula, publish_at=timezone.now())
    paula.groups.clear()
    message, err = fails("publish_scheduled")
    assert "acme-results" in message
    assert "may no longer publish" in err
    assert Article.objects.get(pk=article.pk).live_version is None


def test_only_a_publisher_may_schedule_and_the_check_says_why(people):
    article = rated_article(people)
    rita = people["reporter"]
    reasons = workflow.check_schedule(article, user=rita)
    assert reasons == ["Only publishers schedule publication."]
    with pytest.raises(workflow.PermissionDenied, match="Only publishers schedule"):
        workflow.schedule(article, user=rita, publish_at=timezone.now())
    assert workflow.check_schedule(article, user=people["publisher"]) == []


# 2. What a rating covers --------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("claimant", "other", "the claimant changed from Acme Corp to Globex"),
        ("statement", "Acme's profits tripled.", "the claim reviewed changed"),
        ("kind", Claim.Kind.PREDICTION, "the kind changed from fact to prediction"),
    ],
)
def test_a_change_to_what_the_claimreview_says_makes_the_rating_stale(
    people, field, value, reason
):
    article = rated_article(people, rating=Rating.FALSE)
    claim = article.claims.get()
    globex = EntityFactory(name="Globex")
    client = client_of(people["reporter"])
    url = change_page(claim)
    data = form_data(client.get(url), "claim_form")
    data[field] = str(globex.pk) if value == "other" else value
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    blockers = [b for b in gate_blockers(article) if b.code == "stale"]
    assert len(blockers) == 1
    assert reason in blockers[0].message


@pytest.mark.parametrize(
    ("model", "changes", "reason"),
    [
        (
            "entity",
            {"name": "Jane Doe"},
            "the claimant's name changed from Acme Corp to Jane Doe",
        ),
        ("entity", {"kind": "person"}, "Acme Corp's kind changed from organization"),
        (
            "source",
            {"title": "Fabricated interview"},
            "the source “Acme annual report” is now called “Fabricated interview”",
        ),
        (
            "source",
            {"url": "https://elsewhere.example/fabricated"},
            "to https://elsewhere.example/fabricated",
        ),
    ],
)
def test_an_edit_of_the_claimant_or_a_cited_source_makes_the_rating_stale(
    people, model, changes, reason
):
    """The ClaimReview prints the claimant's name and kind, and each source's
    title and address: changed through their own admin pages by a reporter,
    the rating no longer covers what is published, until it is re-checked."""
    article = rated_article(people, rating=Rating.FALSE)
    claim = article.claims.get()
    workflow.publish(article, user=people["publisher"])
    obj = claim.claimant if model == "entity" else claim.citations.get().source
    before = {field: getattr(obj, field) for field in changes}
    client = client_of(people["reporter"])
    url = change_page(obj)
    data = form_data(client.get(url), f"{model}_form")
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:3000]
    claim.refresh_from_db()
    assert claim.stale
    blockers = [b for b in gate_blockers(article) if b.code == "stale"]
    assert len(blockers) == 1 and reason in blockers[0].message
    # Changed back, the check holds again.
    data.update(before)
    client.post(url, data)
    claim.refresh_from_db()
    assert not claim.stale
    assert not [b for b in gate_blockers(article) if b.code == "stale"]


# 3. Restoring a revision --------------------------------------------------------------


def test_restoring_an_old_rating_needs_the_right_to_rate(people):
    article = rated_article(people)
    old = Version.objects.get_for_object(article).first().revision
    claim = article.claims.get()
    workflow.rate_claim(
        claim, user=people["checker2"], rating=Rating.MOSTLY_ACCURATE, explanation="."
    )
    client = client_of(people["reporter"])
    url = reverse("admin:articles_article_restore", args=[article.pk, old.pk])
    response = client.post(url, follow=True)
    assert response.status_code in (200, 403)
    assert "only fact-checkers" in response.content.decode().lower()
    claim.refresh_from_db()
    assert claim.rating == Rating.MOSTLY_ACCURATE
    assert claim.checked_by == people["checker2"]


def test_a_restored_rating_is_credited_to_who_restored_it_and_is_stale(people):
    article = rated_article(people)
    old = Version.objects.get_for_object(article).first().revision
    claim = article.claims.get()
    workflow.rate_claim(
        claim, user=people["checker2"], rating=Rating.MOSTLY_ACCURATE, explanation="."
    )
    frank = people["checker"]
    restoring.restore_revision(article, old, user=frank)
    claim.refresh_from_db()
    assert claim.rating == Rating.ACCURATE
    assert claim.checked_by == frank
    stale = [b.message for b in gate_blockers(article) if b.code == "stale"]
    assert stale and "restored" in stale[0]


def test_a_restore_that_leaves_the_rating_as_it_is_keeps_the_check(people):
    article = rated_article(people)
    with reversion.create_revision():
        article.dek = "A new standfirst."
        article.save()
        reversion.set_user(people["reporter"])
    old = Version.objects.get_for_object(article)[1].revision
    restoring.restore_revision(article, old, user=people["reporter"])
    claim = article.claims.get()
    assert claim.checked_by == people["checker"]
    assert gate_blockers(article) == []


def test_restoring_never_moves_a_published_article(people):
    article = rated_article(people, slug="first-slug")
    old = Version.objects.get_for_object(article).first().revision
    with reversion.create_revision():
        article.slug = "final-slug"
        article.save()
    workflow.publish(article, user=people["publisher"])
    client = client_of(people["reporter"])
    url = reverse("admin:articles_article_restore", args=[article.pk, old.pk])
    client.post(url)
    article.refresh_from_db()
    assert article.slug == "final-slug"
    assert Client().get("/articles/final-slug/").status_code == 200
    assert Client().get("/articles/first-slug/").status_code == 404


# 4. Reverting an entity keeps its read-only fields ------------------------------------


def test_reverting_an_entity_keeps_its_fixed_address(people):
    with reversion.create_revision():
        acme = EntityFactory(name="Acme Corp", slug="acme-old")
    with reversion.create_revision():
        acme.slug = "acme-corp"
        acme.save()
    article = rated_article(people)
    claim = article.claims.get()
    claim.claimant = acme
    claim.save()
    workflow.rate_claim(claim, user=people["checker"], rating=Rating.ACCURATE)
    workflow.publish(article, user=people["publisher"])
    old = Version.objects.get_for_object(acme).last()
    assert old.field_dict["slug"] == "acme-old"
    boss = UserFactory(username="boss", is_superuser=True)
    client = client_of(boss)
    url = reverse("admin:entities_entity_revision", args=[acme.pk, old.pk])
    data = form_data(client.get(url), "entity_form")
    response = client.post(url, data)
    assert response.status_code == 302
    acme.refresh_from_db()
    assert acme.slug == "acme-corp"


# 5. Separation of duties on every path ------------------------------------------------


def test_a_checker_who_requotes_a_claim_may_not_rate_it_in_the_same_save(people):
    article = ArticleFactory(slug="acme")
    claim = ClaimFactory(article=article, tagged_by=people["reporter"])
    CitationFactory(claim=claim)
    frank = people["checker"]
    client = client_of(frank)
    url = change_page(claim)
    data = form_data(client.get(url), "claim_form")
    data["quote"] = "profits doubled last year"
    data["rating"] = Rating.ACCURATE
    data["rating_explanation"] = "Checked against my own quote."
    client.post(url, data)
    claim.refresh_from_db()
    assert claim.rating == Rating.UNRATED
    assert claim.checked_by is None


def test_a_superuser_who_requotes_and_rates_records_the_override(people):
    article = ArticleFactory(slug="acme")
    claim = ClaimFactory(article=article, tagged_by=people["reporter"])
    CitationFactory(claim=claim)
    boss = UserFactory(username="boss", is_superuser=True)
    client = client_of(boss)
    url = change_page(claim)
    data = form_data(client.get(url), "claim_form")
    data["quote"] = "profits doubled last year"
    data["rating"] = Rating.ACCURATE
    response = client.post(url, data)
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.tagged_by == boss
    assert claim.rating == Rating.ACCURATE and claim.separation_overridden


def _document_checked_by_its_tagger(people) -> dict:
    article = rated_article(people)
    doc = export_article(article)
    doc["article"]["slug"] = "imported"
    doc["claims"][0]["tagged_by"] = doc["claims"][0]["checked_by"] = "frank"
    return doc


def test_an_import_checked_by_the_tagger_needs_a_superuser(people, tmp_path):
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(_document_checked_by_its_tagger(people)))
    message, err = fails("import_article", str(path), "--author", "paula")
    assert "tagged and checked by the same person" in err
    assert not Article.objects.filter(slug="imported").exists()
    UserFactory(username="boss", is_superuser=True)
    run("import_article", str(path), "--user", "boss")
    claim = Claim.objects.get(article__slug="imported")
    assert claim.rating == Rating.ACCURATE and claim.separation_overridden


# 6. Imported ratings need someone who may rate ----------------------------------------


def test_an_import_by_a_reporter_brings_its_ratings_in_unrated(people, tmp_path):
    doc = export_article(rated_article(people))
    doc["article"]["slug"] = "imported"
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc))
    out, err = run("import_article", str(path), "--author", "rita")
    assert "imported" in out
    assert "not rated: rita may not rate claims" in err
    claim = Claim.objects.get(article__slug="imported")
    assert claim.rating == Rating.UNRATED and claim.checked_by is None
    doc["article"]["slug"] = "imported-2"
    path.write_text(json.dumps(doc))
    run("import_article", str(path), "--author", "frank")
    claim = Claim.objects.get(article__slug="imported-2")
    assert claim.rating == Rating.ACCURATE


def test_an_update_by_a_reporter_keeps_the_ratings_the_article_has(people, tmp_path):
    article = rated_article(people, rating=Rating.FALSE)
    claim = article.claims.get()
    doc = export_article(article)
    path = tmp_path / "doc.json"
    # The document says the claim is unrated, then that it is accurate.
    for rating in (Rating.UNRATED, Rating.ACCURATE):
        doc["claims"][0]["rating"] = rating
        path.write_text(json.dumps(doc))
        run("import_article", str(path), "--update", "--author", "rita")
        kept = Claim.objects.get(pk=claim.pk)
        assert (kept.rating, kept.checked_by) == (Rating.FALSE, people["checker"])
        assert not kept.stale
    # What the reporter changes of the claim makes the kept rating stale.
    doc["claims"][0]["statement"] = "Acme's profits tripled."
    path.write_text(json.dumps(doc))
    run("import_article", str(path), "--update", "--author", "rita")
    kept = Claim.objects.get(pk=claim.pk)
    assert kept.rating == Rating.FALSE and kept.stale
    blockers = gate_blockers(article)
    assert any("the claim reviewed changed" in b.message for b in blockers)
    # A fact-checker's update writes the document's rating.
    run("import_article", str(path), "--update", "--author", "frank")
    assert Claim.objects.get(pk=claim.pk).rating == Rating.ACCURATE


def test_an_update_that_moves_a_rated_claim_keeps_it_and_its_rating(people, tmp_path):
    """An edit above a claim moves its offsets: it is the same claim."""
    article = rated_article(people, rating=Rating.FALSE)
    claim = article.claims.get()
    doc = export_article(article)
    added = "A new first paragraph.\n\n"
    doc["article"]["body"] = added + doc["article"]["body"]
    for spec in doc["claims"]:
        spec["start"] += len(added)
        spec["end"] += len(added)
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc))
    run("import_article", str(path), "--update", "--author", "rita")
    kept = Claim.objects.get(article=article)
    assert kept.pk == claim.pk
    assert kept.start == claim.start + len(added)
    assert (kept.rating, kept.stale) == (Rating.FALSE, False)


# 7. Recovering a deleted entity needs the right to undo a delete ----------------------


def test_recovering_a_deleted_entity_needs_the_delete_permission(people):
    with reversion.create_revision():
        gone = EntityFactory(name="Gone Corp")
    gone.delete()
    version = Version.objects.get_deleted(Entity).get()
    url = reverse("admin:entities_entity_recover", args=[version.pk])
    client = client_of(people["reporter"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "Gone Corp"}).status_code == 403
    assert client.get(reverse("admin:entities_entity_recoverlist")).status_code == 403
    assert not Entity.objects.filter(name="Gone Corp").exists()


# 8. Bad input: a clear message, never a 500 -------------------------------------------

HUGE = "9" * 20


def test_huge_numbers_in_admin_forms_and_urls_are_refused_politely(people):
    article = rated_article(people)
    claim = article.claims.get()
    boss = UserFactory(username="boss", is_superuser=True)
    client = client_of(boss)
    data = form_data(client.get(change_page(article)))
    data["authors"] = HUGE
    response = client.post(change_page(article), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    compare = reverse("admin:articles_article_compare", args=[article.pk])
    for query in (f"?from={HUGE}", f"?to={HUGE}", f"?from={HUGE}&to={HUGE}1"):
        assert client.get(compare + query).status_code in (400, 404)
    restore = f"/admin/articles/article/{article.pk}/history/restore/{HUGE}/"
    assert client.post(restore).status_code in (400, 404)
    revision = f"/admin/articles/article/{article.pk}/history/{HUGE}/"
    assert client.get(revision).status_code in (400, 404)
    assert client.get(f"/admin/articles/article/{HUGE}/change/").status_code in (
        302,
        400,
        404,
    )
    add_claim = reverse("admin:articles_claim_add")
    assert client.get(add_claim + "?article=abc").status_code in (200, 400)
    assert client.get(add_claim + f"?article={HUGE}").status_code in (200, 400)
    sources = reverse("admin:entities_source_changelist")
    for query in (
        "?published_on__year=99999999999",
        "?published_on__year=2024&published_on__month=99999999999",
        "?published_on__year=abc",
    ):
        assert client.get(sources + query).status_code in (200, 302, 400), query
    data = form_data(client.get(change_page(claim)), "claim_form")
    data["claimant"] = HUGE
    assert client.post(change_page(claim), data).status_code == 200


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["article"].update(publish_at="9999-12-31T23:59:59-23:59"),
            "article.publish_at",
        ),
        (lambda d: d["claims"][0].update(end=2**63 + 5), "claims[0]"),
        (lambda d: d["claims"][0].update(start=-(2**70)), "claims[0].start"),
        (
            lambda d: d["sources"][0].update(published_on="9999-99-99"),
            "sources[0].published_on",
        ),
    ],
)
def test_an_import_with_out_of_range_values_says_where(
    people, tmp_path, change, message
):
    doc = export_article(rated_article(people))
    doc["article"]["slug"] = "imported"
    change(doc)
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc))
    error, err = fails("import_article", str(path), "--author", "paula")
    assert "doc.json" in err + error
    assert message in err + error
    assert not Article.objects.filter(slug="imported").exists()


@pytest.mark.parametrize("where", ["version", "start"])
def test_a_document_with_a_5000_digit_number_is_refused_with_the_place(
    people, tmp_path, where
):
    doc = export_article(rated_article(people))
    doc["article"]["slug"] = "imported"
    doc["version" if where == "version" else "claims"] = "HUGE"
    if where == "start":
        doc["claims"] = [{"quote": "x", "start": "HUGE", "end": 1}]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(doc).replace('"HUGE"', "9" * 5000))
    error, err = fails("import_article", str(path), "--author", "paula")
    assert "big.json" in err + error
    assert "too many digits" in err + error
    assert not Article.objects.filter(slug="imported").exists()


# 9. One rule each, in one place -------------------------------------------------------


def test_unpublishing_needs_a_note_on_every_path(people):
    article = rated_article(people)
    paula = people["publisher"]
    workflow.publish(article, user=paula)
    with pytest.raises(workflow.ValidationError, match="Say why"):
        workflow.unpublish(article, user=paula, note="  ")
    message, _ = fails("unpublish", "acme-results", "--user", "paula")
    assert "Say why" in message
    message, _ = fails("unpublish", "acme-results", "--user", "paula", "--dry-run")
    assert "Say why" in message
    assert Article.objects.get(pk=article.pk).is_live


def test_publish_dry_run_is_the_real_publish_rolled_back(people):
    rated_article(people)
    message, err = fails(
        "publish", "acme-results", "--user", "paula", "--dry-run", "--note", "x" * 1001
    )
    assert "1,001 characters" in message + err
    out, _ = run("publish", "acme-results", "--user", "paula", "--dry-run")
    assert "would be published as version 1" in out
    assert PublishedVersion.objects.count() == 0
    assert Article.objects.get(slug="acme-results").status == Article.Status.DRAFT


def test_reanchor_claims_records_who_ran_it(people):
    article = rated_article(people)
    Article.objects.filter(pk=article.pk).update(body="Intro.\n\n" + article.body)
    run("reanchor_claims", "acme-results", "--user", "rita")
    latest = Version.objects.get_for_object(article).first().revision
    assert latest.user == people["reporter"]
    assert "Re-anchored" in latest.comment or "re-anchored" in latest.comment


def test_publisher_role_holder_is_needed_for_every_scheduled_import(people, tmp_path):
    doc = export_article(rated_article(people))
    doc["article"]["slug"] = "imported"
    doc["article"]["publish_at"] = (timezone.now() + timedelta(hours=1)).isoformat()
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc))
    _, err = run("import_article", str(path), "--author", "frank")
    assert "not scheduled: frank may not schedule" in err
    assert Article.objects.get(slug="imported").publish_at is None
    doc["article"]["slug"] = "imported-2"
    path.write_text(json.dumps(doc))
    run("import_article", str(path), "--author", "paula")
    article = Article.objects.get(slug="imported-2")
    assert (
        article.publish_at is not None and article.scheduled_by == people["publisher"]
    )
    publisher(username="unused")  # a second publisher changes nothing
