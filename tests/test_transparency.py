"""
The transparency pages: /corrections/ (and its feed), /methodology/ and
/about/, from data the newsroom keeps in the admin, and the rules and doors
by which that data changes.
"""

import importlib
import re

import feedparser
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from reversion.models import Version

from articles import workflow
from articles.models import PublishedCorrection, Rating
from articles.ratings import SCALE
from masthead import workflow as masthead
from masthead.models import Funder, Masthead, TeamMember
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    EntityFactory,
    fact_checker,
    publisher,
    reporter,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(roles):
    return {
        "reporter": reporter(),
        "checker": fact_checker(),
        "publisher": publisher(),
    }


@pytest.fixture
def live(staff):
    """A published article with one rated, cited claim."""
    article = ArticleFactory(title="Acme doubles its profits")
    claim = ClaimFactory(article=article, claimant=EntityFactory(name="Acme"))
    CitationFactory(claim=claim, relation="origin")
    workflow.rate_claim(claim, user=staff["checker"], rating=Rating.ACCURATE)
    workflow.publish(article, user=staff["publisher"])
    article.refresh_from_db()
    return article


def correct(article, user, text, kind="correction"):
    """Add a correction to ``article`` and publish it again."""
    workflow.add_correction(article, user=user, kind=kind, text=text)
    return workflow.publish(article, user=user, note="Corrected.")


# Corrections -------------------------------------------------------------------


def test_corrections_page_and_feed_list_a_correction_added_on_republish(
    client, live, staff, settings
):
    settings.SITE_URL = "https://news.example.org"
    assert (
        "We have not published a correction."
        in client.get("/corrections/").content.decode()
    )
    version = correct(live, staff["publisher"], "The profits rose 101%, not 100%.")
    html = client.get("/corrections/").content.decode()
    assert "The profits rose 101%, not 100%." in html
    assert f'href="{live.get_absolute_url()}">Acme doubles its profits</a>' in html
    assert f'href="{live.get_absolute_url()}history/#version-2"' in html
    assert version.number == 2

    response = client.get("/corrections/feed/")
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    [entry] = feed.entries
    assert entry.title == "Correction: Acme doubles its profits"
    assert entry.summary == "The profits rose 101%, not 100%."
    assert entry.link == (
        f"https://news.example.org{live.get_absolute_url()}history/#version-2"
    )


def test_a_correction_keeps_the_version_it_first_appeared_in(client, live, staff):
    correct(live, staff["publisher"], "First correction.")
    live.dek = "A new standfirst."
    live.save()
    correct(live, staff["publisher"], "Second correction.", kind="update")
    html = client.get("/corrections/").content.decode()
    # Newest first; each links the version readers first saw it in.
    assert html.index("Second correction.") < html.index("First correction.")
    assert "history/#version-3" in html and "history/#version-2" in html
    assert html.count('<li id="correction-') == 2


def test_unpublished_and_withdrawn_corrections_are_not_listed(client, live, staff):
    workflow.add_correction(
        live, user=staff["publisher"], kind="correction", text="DRAFT-ONLY fix."
    )
    assert "DRAFT-ONLY" not in client.get("/corrections/").content.decode()
    assert "DRAFT-ONLY" not in client.get("/corrections/feed/").content.decode()
    workflow.publish(live, user=staff["publisher"])
    assert "DRAFT-ONLY" in client.get("/corrections/").content.decode()
    workflow.unpublish(live, user=staff["publisher"], note="Legal review.")
    assert "DRAFT-ONLY" not in client.get("/corrections/").content.decode()


def test_corrections_are_paginated_and_other_pages_are_refused(client, live, staff):
    for i in range(27):
        workflow.add_correction(
            live, user=staff["publisher"], kind="update", text=f"Update number {i}."
        )
    workflow.publish(live, user=staff["publisher"])
    first = client.get("/corrections/").content.decode()
    assert first.count('<li id="correction-') == 25
    assert "Update number 26." in first and "Update number 1." not in first
    second = client.get("/corrections/?page=2").content.decode()
    assert second.count('<li id="correction-') == 2
    assert "Update number 0." in second
    # As on every public page (articles.params): past the end is 404, what is
    # no page number at all is 400, each with a page that says why.
    assert client.get("/corrections/?page=3").status_code == 404
    for page in ("0", "-1", "two", "9" * 30, "9" * 5000, "1.5"):
        assert client.get(f"/corrections/?page={page}").status_code in (400, 404), page


