"""
Cross-site scripting: every author-controlled field, every page, a real browser.

More than a hundred payloads (tests/xss_payloads.py) go into every field an
author controls: an article's title, standfirst, body, byline, claims
(quote, claim reviewed, rating explanation), citations (excerpt, locator,
note), corrections and change notes; an entity's name, aliases, description
and URL; a source's title, authors, URLs and notes; editors' names; the
withdrawn note. Every public page, the feed, the sitemap, /factchecks.json,
the JSON-LD, a preview, and the admin pages editors use (lists, change
pages, history, comparisons, revisions, the tagging form, the recover list)
are then loaded in headless Chromium from the live server's
http://127.0.0.1 origin, and every element gets the events payloads hook
(mouse, focus, keys, load, error, animation, toggle, ...). Nothing may open
a dialog, no element may carry an on* attribute, and no link, form or frame
may point at a javascript: or data: URL.

The browser runs with the Content Security Policy bypassed: CSP is the
second line of defence, and these tests check the first (escaping and
sanitising). The positive control renders the same payloads without escaping
or sanitising, with the same harness, and must see at least 30 of them fire.
"""

import json
import os
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
import reversion
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template import Context, Template
from django.test import Client
from django.urls import NoReverseMatch, reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from reversion.models import Version

from articles import editing, previews, workflow
from articles.models import Article, Citation, Rating
from articles.rendering import ALLOWED_TAGS, markdown_to_html, render_body
from articles.roles import setup_roles
from entities.addresses import url_key
from entities.models import Entity, Source
from tests.factories import UserFactory, fact_checker, publisher, reporter
from tests.xss_payloads import (
    BAD_URLS,
    PAYLOADS,
    URL_FIELD_PAYLOADS,
    bundles,
    control_page,
)

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# The longest text that fits every short field (an entity's name: 200).
BUNDLE_LIMIT = 190
MIN_FIRED_IN_CONTROL = 30


# Without a browser: the renderer, the JSON-LD tag, the URL fields ------------


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs, self.elements = set(), [], []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs.extend((tag, name, value or "") for name, value in attrs)
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def _script_url(value: str) -> bool:
    cleaned = re.sub(r"[\x00-\x20\x7f-\x9f]", "", value).lower()
    return cleaned.startswith(("javascript:", "data:", "vbscript:"))


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: f"payload-{p.number}")
def test_rendered_body_keeps_to_the_allowlist(payload):
    text = f"Acme said {payload.text} yesterday.\n\n{payload.text}"
    start = text.index(payload.text)
    claim = {
        "start": start,
        "end": start + len(payload.text),
        "rating": "accurate",
        "rating_label": "Accurate",
        "anchor_id": "claim-1",
    }
    link = {"start": 0, "end": 4, "href": "/entities/acme/"}
    for html in (markdown_to_html(text), render_body(text, [claim], [link])):
        elements = _Elements()
        elements.feed(html)
        allowed = {"p", "a", "mark", "span", "code", "strong", "em", "br"}
        assert elements.tags <= allowed, html
        for tag, name, value in elements.attrs:
            assert not name.startswith("on"), html
            assert name in _ALLOWED_ATTRIBUTES.get(tag, ()) | {"id"}, html
            if name == "href":
                assert not _script_url(value), html
                assert tag == "a"


