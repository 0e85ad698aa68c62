"""
Benchmark: the worst requests an anonymous reader (or attacker) can make.

    .venv/bin/python bench/worst_requests.py                 # make the data, measure
    .venv/bin/python bench/worst_requests.py --repeat 1 --articles 500

Makes a fresh SQLite database (as in production: WAL, IMMEDIATE), with:

- an archive of 2,000 live articles with 16,000 claims (bulk inserts, as
  ``bench/scale.py`` makes them), for /factchecks.json;
- an article whose second version moves 20,000 short paragraphs that recur
  ("a", "b", "a", ...: what made the old diff quadratic), and one whose
  second version reverses 20,000 distinct paragraphs (the most a diff can
  be asked to find), each published twice through the workflow;
- a 200 KB draft with a claim on every other sentence (about 925),
  shared by a preview link.

Then it asks for each target with Django's test client, each time in a
fresh process (the page cache is empty: the first reader's request), after
two warm-up requests, and prints over ``--repeat`` runs the median
wall-clock and CPU time, then (the page cache emptied, the same requests again
under ``tracemalloc``) the most memory Python held at once during them and
what they left held (the cached pages), with the status and the size of
the answer. The same script, copied into an older tree, measures that
tree: bench/README.md has both.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# name: (what, the requests made in one process)
TARGETS = {
    "history-recurring": (
        "history, 20,000 recurring paragraphs moved",
        ["/articles/bench-recurring/history/"],
    ),
    "history-reversed": (
        "history, 20,000 distinct paragraphs reversed",
        ["/articles/bench-reversed/history/"],
    ),
    "factchecks": ("/factchecks.json (2,000 live articles)", ["/factchecks.json"]),
    "factchecks-30": (
        "/factchecks.json under 30 query strings",
        [f"/factchecks.json?utm_source={n}" for n in range(30)],
    ),
    "search-deep": (
        "/search/?q=company&page=461168601842738792",
        ["/search/?q=company&page=461168601842738792"],
    ),
    "search-last": ("/search/?q=company&page=50", ["/search/?q=company&page=50"]),
    "preview": ("preview of a 200 KB draft, 925 claims", ["PREVIEW"]),
}


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def setup_django(database: Path, static_root: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django
    from django.conf import settings

    django.setup()
    settings.STATIC_ROOT = static_root


# Data ------------------------------------------------------------------------


def make_data(args, workdir: Path) -> dict:
    from django.core.management import call_command
    from django.db import transaction

    from bench import scale

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    rng = random.Random(14)
    writer = scale.Writer(rng)
    with transaction.atomic():
        users = scale.make_users()
        entities = scale.make_entities(rng, 200)
        sources = scale.make_sources(rng, 1000, entities)
    made = 0
    while made < args.articles:
        n = min(1000, args.articles - made)
        claims = scale.distribute(args.claims, args.articles, made, n)
        with transaction.atomic():
            scale.make_articles(rng, writer, made, claims, users, entities, sources, 1)
        made += n
        progress(f"{made:,} live articles")
    recurring = "a\n\nb\n\n" * 10_000
    _two_versions("bench-recurring", recurring, "b\n\na\n\n" * 10_000)
    paragraphs = [f"P{i}." for i in range(20_000)]
    _two_versions(
        "bench-reversed", "\n\n".join(paragraphs), "\n\n".join(paragraphs[::-1])
    )
    progress("the two 20,000-paragraph articles, each published twice")
    token = _preview(rng, writer, entities, sources)
    return {"preview": f"/preview/{token}/"}


def _two_versions(slug: str, first: str, second: str) -> None:
    from articles import workflow
    from articles.models import Article
    from bench.fixtures import bench_users

    _checker, publisher = bench_users()
    article = Article.objects.create(title=slug, slug=slug, body=first)
    workflow.publish(article, user=publisher, note="First")
    article.refresh_from_db()
    article.body = second
    article.save()
    workflow.publish(article, user=publisher, note="Second")


def _preview(rng, writer, entities, sources) -> str:
    """A 200 KB draft with a claim on every other sentence, shared by a link."""
    import reversion
    from django.utils import timezone

    from articles import previews
    from articles.models import Article, Citation, Claim
    from bench import scale
    from bench.fixtures import bench_users

    named = rng.sample(entities, 6)
    body, spans = writer.body(1850, [e.name for e in named])
    article = Article.objects.create(
        title="A long draft", slug="bench-draft", body=body
    )
    claims, citations, now = [], [], timezone.now()
    for start, end in spans[::2]:
        claims.append(
            scale.claim_for(rng, article, start, end, named, sources, citations, now)
        )
    Claim.objects.bulk_create(claims, batch_size=1000)
    for citation in citations:
        citation.claim = citation.claim  # its primary key is known now
    Citation.objects.bulk_create(citations, batch_size=1000)
    with reversion.create_revision():
        article.save()
    _checker, publisher = bench_users()
    _link, token = previews.create_preview(article, user=publisher)
    progress(f"a draft of {len(body):,} characters with {len(claims):,} claims")
    return token


# Measuring ---------------------------------------------------------------------


def measure(paths: list[str]) -> dict:
    """
    Ask for ``paths`` in this process: the time it took, then (the page
    cache emptied, the same requests again, traced) the most memory the
    requests held at once and what they left held (the cached pages).
    """
    import gc
    import tracemalloc

    from django.core.cache import caches
    from django.test import Client

    client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1:8000")
    client.get("/")  # the warm-up: templates, URLs, the connection
    client.get("/articles/archive-0/")
    statuses, size = set(), 0
    started, cpu = time.perf_counter(), time.process_time()
    for path in paths:
        response = client.get(path)
        statuses.add(response.status_code)
        size += len(response.content)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    for cache in caches.all(initialized_only=True):
        cache.clear()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for path in paths:
        client.get(path)
        # The test client's responses refer to themselves; a server's do
        # not, and are freed as soon as they are sent.
        gc.collect()
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "seconds": seconds,
        "cpu": cpu,
        "peak_mb": (peak - before) / 2**20,
        "held_mb": (held - before) / 2**20,
        "statuses": sorted(statuses),
        "bytes": size,
    }


def run_target(name: str, paths: list[str], env: dict, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        done = subprocess.run(  # noqa: S603 - this script, another process
            [sys.executable, __file__, "--measure", json.dumps(paths)],
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
        if done.returncode:
            raise SystemExit(f"{name}: {done.stderr[-2000:]}")
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {
        "seconds": statistics.median(r["seconds"] for r in runs),
        "cpu": statistics.median(r["cpu"] for r in runs),
        "peak_mb": statistics.median(r["peak_mb"] for r in runs),
        "held_mb": statistics.median(r["held_mb"] for r in runs),
        "statuses": runs[0]["statuses"],
        "bytes": runs[0]["bytes"],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--claims", type=int, default=16_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", nargs="*", choices=sorted(TARGETS))
    parser.add_argument("--workdir", help="reuse the data made in this directory")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.measure:
        workdir = Path(os.environ["BENCH_WORKDIR"])
        setup_django(workdir / "bench.sqlite3", workdir / "static")
        print(json.dumps(measure(json.loads(args.measure))))
        return 0

    if args.workdir:
        workdir = Path(args.workdir)
        made = json.loads((workdir / "made.json").read_text())
    else:
        import tempfile

        workdir = Path(tempfile.mkdtemp(prefix="newsroom-worst-"))
        setup_django(workdir / "bench.sqlite3", workdir / "static")
        started = time.perf_counter()
        made = make_data(args, workdir)
        (workdir / "made.json").write_text(json.dumps(made))
        progress(f"data made in {time.perf_counter() - started:.0f} s in {workdir}")
    env = {**os.environ, "BENCH_WORKDIR": str(workdir)}
    print(
        "| target | status | answer | wall s | CPU s | memory peak MB | held after MB |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    for name in args.only or TARGETS:
        what, paths = TARGETS[name]
        paths = [made["preview"] if p == "PREVIEW" else p for p in paths]
        result = run_target(name, paths, env, args.repeat)
        statuses = ", ".join(map(str, result["statuses"]))
        print(
            f"| {what} | {statuses} | {result['bytes'] / 1024:,.0f} KB | "
            f"{result['seconds']:.2f} | {result['cpu']:.2f} | "
            f"{result['peak_mb']:.1f} | {result['held_mb']:.1f} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