def test_the_corrections_feed_escapes_text_that_is_not_html(client, live, staff):
    correct(live, staff["publisher"], "<script>alert(1)</script> & more")
    content = client.get("/corrections/feed/").content
    assert b"<script>" not in content
    # Escaped as text for the feed reader, then as XML.
    assert b"&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt; &amp;amp; more" in (
        content
    )
    html = client.get("/corrections/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html


def test_versions_published_before_are_given_their_corrections_rows(live, staff):
    correct(live, staff["publisher"], "First correction.")
    live.dek = "Changed."
    live.save()
    correct(live, staff["publisher"], "Second correction.")
    expected = sorted(
        PublishedCorrection.objects.values_list(
            "version__number", "position", "text", "first_number", "correction_id"
        )
    )
    PublishedCorrection.objects.all().delete()
    migration = importlib.import_module(
        "articles.migrations.0022_fill_published_corrections"
    )
    migration.fill(apps, None)
    rows = sorted(
        PublishedCorrection.objects.values_list(
            "version__number", "position", "text", "first_number", "correction_id"
        )
    )
    assert rows == expected
    assert rows[0][:4] == (2, 0, "First correction.", 2)
    assert all(row[4] is not None for row in rows)


# Methodology -------------------------------------------------------------------


def test_methodology_lists_every_rating_with_its_meaning(client, staff):
    masthead.save_item(
        Masthead(methodology="We read **every** source.\n\n<script>x()</script>"),
        user=staff["publisher"],
    )
    html = client.get("/methodology/").content.decode()
    assert {r.value for r in SCALE} == set(Rating.values)
    for rating in SCALE:
        item = html.split(f'id="rating-{rating.value}"', 1)[1].split("</div>", 1)[0]
        assert f'<span class="rating rating--{rating.value}">{rating.label}' in item
        assert rating.meaning in item
        if rating.rating_value:
            assert f"{rating.rating_value} out of 5" in item
    assert "Origin (where the claim first appeared)" in html
    assert "We read <strong>every</strong> source." in html
    assert "<script>x()" not in html and "&lt;script&gt;x()" in html


def test_methodology_and_about_say_so_when_nothing_is_written(client):
    assert "has not described its method yet" in (
        client.get("/methodology/").content.decode()
    )
    about = client.get("/about/").content.decode()
    assert "has not written this page yet" in about
    assert "No one is listed yet." in about


# About -------------------------------------------------------------------------


def test_about_shows_team_ownership_and_funding_from_the_admins_data(client, staff):
    user = staff["publisher"]
    masthead.save_item(
        Masthead(
            about="We check claims about *technology*.",
            ownership="Owned by the Example Trust.",
            funding="Grants and readers.",
            contact_email="desk@example.org",
        ),
        user=user,
    )
    masthead.save_item(TeamMember(name="Ada Ray", role="Editor", position=2), user=user)
    masthead.save_item(TeamMember(name="Bo Lin", role="Checker", position=1), user=user)
    masthead.save_item(
        Funder(
            name="Open Data Fund",
            kind="grant",
            amount="$50,000",
            period="2026",
            url="https://fund.example.org/",
        ),
        user=user,
    )
    html = client.get("/about/").content.decode()
    assert "We check claims about <em>technology</em>." in html
    assert html.index("Bo Lin") < html.index("Ada Ray")  # by position
    assert "Owned by the Example Trust." in html
    assert 'href="https://fund.example.org/"' in html and "$50,000" in html
    assert "Grant" in html and "2026" in html
    assert 'href="mailto:desk@example.org"' in html
    for anchor in ("principles", "team", "ownership", "funding"):
        assert f'id="{anchor}"' in html


def test_profile_text_cannot_inject_markup(client, staff):
    masthead.save_item(
        Masthead(about="[click](javascript:alert(1)) <img src=x onerror=alert(2)>"),
        user=staff["publisher"],
    )
    masthead.save_item(
        TeamMember(name="<b>Eve</b>", role="<i>x</i>"), user=staff["publisher"]
    )
    html = client.get("/about/").content.decode()
    assert 'href="javascript:' not in html  # shown as text, never a link
    assert "[click](javascript:alert(1))" in html
    assert "<img src=x" not in html
    assert "&lt;b&gt;Eve&lt;/b&gt;" in html


# The rules and their doors -------------------------------------------------------


def test_a_profile_text_over_its_cap_is_refused_with_the_numbers(staff):
    from django.core.exceptions import ValidationError

    from masthead.models import TEXT_MAX_LENGTH

    with pytest.raises(ValidationError) as refused:
        masthead.save_item(
            Masthead(methodology="x" * (TEXT_MAX_LENGTH + 1)), user=staff["publisher"]
        )
    [message] = refused.value.message_dict["methodology"]
    assert f"at most {TEXT_MAX_LENGTH} characters (it has {TEXT_MAX_LENGTH + 1})" in (
        message
    )
    assert not Masthead.objects.exists()


def test_only_publishers_change_the_profile(staff):
    for user in (staff["reporter"], staff["checker"]):
        assert masthead.check_edit_masthead(user=user)
        with pytest.raises(PermissionDenied):
            masthead.save_item(Masthead(about="Hijacked."), user=user)
    assert not Masthead.objects.exists()
    assert masthead.check_edit_masthead(user=staff["publisher"]) == []
    member = masthead.save_item(
        TeamMember(name="Ada Ray", role="Editor"), user=staff["publisher"]
    )
    with pytest.raises(PermissionDenied):
        masthead.delete_item(member, user=staff["reporter"])
    assert TeamMember.objects.filter(pk=member.pk).exists()


def test_a_profile_change_is_a_revision_and_is_seen_at_once(client, staff, settings):
    settings.NEWSROOM_PAGE_CACHE = True
    user = staff["publisher"]
    masthead.save_item(Masthead(ownership="Owned by A."), user=user)
    assert "Owned by A." in client.get("/about/").content.decode()
    profile = Masthead.objects.get()
    profile.ownership = "Owned by B."
    masthead.save_item(profile, user=user)
    funder = masthead.save_item(Funder(name="Fund C", kind="grant"), user=user)
    html = client.get("/about/").content.decode()  # not the cached page
    assert "Owned by B." in html and "Fund C" in html
    masthead.delete_item(funder, user=user)
    assert "Fund C" not in client.get("/about/").content.decode()
    versions = Version.objects.get_for_object(profile)
    assert versions.count() == 4
    assert versions.first().revision.user == user
    assert versions.first().revision.comment == "Removed funder “Fund C”"


def test_the_admin_edits_the_profile_through_the_rules(client, staff):
    client.force_login(staff["publisher"])
    # Before it is written, the profile's page is there to write it.
    assert client.get("/admin/masthead/masthead/").url == (
        "/admin/masthead/masthead/1/change/"
    )
    assert client.get("/admin/masthead/masthead/1/change/").status_code == 200
    assert not Masthead.objects.exists()
    data = {
        "about": "We check claims.",
        "principles": "",
        "methodology": "We read the sources.",
        "corrections_policy": "We correct.",
        "ownership": "Owned by its staff.",
        "funding": "",
        "contact_email": "",
        "team-TOTAL_FORMS": "1",
        "team-INITIAL_FORMS": "0",
        "team-0-position": "1",
        "team-0-name": "Ada Ray",
        "team-0-role": "Editor",
        "team-0-bio": "",
        "team-0-url": "",
        "funders-TOTAL_FORMS": "1",
        "funders-INITIAL_FORMS": "0",
        "funders-0-name": "Open Data Fund",
        "funders-0-kind": "grant",
        "funders-0-position": "0",
        "funders-0-amount": "$5",
        "funders-0-period": "",
        "funders-0-url": "",
        "funders-0-note": "",
    }
    response = client.post("/admin/masthead/masthead/1/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response.url == "/admin/masthead/masthead/1/change/"
    assert Masthead.objects.get().ownership == "Owned by its staff."
    assert TeamMember.objects.get().name == "Ada Ray"
    assert Funder.objects.get().name == "Open Data Fund"
    # One admin save, one revision of the whole profile, by its user.
    revision = Version.objects.get_for_object(Masthead.objects.get()).first().revision
    assert revision.user == staff["publisher"]
    assert {v.object_repr for v in revision.version_set.all()} >= {
        "The newsroom's profile",
        "Ada Ray, Editor",
        "Open Data Fund",
    }
    html = client.get("/about/").content.decode()
    assert "Owned by its staff." in html and "Ada Ray" in html
    # The profile is one: it can be changed, not added again or deleted.
    assert client.get("/admin/masthead/masthead/add/").status_code == 403
    assert client.get("/admin/masthead/masthead/1/delete/").status_code == 403
    assert client.get("/admin/masthead/masthead/2/change/").status_code == 302


def test_the_admin_refuses_whoever_may_not_change_the_profile(client, staff):
    masthead.save_item(Masthead(about="Ours."), user=staff["publisher"])
    member = masthead.save_item(
        TeamMember(name="Ada Ray", role="Editor"), user=staff["publisher"]
    )
    client.force_login(staff["checker"])
    assert "masthead" not in client.get("/admin/").content.decode()
    for url in (
        "/admin/masthead/masthead/",
        "/admin/masthead/masthead/1/change/",
        "/admin/masthead/masthead/add/",
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(
        "/admin/masthead/masthead/1/change/",
        {
            "about": "Hijacked.",
            "team-TOTAL_FORMS": "1",
            "team-INITIAL_FORMS": "1",
            "team-0-id": str(member.pk),
            "team-0-masthead": "1",
            "team-0-DELETE": "on",
            "funders-TOTAL_FORMS": "0",
            "funders-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 403
    assert Masthead.objects.get().about == "Ours."
    assert TeamMember.objects.filter(pk=member.pk).exists()


def test_setup_roles_lets_publishers_and_only_them_edit_the_profile(staff):
    allowed = {
        name: user.has_perm(masthead.EDIT_PERMISSION) for name, user in staff.items()
    }
    assert allowed == {"reporter": False, "checker": False, "publisher": True}
    admin = get_user_model().objects.create_superuser("root", "r@example.org", "x")
    assert masthead.check_edit_masthead(user=admin) == []


def test_footer_links_the_transparency_pages(client):
    html = client.get("/").content.decode()
    for path in ("/about/", "/methodology/", "/corrections/", "/feed.json"):
        assert re.search(rf'<a href="{re.escape(path)}">', html), path
