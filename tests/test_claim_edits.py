"""
Claims that survive edits, on the demo article (DESIGN §6, §7).

The demo newsroom is loaded once for the module's tests; each test runs in a
savepoint that is rolled back. Every scenario is played both ways the body
changes: an editor's save (the old body is known: ``process_edit`` with
``old_body``, as the admin calls it) and a bulk edit repaired later (the
``reanchor_claims`` command: no old body), and through the admin where the
editor is told what their save did.
"""

import os
from io import StringIO
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase, override_settings
from django.urls import reverse
from reversion.models import Version

from articles import demo, editing, gate, staleness, tagging, workflow
from articles.models import Article, Claim
from tests.test_demo import FAST_HASHERS, environment_without_passwords

INFORMATION_PARAGRAPH = (
    "Earlier this month, The Information reported that Microsoft was interested "
    "in integrating ChatGPT into its search engine Bing. They reported that this "
    "could take place as soon as March.\n\n"
)
MARCH = "They reported that this could take place as soon as March."
REPORT = (
    "Earlier this month, The Information reported that Microsoft was interested "
    "in integrating ChatGPT into its search engine Bing."
)
MEETINGS = "According to OpenAI, both companies regularly meet to review and "
NEW_TOP = (
    "Editor’s note: this report was updated on January 24 with the companies’ "
    "statements. 📰\n\n"
)


def save_body(article: Article, body: str, *, old_body: bool) -> editing.EditReport:
    """Change the body: as an editor's save (old body known) or a bulk edit."""
    before = article.body
    article.body = body
    article.save()
    if old_body:
        return editing.process_edit(article, old_body=before)
    return editing.reanchor_claims(article)