# Fragments that Markdown, HTML and URL parsers treat specially, for texts
# that no list of payloads foresaw.
_FRAGMENTS = [
    "<",
    ">",
    "</",
    "/>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "&",
    "&#",
    "&#x",
    ";",
    "&colon;",
    "&lt;",
    '"',
    "'",
    "`",
    "```",
    "=",
    " ",
    "\t",
    "\n",
    "\n\n",
    "*",
    "_",
    "**",
    "[",
    "]",
    "(",
    ")",
    "![",
    "](",
    "]: ",
    "<http://",
    "\\",
    "script",
    "img",
    "svg",
    "iframe",
    "a",
    "style",
    "math",
    "mglyph",
    "title",
    " src=",
    " href=",
    " onerror=",
    " onload=",
    "alert(1)",
    "x",
    "javascript:",
    "JaVaScRiPt:",
    "java\tscript:",
    "data:text/html,",
    "vbscript:",
    "mailto:a@example.org",
    "https://example.org/",
    "http://e.org",
    "//e.org",
    "\u2028",
    "\x00",
    "\ue000",
    "\ue001",
]
_texts = st.lists(st.sampled_from(_FRAGMENTS) | st.text(max_size=4), max_size=40).map(
    "".join
)
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "rel", "class", "aria-label"},
    "abbr": {"title"},
    "mark": {"class", "id", "data-claim"},
    # A claim's note (articles.rendering.claim_note).
    "span": {"class", "data-nosnippet", "aria-hidden"},
}


@given(text=_texts, where=st.tuples(st.floats(0, 1), st.floats(0, 1)))
@settings(max_examples=400, deadline=None)
def test_any_body_renders_to_allowlisted_html(text, where):
    """For all texts, not only the payloads: the sanitiser's rules hold."""
    start, end = sorted(int(f * len(text)) for f in where)
    claim = {
        "start": start,
        "end": max(end, start + 1),
        "rating": "false",
        "rating_label": "False",
        "anchor_id": "claim-1",
    }
    for html in (markdown_to_html(text), render_body(text, [claim])):
        elements = _Elements()
        elements.feed(html)
        assert elements.tags <= ALLOWED_TAGS | {"mark", "span"}, html
        for tag, name, value in elements.attrs:
            assert name in _ALLOWED_ATTRIBUTES.get(tag, ()), (tag, name, html)
            if name == "href":
                assert not _script_url(value), html
                scheme = urlsplit(value.strip()).scheme.lower()
                assert scheme in ("", "http", "https", "mailto"), html
        for tag, attrs in elements.elements:
            if tag == "a" and not (attrs.get("href") or "").startswith("#"):
                assert attrs.get("rel") == "nofollow noopener noreferrer", html


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: f"payload-{p.number}")
def test_jsonld_block_cannot_be_broken_out_of(payload):
    data = [{"headline": payload.text, "nested": {"text": [payload.text]}}]
    html = Template("{% load newsroom %}{% jsonld data %}").render(
        Context({"data": data})
    )
    body = html.removeprefix('<script type="application/ld+json">')
    body = body.removesuffix("</script>")
    assert "<" not in body and ">" not in body
    assert json.loads(body) == data


@pytest.mark.django_db
@pytest.mark.parametrize("url", BAD_URLS)
def test_url_fields_accept_only_http_and_https(url):
    entity = Entity(name="Acme", slug="acme", url=url)
    with pytest.raises(ValidationError) as refused:
        entity.full_clean()
    assert "url" in refused.value.message_dict
    source = Source(title="A report", url=url, archive_url=url)
    with pytest.raises(ValidationError) as refused:
        source.full_clean()
    assert {"url", "archive_url"} <= set(refused.value.message_dict)


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["url", "archive_url"])
def test_database_refuses_script_urls_that_skip_validation(field):
    with pytest.raises(IntegrityError), transaction.atomic():
        Source.objects.create(title="A report", **{field: "javascript:alert(1)"})
    with pytest.raises(IntegrityError), transaction.atomic():
        Entity.objects.create(name="Acme", slug="acme", url="data:text/html,x")


@pytest.mark.django_db
@pytest.mark.parametrize("payload", URL_FIELD_PAYLOADS, ids=lambda p: str(p.number))
def test_url_field_payloads_are_valid_urls(payload):
    """The http(s) payloads that break out of an attribute pass validation:
    escaping, not validation, is what stops them."""
    Source(title="A report", url=payload.text, archive_url=payload.text).full_clean()


