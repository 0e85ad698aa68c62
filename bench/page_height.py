"""
The height of a public page in Chromium at a phone's and a desktop's width.

    .venv/bin/python bench/page_height.py URL [--widths 375,1280] [--no-js]

Loads URL in Debian's Chromium (through Playwright, as the browser tests
do) at each width and prints the document's height in CSS pixels: how far a
reader scrolls to get through the page; with ``--no-js``, as a browser
without JavaScript shows it. Serve the demo newsroom first (``make run``,
or gunicorn on the port of URL).
"""

import argparse
import sys
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")


def heights(url: str, widths: list[int], *, script: bool = True) -> dict[int, int]:
    """The page's scroll height at each width."""
    from playwright.sync_api import sync_playwright

    found = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        for width in widths:
            page = browser.new_page(
                viewport={"width": width, "height": 900}, java_script_enabled=script
            )
            response = page.goto(url, wait_until="load")
            if response is None or response.status != 200:
                raise SystemExit(f"{url} answered {response and response.status}")
            found[width] = page.evaluate("document.documentElement.scrollHeight")
            page.close()
        browser.close()
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--widths", default="375,1280")
    parser.add_argument("--no-js", action="store_true", help="JavaScript off")
    options = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"Chromium is not installed at {CHROMIUM}", file=sys.stderr)
        return 1
    widths = [int(w) for w in options.widths.split(",")]
    found = heights(options.url, widths, script=not options.no_js)
    for width, height in found.items():
        print(f"{width} px wide: {height:,} px tall")
    return 0


if __name__ == "__main__":
    sys.exit(main())
