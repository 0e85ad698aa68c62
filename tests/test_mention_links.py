"""
Entities linked to articles (DESIGN §6): detection on the demo article, links
editors make or remove by hand, and names suggested as new entities.
"""

import os
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse

from articles import demo, editing, snapshots
from articles.models import Article, Mention
from entities.mentions import find_mentions, suggest_entities
from entities.models import Entity
from tests.factories import ArticleFactory, EntityFactory
from tests.test_admin import form_data
from tests.test_demo import FAST_HASHERS, environment_without_passwords

# Counted by hand in the demo article's title and body, paragraph by
# paragraph. "the Azure OpenAI service" and "Azure OpenAI Service" are the
# service, not Azure nor OpenAI; "Microsoft Designer" is not Microsoft;
# "OpenAI LP" and "OpenAI Nonprofit" are not OpenAI.
DEMO_COUNTS = {
    # title 1, then paragraphs: 2, 3, 3, 1, 2, 0, 1, 1, 0, 1, 1
    "openai": 16,
    # title 1, then paragraphs 1, 2, 4, 6 (The Information's report), 7, 9
    "microsoft": 7,
    "chatgpt": 2,
    "azure": 3,
    "azure-openai-service": 2,
    "github-copilot": 1,
    "microsoft-designer": 1,
    "the-information": 1,
    "bing": 1,
    "satya-nadella": 1,
    "openai-lp": 2,
    "openai-nonprofit": 1,
}


@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class DemoMentionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with mock.patch.dict(os.environ, environment_without_passwords(), clear=True):
            call_command("load_demo", stdout=StringIO(), stderr=StringIO())
        cls.article = Article.objects.get(slug=demo.ARTICLE_SLUG)

    def counts(self):
        return {
            m.entity.slug: m.count
            for m in self.article.mentions.select_related("entity")
        }

    def test_every_demo_entity_is_found_with_its_count(self):
        assert self.counts() == DEMO_COUNTS
        text = f"{self.article.title}\n\n{self.article.body}"
        first = {
            m.entity.slug: m.first_position
            for m in self.article.mentions.select_related("entity")
        }
        assert text[first["azure-openai-service"] :].startswith("Azure OpenAI service")
        assert text[first["the-information"] :].startswith("The Information")

    def test_the_azure_openai_service_is_not_also_azure_or_openai(self):
        entities = Entity.objects.filter(
            slug__in=["azure", "openai", "azure-openai-service"]
        )
        found = {
            f.entity_id: f.count
            for f in find_mentions(
                "through the Azure OpenAI service, and in Azure OpenAI Service.",
                entities,
            )
        }
        service = Entity.objects.get(slug="azure-openai-service")
        assert found == {service.pk: 2}

    def test_manual_and_suppressed_links_survive_later_saves(self):
        bing = self.article.mentions.get(entity__slug="bing")
        bing.suppressed = True  # "Bing" here is fine, say an editor disagrees
        bing.save()
        github = Entity.objects.create(name="GitHub", slug="github")
        Mention.objects.create(
            article=self.article, entity=github, origin=Mention.Origin.MANUAL
        )
        for body in (
            self.article.body + "\n\nBing, Bing and Bing again.",
            self.article.body.replace("Bing", "the search engine"),
            self.article.body,
        ):
            old = self.article.body
            self.article.body = body
            self.article.save()
            editing.process_edit(self.article, old_body=old)
            bing = self.article.mentions.get(entity__slug="bing")
            assert bing.suppressed
            manual = self.article.mentions.get(entity=github)
            assert manual.origin == Mention.Origin.MANUAL
        # A detected link whose name left the text goes; it comes back with it.
        self.article.body = self.article.body.replace("Satya Nadella", "he")
        self.article.save()
        editing.refresh_mentions(self.article)
        assert not self.article.mentions.filter(entity__slug="satya-nadella").exists()
        assert self.article.mentions.get(entity__slug="bing").count == 1

    def test_removing_a_found_link_in_the_admin_suppresses_it(self):
        self.client.force_login(self.article.authors.get())
        url = reverse("admin:articles_article_change", args=[self.article.pk])
        data = form_data(self.client.get(url))
        bing = self.article.mentions.get(entity__slug="bing")
        prefix = next(
            key[: -len("-id")]
            for key, value in data.items()
            if key.startswith("mentions-")
            and key.endswith("-id")
            and value == str(bing.pk)
        )
        data[f"{prefix}-DELETE"] = "on"
        response = self.client.post(url, data, follow=True)
        assert response.status_code == 200
        messages = [str(m) for m in response.context["messages"]]
        assert any("its link is suppressed rather than deleted" in m for m in messages)
        bing.refresh_from_db()
        assert bing.suppressed
        # The next save keeps it off.
        data = form_data(self.client.get(url))
        data["body"] += "\n\nBing again."
        self.client.post(url, data)
        bing.refresh_from_db()
        assert bing.suppressed

    def test_deleting_a_found_link_in_the_mentions_admin_suppresses_it(self):
        self.client.force_login(self.article.authors.get())
        bing = self.article.mentions.get(entity__slug="bing")
        url = reverse("admin:articles_mention_delete", args=[bing.pk])
        response = self.client.post(url, {"post": "yes"}, follow=True)
        messages = [str(m) for m in response.context["messages"]]
        assert any("its link is suppressed rather than deleted" in m for m in messages)
        bing.refresh_from_db()
        assert bing.suppressed
        editing.refresh_mentions(self.article)
        bing.refresh_from_db()
        assert bing.suppressed
        # The bulk action does the same; a link not found in the text goes.
        github = Entity.objects.create(name="GitHub Models", slug="github-models")
        manual = Mention.objects.create(
            article=self.article, entity=github, origin=Mention.Origin.MANUAL
        )
        changelist = reverse("admin:articles_mention_changelist")
        self.client.post(
            changelist,
            {
                "action": "delete_selected",
                "_selected_action": [bing.pk, manual.pk],
                "post": "yes",
            },
        )
        assert self.article.mentions.get(pk=bing.pk).suppressed
        assert not Mention.objects.filter(pk=manual.pk).exists()

    def test_the_demo_article_has_no_unknown_recurring_names(self):
        names = [n for e in Entity.objects.all() for n in e.names]
        assert suggest_entities(self.article.body, names) == []
        self.client.force_login(self.article.authors.get())
        url = reverse("admin:articles_article_change", args=[self.article.pk])
        assert b"Possible new entities" not in self.client.get(url).content