# The browser ---------------------------------------------------------------------


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        message = f"Chromium is not installed at {CHROMIUM}"
        if _in_ci():
            pytest.fail(f"{message}: CI must run the XSS suite.", pytrace=False)
        pytest.skip(f"{message}; install it with: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        # Playwright's synchronous API keeps an event loop in this thread;
        # the tests' own ORM calls are synchronous and safe.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
            )
            yield browser
            browser.close()


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    """A live server on 127.0.0.1; whitenoise serves the collected static files."""
    from pytest_django.live_server_helper import LiveServer

    from tests.live_gate import Gate, in_memory_database

    with django_db_blocker.unblock():
        live = LiveServer("127.0.0.1", start=False)
        gate = Gate(serial=in_memory_database())
    live.thread.static_handler = gate.wrap
    live.start()
    assert live.url.startswith("http://127.0.0.1:")
    yield live
    gate.shut()
    live.stop()


# Every element gets the events that payloads hook. Clicks and submits are
# cancelled (so a link does not take the page away) unless ``navigate``: the
# control lets javascript: links and form actions run.
_FIRE_EVENTS = """async (navigate) => {
  // Nothing the page starts may take it elsewhere (javascript: URLs are
  // not navigations: they still run).
  if (window.navigation) {
    navigation.addEventListener("navigate", (event) => {
      if (event.cancelable) event.preventDefault();
    });
  }
  const cancel = (event) => {
    const target = event.target.closest && event.target.closest("a, area, form");
    const url = target && (target.href || target.action || "");
    if (!navigate || !String(url).match(/^javascript:/i)) event.preventDefault();
  };
  document.addEventListener("click", cancel, true);
  document.addEventListener("submit", cancel, true);
  const kinds = {
    mouse: ["click", "mousedown", "mouseover", "mouseenter"],
    pointer: ["pointerover"],
    focus: ["focus", "focusin", "blur"],
    key: ["keydown"],
    animation: ["animationstart", "animationend"],
    transition: ["transitionend"],
    plain: ["load", "error", "input", "change", "toggle", "begin", "pageshow"],
  };
  const make = (kind, type) => {
    const init = {bubbles: true, cancelable: true, composed: true};
    if (kind === "mouse") return new MouseEvent(type, init);
    if (kind === "pointer") return new PointerEvent(type, init);
    if (kind === "focus") return new FocusEvent(type, init);
    if (kind === "key") return new KeyboardEvent(type, {...init, key: "a"});
    if (kind === "animation") {
      return new AnimationEvent(type, {...init, animationName: "x"});
    }
    if (kind === "transition") {
      return new TransitionEvent(type, {...init, propertyName: "x"});
    }
    return new Event(type, init);
  };
  for (const element of Array.from(document.querySelectorAll("*"))) {
    for (const [kind, types] of Object.entries(kinds)) {
      for (const type of types) {
        try { element.dispatchEvent(make(kind, type)); } catch (error) {}
      }
    }
    try { if (element.focus) element.focus(); } catch (error) {}
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
}"""