def blocker_codes(article):
    return [b.code for b in gate.gate_blockers(article)]


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class DemoEditTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with mock.patch.dict(os.environ, environment_without_passwords(), clear=True):
            call_command("load_demo", stdout=StringIO(), stderr=StringIO())
        cls.article = Article.objects.get(slug=demo.ARTICLE_SLUG)
        cls.claims = {c.pk: (c.quote, c.start, c.end) for c in cls.article.claims.all()}
        assert INFORMATION_PARAGRAPH in cls.article.body

    def claim(self, quote: str) -> Claim:
        return Claim.objects.get(article=self.article, quote=quote)

    # Deleting the paragraph with The Information's report ---------------------

    def check_information_paragraph_deleted(self, old_body: bool):
        body = self.article.body.replace(INFORMATION_PARAGRAPH, "")
        report = save_body(self.article, body, old_body=old_body)
        lost = {claim.quote for claim in report.orphaned}
        assert lost == {REPORT, MARCH}
        assert self.claim(REPORT).anchor == Claim.Anchor.ORPHANED
        assert self.claim(MARCH).anchor == Claim.Anchor.ORPHANED
        # Every other claim is where its words are.
        for claim in self.article.claims.exclude(quote__in=lost):
            assert claim.anchor == Claim.Anchor.ANCHORED
            assert body[claim.start : claim.end] == claim.quote
        assert blocker_codes(self.article).count("orphaned") == 2
        messages = " ".join(b.message for b in gate.gate_blockers(self.article))
        assert "is no longer in the text: re-tag it or delete it" in messages
        publisher = self.article.live_version.published_by
        with pytest.raises(ValidationError) as refused:
            workflow.publish(self.article, user=publisher)
        assert "Earlier this month, The Information" in str(refused.value)

    def test_deleting_the_information_paragraph_orphans_its_claims(self):
        self.check_information_paragraph_deleted(old_body=True)

    def test_deleting_the_information_paragraph_without_the_old_body(self):
        self.check_information_paragraph_deleted(old_body=False)

    def check_lost_claim_stays_lost(self, old_body: bool):
        original = self.article.body
        body = original.replace(INFORMATION_PARAGRAPH, "")
        save_body(self.article, body, old_body=old_body)
        # Its words turn up in someone else's sentence, then an unrelated save.
        body += f"\n\nA rival said it doubted it: {MARCH} Nobody else did.\n"
        save_body(self.article, body, old_body=old_body)
        body = body.replace("OpenAI and Microsoft", "Microsoft and OpenAI", 1)
        report = save_body(self.article, body, old_body=old_body)
        assert report.found == []
        assert self.claim(MARCH).anchor == Claim.Anchor.ORPHANED
        assert blocker_codes(self.article).count("orphaned") == 2
        # Putting the paragraph back, word for word, finds both claims again.
        report = save_body(self.article, original, old_body=old_body)
        assert {claim.quote for claim in report.found} == {REPORT, MARCH}
        for quote in (REPORT, MARCH):
            claim = self.claim(quote)
            assert claim.anchor == Claim.Anchor.ANCHORED
            assert original[claim.start : claim.end] == quote
        assert "orphaned" not in blocker_codes(self.article)

    def test_a_lost_claim_is_not_attached_to_another_sentence_later(self):
        self.check_lost_claim_stays_lost(old_body=True)

    def test_a_lost_claim_is_not_attached_later_without_the_old_body(self):
        self.check_lost_claim_stays_lost(old_body=False)

    def test_a_lost_claim_saved_on_its_own_page_is_placed_where_its_words_are(self):
        from tests.test_admin import form_data

        body = self.article.body.replace(INFORMATION_PARAGRAPH, "")
        body += f"\n\nA rival said it doubted it: {MARCH} Nobody else did.\n"
        save_body(self.article, body, old_body=True)
        claim = self.claim(MARCH)
        assert claim.anchor == Claim.Anchor.ORPHANED
        self.client.force_login(self.article.authors.get())
        url = reverse("admin:articles_claim_change", args=[claim.pk])
        data = form_data(self.client.get(url), form_id="claim_form")
        response = self.client.post(url, data)
        assert response.status_code == 302
        claim.refresh_from_db()
        assert claim.anchor == Claim.Anchor.ANCHORED
        assert body[claim.start : claim.end] == MARCH
        assert body[claim.start - len(claim.prefix) : claim.start] == claim.prefix
        # Only the report's claim, whose words are gone, still blocks.
        assert blocker_codes(self.article).count("orphaned") == 1
        assert self.claim(REPORT).anchor == Claim.Anchor.ORPHANED

    # Rewording "as soon as March" ------------------------------------------------

    def check_march_reworded(self, old_body: bool):
        body = self.article.body.replace("as soon as March", "by the end of March")
        report = save_body(self.article, body, old_body=old_body)
        reworded = "They reported that this could take place by the end of March."
        assert [claim.quote for claim in report.changed] == [reworded]
        claim = self.claim(reworded)
        assert claim.anchor == Claim.Anchor.CHANGED
        assert body[claim.start : claim.end] == reworded
        assert staleness.is_stale(claim)
        assert staleness.stale_reasons(claim) == [f"the quote changed from “{MARCH}”"]
        blockers = gate.gate_blockers(self.article)
        assert [b.code for b in blockers] == ["stale"]
        assert "it needs a re-check" in blockers[0].message
        assert "as soon as March" in blockers[0].message
        # The claims after it moved by the three characters it grew.
        assert report.orphaned == []
        assert len(report.moved) == 7
        for other in self.article.claims.exclude(pk=claim.pk):
            quote, start, end = self.claims[other.pk]
            shift = 3 if start > claim.start else 0
            assert (other.quote, other.start) == (quote, start + shift)
            assert other.anchor == Claim.Anchor.ANCHORED

    def test_rewording_as_soon_as_march_makes_the_claim_changed_and_stale(self):
        self.check_march_reworded(old_body=True)

    def test_rewording_as_soon_as_march_without_the_old_body(self):
        self.check_march_reworded(old_body=False)

    def test_a_recheck_clears_the_changed_claim(self):
        body = self.article.body.replace("as soon as March", "by the end of March")
        save_body(self.article, body, old_body=True)
        claim = Claim.objects.get(article=self.article, quote__contains="end of March")
        checker = claim.checked_by
        workflow.rate_claim(claim, user=checker, rating=claim.rating)
        claim.refresh_from_db()
        assert claim.anchor == Claim.Anchor.ANCHORED
        assert not staleness.is_stale(claim)
        assert gate.gate_blockers(self.article) == []

    def test_words_changed_back_need_no_recheck_in_the_gate_or_the_text_view(self):
        original = self.article.body
        body = original.replace("as soon as March", "by the end of March")
        save_body(self.article, body, old_body=True)
        save_body(self.article, original, old_body=True)
        claim = self.claim(MARCH)
        assert not staleness.is_stale(claim)
        assert gate.gate_blockers(self.article) == []
        marked = tagging.describe(claim, 1, "/claim/")
        assert marked.state == claim.rating
        assert "Re-check" not in marked.label

    # Inserting a paragraph at the top --------------------------------------------

    def check_paragraph_inserted_at_the_top(self, old_body: bool):
        body = NEW_TOP + self.article.body
        report = save_body(self.article, body, old_body=old_body)
        # Every claim in the text moves; the one about the lead image has none.
        in_text = [pk for pk, (quote, _start, _end) in self.claims.items() if quote]
        assert len(report.moved) == len(in_text)
        assert report.changed == report.orphaned == []
        shift = len(NEW_TOP)
        for claim in self.article.claims.filter(pk__in=in_text):
            quote, start, end = self.claims[claim.pk]
            assert (claim.quote, claim.start, claim.end) == (
                quote,
                start + shift,
                end + shift,
            )
            assert claim.anchor == Claim.Anchor.ANCHORED
            assert not staleness.is_stale(claim)
        assert gate.gate_blockers(self.article) == []
        publisher = self.article.live_version.published_by
        version = workflow.publish(self.article, user=publisher)
        assert version.number == 2

    def test_inserting_a_paragraph_at_the_top_keeps_every_rating(self):
        self.check_paragraph_inserted_at_the_top(old_body=True)

    def test_inserting_a_paragraph_at_the_top_without_the_old_body(self):
        self.check_paragraph_inserted_at_the_top(old_body=False)

    def test_moving_a_paragraph_takes_its_claims_along(self):
        paragraphs = self.article.body.split("\n\n")
        moved = paragraphs.pop(1)  # "Microsoft had previously made..."
        body = "\n\n".join([*paragraphs, moved])
        report = save_body(self.article, body, old_body=True)
        assert report.orphaned == report.changed == []
        for claim in self.article.claims.all():
            assert body[claim.start : claim.end] == claim.quote
            assert claim.quote == self.claims[claim.pk][0]
        assert gate.gate_blockers(self.article) == []

    # Through the admin -------------------------------------------------------------

    def admin_save(self, body: str):
        from tests.test_admin import form_data

        self.client.force_login(self.article.authors.get())
        url = reverse("admin:articles_article_change", args=[self.article.pk])
        data = form_data(self.client.get(url))
        data["body"] = body
        data["_continue"] = "1"
        response = self.client.post(url, data, follow=True)
        assert response.status_code == 200
        return [str(m) for m in response.context["messages"]], response

    def bulk_of_edits(self) -> str:
        """A paragraph on top, March reworded, the meetings paragraph deleted."""
        paragraphs = [
            p for p in self.article.body.split("\n\n") if not p.startswith(MEETINGS)
        ]
        body = "\n\n".join(paragraphs)
        return NEW_TOP + body.replace("as soon as March", "by the end of March")

    def test_the_admin_tells_the_editor_what_a_save_did_to_the_claims(self):
        messages, response = self.admin_save(self.bulk_of_edits())
        text = "\n".join(messages)
        assert "15 claims moved with the text, unchanged (ratings still hold)" in text
        assert (
            "Claim “They reported that this could take place by the end of March…” "
            "changed with the text: its quote was updated and its rating needs a "
            "re-check." in text
        )
        assert (
            f"Claim “{MEETINGS[:60]}…” is no longer found in the text: re-tag it or "
            "delete it before publishing." in text
        )
        page = response.content.decode()
        assert "Re-check needed" in page
        assert "What changed: the quote changed from" in page
        # One save, one revision, with the claims as they now are.
        revision = Version.objects.get_for_object(self.article).first().revision
        claims = {
            v.object_id: v.field_dict["anchor"]
            for v in revision.version_set.all()
            if v.content_type.model == "claim"
        }
        assert sorted(claims.values()).count("orphaned") == 1
        assert sorted(claims.values()).count("changed") == 1

    def test_an_admin_save_that_moves_nothing_says_nothing_about_claims(self):
        body = self.article.body + "\n\nA last line."
        messages, _ = self.admin_save(body)
        assert not any("claim" in m.lower() for m in messages)

    # The reanchor_claims command ----------------------------------------------------

    def test_reanchor_claims_command_reports_counts_after_a_bulk_edit(self):
        # A bulk edit behind the workflow's back.
        Article.objects.filter(pk=self.article.pk).update(body=self.bulk_of_edits())
        out = StringIO()
        call_command(
            "reanchor_claims", demo.ARTICLE_SLUG, stdout=out, stderr=StringIO()
        )
        output = out.getvalue()
        assert (
            f"{demo.ARTICLE_SLUG}: 15 anchored, 1 changed, 1 orphaned (15 moved)"
            in (output)
        )
        assert "1 article (1 with claims that moved or changed): " in output
        assert "15 anchored, 1 changed, 1 orphaned (15 moved)." in output
        # The claim about the lead image is in no text: it has nothing to find.
        states = list(
            self.article.claims.exclude(quote="").values_list("anchor", flat=True)
        )
        assert states.count("anchored") == 15
        # Run again: nothing moves, nothing is written.
        out = StringIO()
        before = Version.objects.get_for_object(self.article).count()
        call_command("reanchor_claims", stdout=out, stderr=StringIO())
        assert "(0 with claims that moved or changed)" in out.getvalue()
        assert Version.objects.get_for_object(self.article).count() == before

    def test_reanchor_claims_dry_run_writes_nothing(self):
        Article.objects.filter(pk=self.article.pk).update(
            body=NEW_TOP + self.article.body
        )
        out = StringIO()
        call_command("reanchor_claims", "--dry-run", stdout=out, stderr=StringIO())
        assert "Dry run: " in out.getvalue()
        assert "Nothing was written." in out.getvalue()
        for claim in self.article.claims.all():
            assert claim.start == self.claims[claim.pk][1]

    def test_reanchor_claims_refuses_an_unknown_slug(self):
        with pytest.raises(CommandError, match="No article with the slug 'nope'"):
            call_command("reanchor_claims", "nope", stdout=StringIO())
