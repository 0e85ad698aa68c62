"""
Benchmark: ``manage.py check_sources --all`` over 1,000 sources served by a
local web server.

    .venv/bin/python bench/check_sources_bench.py [--sources N] [--kb N]

Makes a fresh SQLite database (bench/scratch.py) and media folder, starts a
threaded HTTP server in another process on 127.0.0.1 (the fetcher is allowed
to go there with NEWSROOM_FETCH_ALLOW_HOSTS, as the tests do), serving N
article pages of about ``--kb`` KB each, and adds N sources pointing at them.
Then times three rounds of ``check_sources --all``:

1. first check: every page fetched and captured (WARC written to storage);
2. nothing changed: every page fetched, hashed, and no new capture stored;
3. after the server changes 5% of the texts, 5% of the adverts, removes 3%
   (404) and moves 3% (301): the changed and moved are captured again.

Prints wall-clock and CPU time per round, the peak resident memory of the
process, the captures and the storage used, and the states found.
"""

import argparse
import os
import resource
import sys
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from multiprocessing import Process, Value
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PARAGRAPH = (
    "Officials said the agreement, announced on Tuesday, would extend the "
    "partnership for several years and expand the computing capacity available "
    "to researchers, according to people familiar with the matter. "
)


def page(n: int, kb: int, round_: int) -> tuple[int, bytes, dict]:
    changed = round_ >= 3 and n % 20 == 0
    advert = round_ >= 3 and n % 20 == 1
    if round_ >= 3 and n % 33 == 2:
        return 404, b"not found", {}
    if round_ >= 3 and n % 33 == 3:
        return 301, b"", {"Location": f"/moved/{n}"}
    text = PARAGRAPH * max(1, kb * 1024 // len(PARAGRAPH))
    body = (
        f"<!doctype html><html><head><title>Report {n}</title></head><body>"
        f"<header>Site</header><div class='ad'>Advert {'B' if advert else 'A'}</div>"
        f"<article><h1>Report {n}</h1><p>Updated <time>{time.time()}</time></p>"
        f"<p>{'Revised: ' if changed else ''}{text}</p></article>"
        "<footer>Footer</footer></body></html>"
    ).encode()
    return 200, body, {"Content-Type": "text/html; charset=utf-8"}


def serve(port, kb, round_value, ready):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            parts = self.path.strip("/").split("/")
            n = int(parts[-1]) if parts[-1].isdigit() else 0
            status, body, headers = page(n, kb, round_value.value)
            if parts[0] == "moved":
                status, body, headers = page(n, kb, 1)
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    ready.value = 1
    server.serve_forever()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--kb", type=int, default=20)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    from bench import scratch

    os.environ["NEWSROOM_FETCH_ALLOW_HOSTS"] = "127.0.0.1"
    os.environ["NEWSROOM_FETCH_OBEY_ROBOTS"] = "0"
    os.environ["NEWSROOM_PAGE_CACHE"] = "0"
    workdir = scratch.django_on_scratch_sqlite()
    from django.conf import settings

    settings.MEDIA_ROOT = workdir / "media"

    from django.core.management import call_command

    from entities.models import Source
    from sources.models import Capture

    call_command("migrate", verbosity=0)
    round_value, ready = Value("i", 1), Value("i", 0)
    server = Process(
        target=serve, args=(args.port, args.kb, round_value, ready), daemon=True
    )
    server.start()
    while not ready.value:
        time.sleep(0.05)
    # bulk_create: no capture is enqueued (no worker in this benchmark).
    Source.objects.bulk_create(
        Source(title=f"Report {n}", url=f"http://127.0.0.1:{args.port}/page/{n}")
        for n in range(args.sources)
    )
    print(f"{args.sources} sources, pages of ~{args.kb} KB, SQLite at {workdir}")
    try:
        for round_ in (1, 2, 3):
            round_value.value = round_
            out = StringIO()
            wall, cpu = time.perf_counter(), time.process_time()
            call_command("check_sources", "--all", stdout=out, stderr=StringIO())
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            states = Counter(line.split()[0] for line in out.getvalue().splitlines())
            size = sum(
                p.stat().st_size for p in (workdir / "media").rglob("*") if p.is_file()
            )
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"round {round_}: {wall:6.1f} s wall, {cpu:6.1f} s CPU, "
                f"{args.sources / wall:5.0f} sources/s; captures "
                f"{Capture.objects.count():,}, storage {size / 1e6:.1f} MB; "
                f"peak RSS {peak:.0f} MB; {dict(sorted(states.items()))}"
            )
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