# Suggesting new entities ------------------------------------------------------

TEXT = (
    "OpenAI CEO Sam Altman said the deal was good. Later, Sam Altman told "
    "The Verge that Google was behind. According to The Verge, Google disagreed. "
    "They said so on Monday. They said it again on Monday. Bank of America "
    "agreed; Bank of America’s analysts did too. Mistral, unlike Mistral’s "
    "rivals, said nothing. “Earlier,” he said, “Earlier was better.”"
)


def test_recurring_unknown_names_are_suggested():
    assert suggest_entities(TEXT, ["OpenAI"]) == [
        ("Sam Altman", 2),
        ("The Verge", 2),
        ("Google", 2),
        ("Bank of America", 2),
        ("Mistral", 2),
    ]


def test_known_names_are_not_suggested_whatever_their_case():
    known = ["OpenAI", "sam altman", "The Verge", "GOOGLE", "Bank of America"]
    assert suggest_entities(TEXT, known) == [("Mistral", 2)]


@pytest.mark.django_db
def test_an_article_stops_suggesting_a_name_once_an_entity_has_it():
    # The known names come from the index kept between requests: a new
    # entity, or a new alias of one, is known on the very next look.
    article = ArticleFactory(title="Mistral and Sam Altman", body=TEXT)
    assert ("Mistral", 3) in editing.suggested_entities(article)
    EntityFactory(name="Mistral AI", slug="mistral-ai", aliases="Mistral")
    names = [name for name, _ in editing.suggested_entities(article)]
    assert "Mistral" not in names and "Sam Altman" in names
    openai = EntityFactory(name="OpenAI", slug="openai")
    assert "Sam Altman" in [name for name, _ in editing.suggested_entities(article)]
    openai.aliases = "Sam Altman"
    openai.save()
    names = [name for name, _ in editing.suggested_entities(article)]
    assert "Sam Altman" not in names and "Google" in names


@pytest.mark.django_db
def test_linking_sees_an_entity_edit_that_commits_after_a_later_one():
    from articles import caching

    alpha = EntityFactory(name="Alpha Corp", slug="alpha-corp")
    EntityFactory(name="Beta Corp", slug="beta-corp")  # changed after Alpha
    article = ArticleFactory(body="Gamma Labs said so. Gamma Labs agreed.")
    editing.refresh_mentions(article)
    assert not article.mentions.exists()
    # Alpha's edit was made first and commits last (its admin save stayed
    # open): its change time is older than the latest one. Its transaction
    # moved the public generation, as every entity save does.
    Entity.objects.filter(pk=alpha.pk).update(
        aliases="Gamma Labs", updated_at=alpha.updated_at
    )
    caching.bump_generation()
    editing.refresh_mentions(article)
    assert [m.entity for m in article.mentions.all()] == [alpha]


def test_a_name_must_recur_to_be_suggested():
    assert suggest_entities("Only Ada Lovelace once.", []) == []
    assert suggest_entities("Ada Lovelace and Ada Lovelace.", [], min_count=2) == [
        ("Ada Lovelace", 2)
    ]


@pytest.mark.django_db
def test_suggestions_are_shown_with_a_link_to_add_the_entity(client, roles):
    from tests.factories import reporter

    user = reporter(username="rita")
    EntityFactory(name="OpenAI")
    article = ArticleFactory(title="Altman’s week", body=TEXT)
    client.force_login(user)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    html = page.content.decode()
    assert "Possible new entities" in html
    assert "<strong>Sam Altman</strong> (2 mentions)" in html
    add = reverse("admin:entities_entity_add") + "?name=Sam+Altman&amp;slug=sam-altman"
    assert f'href="{add}"' in html
    form = client.get(add.replace("&amp;", "&"))
    assert form.status_code == 200
    assert 'value="Sam Altman"' in form.content.decode()
    assert 'value="sam-altman"' in form.content.decode()


@pytest.mark.django_db
def test_an_unlinked_longer_name_is_not_linked_as_the_shorter_one():
    azure = EntityFactory(name="Azure", slug="azure")
    service = EntityFactory(name="Azure OpenAI Service", slug="azure-openai-service")
    article = ArticleFactory(
        body="Azure OpenAI Service is new.\n\nIt runs on Azure, they said."
    )
    editing.refresh_mentions(article)
    editing.remove_mention(article.mentions.get(entity=service))
    fields, entities = snapshots.version_fields(article)
    assert entities == [azure]
    html = fields["body_html"]
    # Azure is linked where it is named on its own, not inside the service.
    assert html.count(azure.get_absolute_url()) == 1
    assert "Azure OpenAI Service is new." in html
    assert f'runs on <a class="entity-link" href="{azure.get_absolute_url()}">' in html