# What must not be on a page, and its JSON-LD as the browser parses it.
_INSPECT = """() => {
  const problems = [];
  const controls = /[\\u0000-\\u0020\\u007f-\\u009f]/g;
  const scriptUrl = (value) =>
    /^(javascript|data|vbscript):/i.test(String(value || "").replace(controls, ""));
  const where = (element) => "<" + element.localName + ">";
  const urlAttributes = [
    "href", "src", "action", "formaction", "data", "xlink:href", "poster",
    "background", "srcset", "codebase", "dynsrc", "lowsrc",
  ];
  const show = (value) => JSON.stringify(String(value).slice(0, 80));
  for (const element of document.querySelectorAll("*")) {
    for (const name of element.getAttributeNames()) {
      const value = element.getAttribute(name);
      if (/^on/i.test(name)) {
        problems.push(where(element) + " has " + name + "=" + show(value));
      }
      if (name.toLowerCase() === "srcdoc") {
        problems.push(where(element) + " has srcdoc");
      }
      if (urlAttributes.includes(name.toLowerCase()) && scriptUrl(value)
          && !(element.localName === "img" && /^data:image\\//i.test(value))) {
        problems.push(where(element) + " " + name + "=" + show(value));
      }
    }
  }
  for (const link of document.querySelectorAll("a[href], area[href]")) {
    if (["javascript:", "data:", "vbscript:"].includes(link.protocol)) {
      problems.push(where(link) + " resolves to " + link.protocol);
    }
  }
  for (const form of document.querySelectorAll("form")) {
    if (scriptUrl(form.getAttribute("action"))) {
      problems.push("<form> action " + form.action);
    }
  }
  const frames = ["iframe", "frame", "frameset", "object", "embed", "applet", "base"];
  for (const tag of frames) {
    if (document.querySelector(tag)) problems.push("a <" + tag + "> element");
  }
  for (const meta of document.querySelectorAll("meta[http-equiv]")) {
    if (/refresh/i.test(meta.httpEquiv)) problems.push("a <meta http-equiv=refresh>");
  }
  for (const script of document.querySelectorAll("script")) {
    if (script.src) {
      if (new URL(script.src, location.href).origin !== location.origin) {
        problems.push("a script from " + script.src);
      }
    } else if (!/json/i.test(script.type) && !script.nonce) {
      problems.push("an inline script: " + show(script.textContent));
    }
  }
  const jsonld = [];
  const blocks = document.querySelectorAll('script[type="application/ld+json"]');
  for (const script of blocks) {
    try { jsonld.push(JSON.parse(script.textContent)); }
    catch (error) { problems.push("JSON-LD that does not parse: " + error); }
  }
  return {problems, jsonld, title: document.title,
          h1: (document.querySelector("h1") || {}).textContent || null,
          title_field: (document.querySelector("#id_title") || {}).value || null,
          name_field: (document.querySelector("#id_name") || {}).value || null};
}"""


_FILES = {"stylesheet", "script", "image", "font", "media"}


class Audit:
    """One browser tab that loads pages, provokes them and reports problems."""

    def __init__(self, browser, origin, session=None):
        self.origin = origin
        self.context = browser.new_context(bypass_csp=True, base_url=origin)
        self.context.set_default_timeout(30_000)
        # The admin opens related-object popups when its links are clicked:
        # they would only slow the crawl (dialogs are what is watched).
        self.context.add_init_script("window.open = () => null;")
        if session:
            self.context.add_cookies(
                [{"name": "sessionid", "value": session, "url": origin}]
            )
        self.page = self.context.new_page()
        self.dialogs = []
        self.page.on("dialog", self._dialog)
        self.loading = False
        self.page.route("**/*", self._route)
        self.problems = {}
        self.visited = []

    def _route(self, route):
        # Once the page is loaded, only files (styles, scripts, images) load:
        # no navigation, form post or XHR. The admin's autocomplete would
        # otherwise query the live server while it answers another request,
        # and its in-memory test database takes one request at a time.
        if self.loading or route.request.resource_type in _FILES:
            route.fallback()
        else:
            route.abort()

    def _dialog(self, dialog):
        self.dialogs.append((self.page.url, dialog.type, dialog.message))
        dialog.dismiss()

    def visit(self, path: str, *, navigate: bool = False, status=200) -> dict:
        self.loading = True
        try:
            response = self.page.goto(self.origin + path, wait_until="load")
        finally:
            self.loading = False
        assert response is not None
        assert response.status == status, f"{path}: {response.status}"
        self.page.evaluate(_FIRE_EVENTS, navigate)
        found = self.page.evaluate(_INSPECT)
        if self.page.url != self.origin + path:
            found["problems"].append(f"the page went to {self.page.url}")
        if found["problems"]:
            self.problems[path] = found["problems"]
        self.visited.append(path)
        return found

    def close(self):
        self.context.close()


