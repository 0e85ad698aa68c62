"""
What the browser tests do the way people do it: log in through the form,
select words with the keyboard or the mouse, press buttons, check a page with
axe-core, take screenshots.
"""

from pathlib import Path

from django.conf import settings
from playwright.sync_api import Locator, Page, expect

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
PASSWORD = "correct horse battery"  # tests.factories.UserFactory's
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}

# Where a character of a textarea is drawn: a hidden copy of the textarea's
# text, wrapped the same way, measured up to that character.
_CARET_JS = """(el, offset) => {
  const style = getComputedStyle(el);
  const copy = document.createElement("div");
  copy.style.font = style.font;
  copy.style.letterSpacing = style.letterSpacing;
  copy.style.whiteSpace = "pre-wrap";
  copy.style.overflowWrap = "break-word";
  copy.style.width = (el.clientWidth - parseFloat(style.paddingLeft)
    - parseFloat(style.paddingRight)) + "px";
  copy.style.position = "absolute";
  copy.style.top = "0";
  copy.style.left = "0";
  copy.style.visibility = "hidden";
  copy.textContent = el.value.slice(0, offset);
  const marker = document.createElement("span");
  marker.textContent = el.value.slice(offset, offset + 1) || ".";
  copy.appendChild(marker);
  document.body.appendChild(copy);
  const at = marker.getBoundingClientRect(), origin = copy.getBoundingClientRect();
  copy.remove();
  return {
    x: at.left - origin.left + parseFloat(style.paddingLeft)
      + parseFloat(style.borderLeftWidth),
    y: at.top - origin.top + parseFloat(style.paddingTop)
      + parseFloat(style.borderTopWidth) - el.scrollTop,
    height: at.height,
  };
}"""


def login(page: Page, username: str, password: str = PASSWORD) -> None:
    """Log in through the admin's login form, as a person does."""
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#user-tools")).to_contain_text("Log out", ignore_case=True)


def messages(page: Page) -> Locator:
    """The admin's message list (success, warning and error messages)."""
    return page.locator("ul.messagelist")


def selection(body: Locator) -> str:
    return body.evaluate("el => el.value.slice(el.selectionStart, el.selectionEnd)")


def select_with_keyboard(page: Page, body: Locator, start: int, end: int) -> None:
    """
    Select ``body``'s text from ``start`` to ``end`` with the keyboard only:
    Ctrl+Home, Ctrl+Down from line to line, then Ctrl+Right from word to word
    and the arrows for the rest; the same with Shift to select.
    """
    value = body.input_value()
    body.press("Control+Home")
    caret = 0
    while True:
        # Ctrl+Down moves to the start of the next line after a line break.
        following = value.find("\n", caret) + 1
        if not following or following > start:
            break
        page.keyboard.press("Control+ArrowDown")
        caret = body.evaluate("el => el.selectionStart")
        assert caret == following, (caret, following)
    _move(page, body, caret, start, shift="")
    _move(page, body, start, end, shift="Shift+")
    assert selection(body) == value[start:end]


def _move(page: Page, body: Locator, caret: int, target: int, *, shift: str):
    """Move the caret (with Shift: the selection's end) from ``caret`` to ``target``."""
    while target - caret > 12:
        page.keyboard.press(f"Control+{shift}ArrowRight")  # to the next word's end
        caret = body.evaluate("el => el.selectionEnd")
    for _ in range(caret - target):
        page.keyboard.press(f"{shift}ArrowLeft")
    for _ in range(target - caret):
        page.keyboard.press(f"{shift}ArrowRight")


def select_with_mouse(page: Page, body: Locator, start: int, end: int) -> None:
    """Select ``body``'s text from ``start`` to ``end`` by dragging the mouse."""
    # Editors drag the textarea's corner to see the whole text; do the same,
    # so no scrolling inside the box moves the words under the pointer.
    body.evaluate("el => { el.style.height = el.scrollHeight + 'px'; }")
    first = body.evaluate(_CARET_JS, start)
    top = body.bounding_box()["y"] + first["y"]
    page.evaluate("y => window.scrollBy(0, y)", top - 200)
    box = body.bounding_box()
    first = body.evaluate(_CARET_JS, start)
    last = body.evaluate(_CARET_JS, end)
    half = first["height"] / 2
    page.mouse.move(box["x"] + first["x"] + 0.5, box["y"] + first["y"] + half)
    page.mouse.down()
    page.mouse.move(box["x"] + last["x"] + 0.5, box["y"] + last["y"] + half, steps=5)
    page.mouse.up()
    assert selection(body) == body.input_value()[start:end]


def tag_selected_claim(page: Page, quote: str) -> None:
    """Press "Tag claim" for the selected words and check they were tagged."""
    expect(page.locator(".newsroom-tagger")).to_contain_text("Selected: “" + quote[:40])
    page.get_by_role("button", name="Tag claim").click()
    expect(messages(page)).to_contain_text("Tagged claim")


def claim_row(page: Page, quote: str) -> Locator:
    """The row of the article's claims table whose quote is ``quote``."""
    return page.locator("#claims-group tr.form-row.has_original").filter(
        has=page.locator("textarea[name$='-quote']", has_text=quote)
    )


def choose_autocomplete(page: Page, container: Locator, typed: str, option: str):
    """Pick ``option`` in an admin autocomplete (select2) box by typing."""
    container.locator(".select2-selection").click()
    search = page.locator(".select2-container--open .select2-search__field")
    search.fill(typed)
    page.locator(".select2-results__option", has_text=option).first.click()
    expect(container.locator(".select2-selection__rendered")).to_contain_text(option)


def axe_violations(page: Page, impacts=("serious", "critical")) -> list[str]:
    """axe-core's violations on the page, of these impacts, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page).response
    return [
        f"{page.url} {v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in results["violations"]
        if v["impact"] in impacts
    ]


def screenshot(page: Page, name: str, *, full_page: bool = False) -> Path:
    """Save a PNG of the page in var/screenshots/ (CI keeps the folder)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    return path


def show_claims_in_text(page: Page) -> Locator:
    """Switch the body editor to its text with the claims marked; return it."""
    page.get_by_role("button", name="Claims in the text").click()
    text = page.locator("#newsroom-text")
    expect(text).to_be_visible()
    return text
