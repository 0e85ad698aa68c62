"""
XSS in a real browser, along the editor's and the reader's paths: an
article, its claims, citations, correction, an entity and a source carry
script payloads in every field their authors control. The public pages and
the admin pages of issue 8 are opened in Chromium with the Content Security
Policy bypassed, so that an injection would run; a reader opens a claim, an
editor selects a payload in the tagging view and tags it. No dialog may
open, nothing may be injected.

The security suite (tests/test_xss.py) goes wider: a hundred payloads, every
page, every event fired on every element, a positive control. This test
keeps a small set of its own, one or two per context, and walks the pages
the way people use them.
"""

from datetime import date
from urllib.parse import quote

import pytest
import reversion
from playwright.sync_api import expect
from reversion.models import Version

from articles import editing, workflow
from articles.models import Citation
from entities.models import Entity, Source
from tests.factories import ArticleFactory, UserFactory

from .support import login, messages, select_with_keyboard, tag_selected_claim

pytestmark = pytest.mark.browser

WORD = "Xsspayload"  # a word every record carries, to search and recognise it

# One or two payloads per context a field's text can land in; each says
# where it fired.
PAYLOADS = (
    "<script>alert('script')</script>",
    "<img src=x onerror=alert('img')>",
    "<svg/onload=alert('svg')>",
    "<details open ontoggle=alert('details')>",
    "<iframe srcdoc=\"<script>parent.alert('frame')</script>\"></iframe>",
    "<a href=\"javascript:alert('href')\">link</a>",
    "\"><img src=x onerror=alert('attribute')>",
    "' onfocus='alert(\"single\")' autofocus='",
    "</title><script>alert('title')</script>",
    "</script><script>alert('json-ld')</script>",
    "\u2028</script><svg onload=alert('line-separator')>",
    "<!--<img src=\"--><img src=x onerror=alert('comment')//\">",
    "{{ request }}{% debug %}",
)
# A Markdown body's own ways in.
MARKDOWN = (
    "[click](javascript:alert('md-link')) [entity](javascript&#58;alert('md-ent'))",
    "<javascript:alert('autolink')> ![img](x\"onerror=\"alert('md-img'))",
    "[ref][r1]\n\n[r1]: javascript:alert('md-ref')",
)
# Break-outs of the admin's <textarea>, tagged as a claim in the tagging view.
TEXTAREA = "</textarea><img src=x onerror=alert('textarea')>"
# Valid http(s) URLs for URL fields that still try to leave their attribute.
URLS = (
    "https://example.org/\"onmouseover=\"alert('url-1')",
    "https://example.org/?q=\"><script>alert('url-2')</script>",
    "https://example.org/'onfocus='alert(3)'autofocus='",
)


def payload(limit: int, lead: str, *, shift: int = 0) -> str:
    """``lead`` and as many payloads as fit in ``limit`` characters."""
    text = lead
    for item in PAYLOADS[shift:] + PAYLOADS[:shift]:
        if len(text) + 1 + len(item) <= limit:
            text += " " + item
    return text


# Inspects the page for anything a payload could have injected.
INJECTED_JS = """() => {
  const found = [];
  const urlAttributes = ["href", "src", "action", "formaction", "data", "xlink:href"];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      if (attr.name.startsWith("on")) found.push(`${attr.name} on <${el.localName}>`);
      const url = attr.value.replace(/[\\u0000-\\u0020]/g, "");
      if (urlAttributes.includes(attr.name) && /^(javascript|vbscript):/i.test(url)) {
        found.push(`${attr.name}="${attr.value}" on <${el.localName}>`);
      }
    }
  }
  for (const tag of ["iframe", "frame", "object", "embed", "base"]) {
    if (document.querySelector(tag)) found.push(`a <${tag}> element`);
  }
  if (document.querySelector("meta[http-equiv=refresh i]")) found.push("meta refresh");
  for (const script of document.querySelectorAll("script:not([src])")) {
    const type = (script.type || "").toLowerCase();
    if (!["application/json", "application/ld+json"].includes(type)) {
      found.push("inline script: " + script.textContent.slice(0, 80));
    }
  }
  return found;
}"""