def _fired(dialogs) -> set[int]:
    numbers = set()
    for _url, _kind, message in dialogs:
        if message.strip().isdigit():
            numbers.add(int(message))
    return numbers


@pytest.mark.browser
def test_positive_control_raw_payloads_fire_in_the_harness(chromium, server):
    """Rendered raw, the payloads must fire: the harness sees an XSS."""
    audit = Audit(chromium, server.url)
    path = "/__xss-control__/"
    audit.page.route(
        server.url + path,
        lambda route: route.fulfill(
            status=200, content_type="text/html", body=control_page()
        ),
    )
    try:
        found = audit.visit(path, navigate=True)
        assert audit.page.url == server.url + path, "the control navigated away"
    finally:
        audit.close()
    fired = _fired(audit.dialogs)
    assert len(fired) >= MIN_FIRED_IN_CONTROL, (
        f"only {len(fired)} of {len(PAYLOADS)} payloads fired when rendered raw: "
        f"{sorted(fired)}; the harness cannot be trusted"
    )
    # The inspection would have caught them too.
    assert len(found["problems"]) >= MIN_FIRED_IN_CONTROL


# A newsroom made of payloads -------------------------------------------------------


def _texts(bundle: str) -> list[str]:
    return [p.text for p in PAYLOADS if p.text in bundle]


def _revised(obj, user, comment):
    with reversion.create_revision():
        obj.full_clean()
        obj.save()
        reversion.set_user(user)
        reversion.set_comment(comment)


def build_newsroom() -> dict:
    """
    Published articles, entities and sources whose every field is a payload.

    Payloads are grouped into texts as long as each field allows: an article
    (and its source) per text of up to 290 characters, which fits its title,
    byline and the claim reviewed; an entity per text of up to 190, which
    fits its name and a citation's locator. The long fields (body, standfirst,
    explanations, excerpts, notes, corrections) hold their article's texts,
    one payload a paragraph. Each entity is the claimant of a claim, so its
    name reaches the article pages.
    """
    setup_roles()
    short = [p.text for p in PAYLOADS if len(p.text) <= 70]
    people = {
        "rita": reporter(username="rita", first_name=short[0], last_name=short[1]),
        "fiona": fact_checker(
            username="fiona", first_name=short[2], last_name=short[3]
        ),
        "paula": publisher(username="paula", first_name=short[4], last_name=short[5]),
        "boss": UserFactory(
            username="boss", is_superuser=True, first_name=short[6], last_name=short[7]
        ),
    }
    rita, fiona, paula = people["rita"], people["fiona"], people["paula"]
    wide, narrow = bundles(290), bundles(BUNDLE_LIMIT)
    urls = [p.text for p in URL_FIELD_PAYLOADS]

    entities = []
    for j, text in enumerate(narrow):
        entity = Entity(
            name=text,
            slug=f"xss-entity-{j}",
            aliases="\n".join(_texts(text)),
            description=text,
            url=urls[j % len(urls)],
        )
        _revised(entity, rita, text)
        entities.append(entity)
    sources, articles, used = [], [], set()
    for i, text in enumerate(wide):
        # One source per address: each payload once as an address, then
        # plain ones (the archive addresses and the entities' carry them too).
        url = urls[i % len(urls)]
        if url_key(url) in used:
            url = f"https://example.org/xss-source-{i}"
        used.add(url_key(url))
        source = Source(
            title=text,
            kind=Source.Kind.NEWS_REPORT,
            publisher=entities[i],
            authors="\n".join(_texts(text)),
            url=url,
            archive_url=urls[(i + 1) % len(urls)],
            published_on=date(2023, 1, 23),
            notes="\n\n".join(_texts(text)),
        )
        _revised(source, rita, text)
        sources.append(source)
        article = Article(title=f"Plain draft {i}", slug=f"xss-{i}", body="Plain.")
        _revised(article, rita, "First draft")
        mine = [j for j in range(len(narrow)) if j % len(wide) == i]
        quotes = [text] + [narrow[j] for j in mine[1:]]
        article.title = article.byline = text
        paragraphs = "\n\n".join(_texts(text))
        article.dek = text
        article.body = "\n\n".join([*quotes, "Acme reported results.", paragraphs])
        _revised(article, rita, text)
        article.authors.set([rita])
        editing.process_edit(article)
        for quote, j in zip(quotes, mine, strict=True):
            start = article.body.index(quote)
            claim = workflow.tag_claim(
                article,
                user=rita,
                start=start,
                end=start + len(quote),
                statement=quote,
                claimant=entities[j],
            )
            with reversion.create_revision():
                Citation.objects.create(
                    claim=claim,
                    source=source,
                    relation=Citation.Relation.ORIGIN,
                    excerpt=paragraphs,
                    locator=narrow[j],
                    note=text,
                )
                reversion.add_to_revision(article)
                reversion.set_user(rita)
            workflow.rate_claim(
                claim, user=fiona, rating=Rating.ACCURATE, explanation=paragraphs
            )
        workflow.add_correction(article, user=paula, kind="correction", text=paragraphs)
        workflow.publish(article, user=paula, note=text)
        articles.append(article)

    withdrawn = articles[-1]
    workflow.unpublish(withdrawn, user=paula, note=wide[0])
    gone = Article(title=wide[1], slug="xss-deleted", body=wide[1])
    _revised(gone, rita, wide[1])
    gone.delete()
    link, _token = previews.create_preview(articles[0], user=rita, note=short[8])
    return {
        "people": people,
        "wide": wide,
        "narrow": narrow,
        "articles": articles,
        "live": articles[:-1],
        "withdrawn": withdrawn,
        "entities": entities,
        "sources": sources,
        "preview": previews.preview_url(link),
    }


