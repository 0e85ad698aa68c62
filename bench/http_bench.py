"""
HTTP benchmark: public pages beside a static file of the same size.

Starts one gunicorn serving the project, whose whitenoise also serves a static
copy of the demo article page (the ceiling), drives each target with wrk on
loopback, in alternating rounds, and prints requests per second, p50 and p99
latency, and the ratio of each target to the static file.

    .venv/bin/python bench/http_bench.py                  # SQLite, local memory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench \\
        .venv/bin/python bench/http_bench.py              # PostgreSQL
    REDIS_URL=redis://127.0.0.1:6379/1 .venv/bin/python bench/http_bench.py
    NEWSROOM_PAGE_CACHE=off .venv/bin/python bench/http_bench.py   # uncached

The SQLite database (var/bench/bench.sqlite3, or the file DATABASE_URL names)
is made afresh; a PostgreSQL database named in DATABASE_URL is dropped and
created again. The report starts with the date, the machine and the load
average before and after the run.

Options: --duration SECONDS per round (default 8), --rounds N (default 3),
--connections N (default 32), --workers N gunicorn workers (default 2),
--port N (default 8123).
Needs wrk (apt-get install wrk).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import serving  # noqa: E402 - after the project is on the path

PORT = 8123


def prepare_environment() -> dict:
    env = dict(os.environ)
    env.setdefault("SECRET_KEY", "benchmark-only-not-secret")
    env["DEBUG"] = "0"
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    env.setdefault("LOG_LEVEL", "WARNING")
    if not env.get("DATABASE_URL"):
        folder = ROOT / "var" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    if env["DATABASE_URL"].startswith("sqlite:///"):
        database = env["DATABASE_URL"].removeprefix("sqlite:///")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    else:
        _create_postgres_database(env["DATABASE_URL"])
    os.environ.update(env)
    return env


def _create_postgres_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def build_data() -> dict:
    """Migrate, load the demo and a 300-claim article; write the static copy."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    from io import StringIO

    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from bench.fixtures import article_with_claims

    quiet = {"stdout": StringIO(), "stderr": StringIO()}
    call_command("migrate", verbosity=0, **quiet)
    # The static files first: a published page names them.
    call_command("collectstatic", interactive=False, verbosity=0, **quiet)
    call_command("load_demo", **quiet)
    article_with_claims("bench-300-claims", claims=300)
    client = Client(HTTP_HOST="127.0.0.1")
    page = client.get("/articles/openai-and-microsoft-expand-partnership/").content
    static_copy = Path(settings.STATIC_ROOT) / "bench" / "article-copy.html"
    static_copy.parent.mkdir(parents=True, exist_ok=True)
    static_copy.write_bytes(page)
    claims_page = client.get("/articles/bench-300-claims/").content
    return {
        "page_bytes": len(page),
        "claims_page_bytes": len(claims_page),
        "static": "/static/bench/article-copy.html",
    }


def etag_of(base: str, path: str) -> str:
    with urllib.request.urlopen(base + path) as response:  # noqa: S310
        return response.headers.get("ETag", "")


def run_wrk(url: str, *, duration: int, connections: int, header: str = ""):
    command = [
        shutil.which("wrk") or "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "--latency",
    ]
    if header:
        command += ["-H", header]
    output = subprocess.run(  # noqa: S603 - wrk on loopback
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    return {
        "rps": serving.wrk_rate(output),
        "p50": serving.wrk_latency(output, "50%"),
        "p99": serving.wrk_latency(output, "99%"),
        "errors": serving.wrk_non_2xx(output) + serving.wrk_socket_errors(output),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=PORT)
    options = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    env = prepare_environment()
    data = build_data()
    server = serving.start_gunicorn(env, port=options.port, workers=options.workers)
    base = f"http://127.0.0.1:{options.port}"
    load_before = serving.load_average()
    try:
        article = "/articles/openai-and-microsoft-expand-partnership/"
        targets = {
            "static file (ceiling)": (data["static"], ""),
            "demo article": (article, ""),
            "article, 300 claims": ("/articles/bench-300-claims/", ""),
            "home page": ("/", ""),
            "304 conditional": (article, f"If-None-Match: {etag_of(base, article)}"),
        }
        results = {name: [] for name in targets}
        for _ in range(options.rounds):
            for name, (path, header) in targets.items():
                results[name].append(
                    run_wrk(
                        base + path,
                        duration=options.duration,
                        connections=options.connections,
                        header=header,
                    )
                )
                serving.wait_until_idle(options.port)
    finally:
        serving.stop(server)
    report(results, env, data, options, (load_before, serving.load_average()))


def report(results, env, data, options, loads) -> None:
    database = env["DATABASE_URL"].split(":", 1)[0]
    cache = "redis" if env.get("REDIS_URL") else "local memory"
    if env.get("NEWSROOM_PAGE_CACHE", "on").lower() in {"0", "off", "false", "no"}:
        cache += ", page cache off"
    print(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: {serving.machine()}")
    print(f"load average (1, 5, 15 min): {loads[0]} before, {loads[1]} after")
    print(
        f"database: {database}; cache: {cache}; demo article and static copy "
        f"{data['page_bytes']:,} bytes, 300-claim article "
        f"{data['claims_page_bytes']:,} bytes; "
        f"{options.workers} gunicorn workers; wrk -t2 -c{options.connections}, "
        f"{options.rounds} rounds of {options.duration}s (medians); "
        "errors: non-2xx/3xx responses and socket errors (10 s timeout)"
    )
    ceiling = statistics.median(r["rps"] for r in results["static file (ceiling)"])
    print("| target | req/s | p50 ms | p99 ms | vs static | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, runs in results.items():
        rps = statistics.median(r["rps"] for r in runs)
        p50 = statistics.median(r["p50"] for r in runs)
        p99 = statistics.median(r["p99"] for r in runs)
        errors = sum(r["errors"] for r in runs)
        print(
            f"| {name} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | "
            f"{rps / ceiling:.0%} | {errors} |"
        )


if __name__ == "__main__":
    main()