@pytest.fixture
def payload_article(roles):
    """A published article with payloads everywhere, and a working-copy edit."""
    fields = iter(range(0, 10_000, 5))  # each field starts at other payloads

    def fill(limit, lead=WORD):
        return payload(limit, lead, shift=next(fields) % len(PAYLOADS))

    reporter = UserFactory(
        username="reporter", first_name=fill(150, "Rep"), groups=["Reporters"]
    )
    checker = UserFactory(username="checker", groups=["Fact-checkers"])
    publisher = UserFactory(
        username="publisher", first_name=fill(150, "Pub"), groups=["Publishers"]
    )
    # Every payload in the body, one paragraph each, the textarea one first.
    paragraphs = [f"{WORD} opens the story: {TEXTAREA}"]
    paragraphs += [f"{WORD} {n}: {item}" for n, item in enumerate(PAYLOADS + MARKDOWN)]
    body = "\n\n".join(paragraphs)
    article = ArticleFactory(
        title=fill(300, f"{WORD} title"),
        slug="xss-payloads",
        dek=fill(2000, f"{WORD} dek"),
        body=body,
        byline=fill(300, "By"),
    )
    claimant = Entity.objects.create(
        name=fill(200, f"{WORD} entity"),
        slug="xss-entity",
        kind=Entity.Kind.PERSON,
        aliases="\n".join(PAYLOADS),
        description=fill(300, "Who"),
        url=URLS[0],
    )
    source = Source.objects.create(
        title=fill(300, f"{WORD} source"),
        kind=Source.Kind.NEWS_REPORT,
        publisher=claimant,
        authors="\n".join(PAYLOADS),
        url=URLS[1],
        archive_url=URLS[2],
        published_on=date(2023, 1, 3),
        notes=fill(2000, "Notes"),
    )
    claims = []
    for paragraph in paragraphs[2:6]:
        start = article.body.index(paragraph)
        claim = workflow.tag_claim(
            article,
            user=reporter,
            start=start,
            end=start + len(paragraph),
            claimant=claimant,
            statement=fill(500, "Statement"),
        )
        Citation.objects.create(
            claim=claim,
            source=source,
            relation=Citation.Relation.ORIGIN,
            excerpt=fill(2000, "Excerpt"),
            locator=fill(200, "Page"),
            note=fill(2000, "Note"),
        )
        workflow.rate_claim(
            claim, user=checker, rating="accurate", explanation=fill(2000, "Because")
        )
        claims.append(claim)
    workflow.add_correction(
        article, user=publisher, kind="correction", text=fill(2000, "Corrected")
    )
    workflow.publish(article, user=publisher, note=fill(500, "Note"))
    # A working-copy edit, so that the admin has a difference to show.
    article.refresh_from_db()
    with reversion.create_revision():
        article.body += f"\n\n{fill(2000, 'Added')}\n"
        article.save()
        reversion.set_user(reporter)
        reversion.set_comment(fill(500, "Comment"))
    editing.process_edit(article, old_body=body)
    UserFactory(username="editor", is_superuser=True)
    return {
        "article": article,
        "claims": claims,
        "entity": claimant,
        "source": source,
    }


def test_payloads_run_nowhere_on_public_and_admin_pages(payload_article, new_page):
    article = payload_article["article"]
    claim = payload_article["claims"][0]
    entity, source = payload_article["entity"], payload_article["source"]
    # Without the CSP, so that an injection that got through would run.
    page = new_page(bypass_csp=True)
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(f"{page.url}: {dialog.type} {dialog.message!r}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    injected = []

    def visit(url, *, status=200):
        response = page.goto(url)
        assert response.status == status, url
        injected.extend(f"{url}: {what}" for what in page.evaluate(INJECTED_JS))

    evil = quote(PAYLOADS[0])
    public = [
        "/",
        article.get_absolute_url(),
        f"/articles/{article.slug}/history/",
        entity.get_absolute_url(),
        source.get_absolute_url(),
        f"/search/?q={WORD}",
    ]
    for url in public:
        visit(url)
        expect(page.locator("body")).to_contain_text(WORD)
    # A query that is itself a payload is echoed as text. (Whether it also
    # finds the article depends on the database's parser: PostgreSQL's drops
    # tags from the search vector.)
    visit(f"/search/?q={evil}")
    expect(page.locator("main")).to_contain_text(PAYLOADS[0])
    visit(f"/articles/{evil}/", status=404)
    visit(f"/no-such-page/{evil}", status=404)
    # The reader opens a claim (in place): nothing fires either.
    page.goto(article.get_absolute_url())
    page.locator("a.claim-label").first.click()
    expect(page.locator(".claim-panel")).to_contain_text("Statement")

    login(page, "editor")
    admin = "/admin/articles/article"
    revisions = list(
        Version.objects.get_for_object(article)
        .order_by("pk")
        .values_list("revision_id", flat=True)
    )
    visit("/admin/")
    for url in [
        f"{admin}/",
        f"{admin}/?q={WORD}",
        f"{admin}/?q={evil}",
        f"{admin}/{article.pk}/change/",
        f"{admin}/{article.pk}/history/",
        f"{admin}/{article.pk}/history/compare/?from=live&to=current",
        f"{admin}/{article.pk}/history/compare/?from={revisions[0]}&to={revisions[-1]}",
        f"/admin/articles/claim/{claim.pk}/change/",
        "/admin/articles/claim/",
        "/admin/articles/citation/",
        "/admin/articles/correction/",
        "/admin/articles/publishedversion/",
        f"/admin/articles/publishedversion/{article.live_version_id}/change/",
        "/admin/entities/entity/",
        f"/admin/entities/entity/{entity.pk}/change/",
        "/admin/entities/source/",
        f"/admin/entities/source/{source.pk}/change/",
    ]:
        visit(url)
        expect(page.locator("#content")).to_contain_text(WORD)

    # The tagging view: select the textarea break-out in the body and tag it;
    # the selection is echoed on the page and the claim in the message.
    page.goto(f"{admin}/{article.pk}/change/")
    body = page.locator("#id_body")
    start = body.input_value().index(TEXTAREA)
    select_with_keyboard(page, body, start, start + len(TEXTAREA))
    tag_selected_claim(page, TEXTAREA)
    expect(messages(page)).to_contain_text("</textarea><img src=x")
    injected.extend(page.evaluate(INJECTED_JS))

    assert not dialogs, "Script ran:\n" + "\n".join(dialogs)
    assert not injected, "Markup injected:\n" + "\n".join(injected)