def _one_line(text: str) -> str:
    """What an <input>'s value keeps of a text: browsers drop line breaks."""
    return text.replace("\r", "").replace("\n", "")


def _optional(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _report(audit) -> str:
    lines = [
        f"{url}: {problem}" for url, ps in audit.problems.items() for problem in ps
    ]
    lines += [
        f"dialog on {url}: {kind}({message})" for url, kind, message in audit.dialogs
    ]
    return "\n".join(lines[:80])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_public_pages_feed_and_data_are_safe_in_chromium(chromium, server):
    made = build_newsroom()
    audit = Audit(chromium, server.url)
    try:
        home = audit.visit("/")
        assert home["h1"]
        for article in made["live"]:
            version = Article.objects.get(pk=article.pk).live_version
            found = audit.visit(article.get_absolute_url())
            # The text is all there, as text: escaped, not dropped.
            assert found["h1"] == article.title
            assert found["jsonld"] == [json.loads(json.dumps(version.jsonld))]
            audit.visit(reverse("articles:history", args=[article.slug]))
        audit.visit(made["withdrawn"].get_absolute_url(), status=410)
        for entity in made["entities"]:
            assert audit.visit(entity.get_absolute_url())["h1"] == entity.name
        for source in made["sources"]:
            assert audit.visit(source.get_absolute_url())["h1"] == source.title
        for text in made["wide"][::3]:
            audit.visit("/search/?" + _query(text))
        audit.visit("/search/?q=Acme+reported+results")
        # Past the last page of results: a 404 that names the search.
        audit.visit("/search/?q=Acme+reported+results&page=2", status=404)
        audit.visit(made["preview"])
        for path in ("/feed/", "/sitemap.xml", "/robots.txt"):
            audit.visit(path)
        factchecks = _optional("factchecks")
        if factchecks:
            audit.visit(factchecks)
    finally:
        audit.close()
    assert not audit.dialogs and not audit.problems, _report(audit)
    _check_feeds(made)


def _query(text: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"q": text})


