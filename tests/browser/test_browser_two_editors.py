"""Two editors save the same article: the second is told, and keeps their text."""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.factories import ArticleFactory, UserFactory

from .support import login, messages

pytestmark = pytest.mark.browser


def test_second_save_of_the_same_article_gets_a_conflict_and_keeps_its_text(
    roles, new_page
):
    UserFactory(username="ann", first_name="Ann", groups=["Reporters"])
    UserFactory(username="bob", first_name="Bob", groups=["Reporters"])
    article = ArticleFactory(body="The council approved the budget on Monday.")
    url = f"/admin/articles/article/{article.pk}/change/"
    ann, bob = new_page(), new_page()
    login(ann, "ann")
    login(bob, "bob")
    ann.goto(url)
    bob.goto(url)  # both have the same version open

    ann.locator("#id_body").fill("The council approved the budget on Tuesday.")
    ann.get_by_role("button", name="Save and continue editing").click()
    expect(messages(ann)).to_contain_text("was changed successfully")

    bobs_text = "The council rejected the budget on Monday, 5 votes to 4."
    bob.locator("#id_body").fill(bobs_text)
    bob.get_by_role("button", name="Save and continue editing").click()
    expect(bob.locator(".errornote, .errorlist")).to_contain_text(
        ["Please correct the error below.", "Ann saved this article at"]
    )
    expect(bob.locator(".errorlist")).to_contain_text("Your changes are NOT saved yet")
    expect(bob.locator("#id_body")).to_have_value(bobs_text)
    article.refresh_from_db()
    assert article.body == "The council approved the budget on Tuesday."

    # Having been told, Bob saves again: his version replaces Ann's.
    bob.get_by_role("button", name="Save and continue editing").click()
    expect(messages(bob)).to_contain_text("was changed successfully")
    expect(bob.locator("#id_body")).to_have_value(bobs_text)
    assert Article.objects.get(pk=article.pk).body == bobs_text