def _check_feeds(made):
    """The feed and the data feeds carry the payloads as data, exactly."""
    client = Client()
    feed = client.get("/feed/")
    titles = {
        item.findtext("title")
        # Our own server's XML, in a test.
        for item in ElementTree.fromstring(feed.content).iter("item")  # noqa: S314
    }
    assert titles == {a.title for a in made["live"]}
    ElementTree.fromstring(client.get("/sitemap.xml").content)  # noqa: S314
    factchecks = _optional("factchecks")
    if factchecks:
        response = client.get(factchecks)
        assert response["Content-Type"].startswith("application/json")
        assert response["X-Content-Type-Options"] == "nosniff"
        reviewed = {item["claimReviewed"] for item in _claimreviews(response.json())}
        assert {a.title for a in made["live"]} <= reviewed


def _claimreviews(data):
    if isinstance(data, dict):
        if data.get("@type") == "ClaimReview":
            yield data
        for value in data.values():
            yield from _claimreviews(value)
    elif isinstance(data, list):
        for value in data:
            yield from _claimreviews(value)


def _admin_audit(chromium, server, made) -> Audit:
    editor = Client()
    editor.force_login(made["people"]["boss"])
    return Audit(chromium, server.url, session=editor.cookies["sessionid"].value)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_article_pages_are_safe_in_chromium(chromium, server):
    """Change pages (the tagging view too), history, comparisons, revisions."""
    made = build_newsroom()
    audit = _admin_audit(chromium, server, made)
    try:
        for article in made["articles"]:
            first = Version.objects.get_for_object(article).last()
            # The change page is also the tagging view: select, "Tag claim".
            page = audit.visit(
                reverse("admin:articles_article_change", args=[article.pk])
            )
            assert page["title_field"] == _one_line(article.title)
            audit.visit(reverse("admin:articles_article_history", args=[article.pk]))
            audit.visit(
                reverse("admin:articles_article_compare", args=[article.pk])
                + f"?from={first.revision_id}&to=current"
            )
            audit.visit(
                reverse("admin:articles_article_revision", args=[article.pk, first.pk])
            )
            for claim in article.claims.all():
                audit.visit(reverse("admin:articles_claim_change", args=[claim.pk]))
        live = made["live"][0]
        audit.visit(
            reverse("admin:articles_article_compare", args=[live.pk])
            + "?from=live&to=current"
        )
    finally:
        audit.close()
    assert not audit.dialogs and not audit.problems, _report(audit)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_lists_entities_and_sources_are_safe_in_chromium(chromium, server):
    made = build_newsroom()
    audit = _admin_audit(chromium, server, made)
    try:
        for model in (
            "articles_article",
            "articles_claim",
            "articles_citation",
            "articles_correction",
            "articles_publishedversion",
            "articles_mention",
            "entities_entity",
            "entities_source",
            "auth_user",
        ):
            audit.visit(reverse(f"admin:{model}_changelist"))
        audit.visit(
            reverse("admin:articles_article_changelist") + "?" + _query(made["wide"][2])
        )
        audit.visit(reverse("admin:articles_article_recoverlist"))
        for user in made["people"].values():
            audit.visit(reverse("admin:auth_user_change", args=[user.pk]))
        version = Article.objects.get(pk=made["live"][0].pk).live_version
        audit.visit(
            reverse("admin:articles_publishedversion_change", args=[version.pk])
        )
        for entity in made["entities"]:
            page = audit.visit(
                reverse("admin:entities_entity_change", args=[entity.pk])
            )
            assert page["name_field"] == _one_line(entity.name)
        for source in made["sources"]:
            audit.visit(reverse("admin:entities_source_change", args=[source.pk]))
        entity = made["entities"][0]
        audit.visit(reverse("admin:entities_entity_history", args=[entity.pk]))
        entity_version = Version.objects.get_for_object(entity).first()
        audit.visit(
            reverse(
                "admin:entities_entity_revision", args=[entity.pk, entity_version.pk]
            )
        )
    finally:
        audit.close()
    assert not audit.dialogs and not audit.problems, _report(audit)
