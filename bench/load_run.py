"""
Load run: the public site under wrk while an editor re-publishes, on PostgreSQL.

Creates a fresh PostgreSQL database ``newsroom_load`` (dropped first), loads
the demo newsroom, starts gunicorn with an access log, and runs wrk on
loopback for 30 s with 64 connections, spread evenly over the demo article,
the home page, a search and the feed. Meanwhile a separate process edits the
article's standfirst and publishes it again (``workflow.publish``) every half
second, so caches are invalidated and pages re-rendered all along. It reports
wrk's figures, its socket errors and non-2xx/3xx responses, the 5xx
responses in gunicorn's access log (by page), and the publishes made, and
exits 1 unless there were no errors and no 5xx.

    .venv/bin/python bench/load_run.py
    .venv/bin/python bench/load_run.py --duration 30 --connections 64 --workers 4
    PG_URL=postgres://postgres@db.example:5432 .venv/bin/python bench/load_run.py

Needs wrk (apt-get install wrk) and a PostgreSQL server (PG_URL, default
postgres://postgres@127.0.0.1:5432). Not part of the test suite.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import serving  # noqa: E402 - after the project is on the path

DATABASE = "newsroom_load"
PORT = 8124
BASE = f"http://127.0.0.1:{PORT}"
SLUG = "openai-and-microsoft-expand-partnership"
TARGETS = {
    "article": f"/articles/{SLUG}/",
    "home": "/",
    "search": "/search/?q=Microsoft+investment",
    "feed": "/feed/",
}
# wrk cycles through the targets, one request each in turn, on every connection.
WRK_SCRIPT = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def environment() -> dict:
    server = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{server}/{DATABASE}",
        SECRET_KEY=env.get("SECRET_KEY") or "load-run-only-not-secret",
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        PYTHONPATH=str(ROOT),
    )
    env.pop("REDIS_URL", None)
    return env


def create_database(env: dict) -> None:
    import psycopg

    server = env["DATABASE_URL"].rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')


def manage(env: dict, *args: str) -> None:
    subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def run_wrk(duration: int, connections: int, threads: int) -> dict:
    paths = ", ".join(f'"{path}"' for path in TARGETS.values())
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % paths)
    command = [
        shutil.which("wrk") or "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        script.name,
        BASE,
    ]
    output = subprocess.run(  # noqa: S603 - wrk on loopback
        command, capture_output=True, text=True, check=True
    ).stdout
    Path(script.name).unlink()
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "command": " ".join(command[:-3] + ["<targets.lua>", BASE]),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "rps": serving.wrk_rate(output),
        "p50_ms": serving.wrk_latency(output, "50%"),
        "p99_ms": serving.wrk_latency(output, "99%"),
        "socket_errors": sum(int(n) for n in socket.groups()) if socket else 0,
        "socket_detail": socket.group(0) if socket else "Socket errors: none",
        "non_2xx_3xx": serving.wrk_non_2xx(output),
        "output": output,
    }


def access_log_statuses(path: Path) -> dict:
    """Status counts by page (the targets), from gunicorn's access log."""
    pages = {path: name for name, path in TARGETS.items()}
    counts = {name: Counter() for name in TARGETS}
    counts["other"] = Counter()
    for line in path.read_text().splitlines():
        status, _method, url = line.split(" ", 2)
        name = next(
            (n for p, n in pages.items() if url == p.split("?")[0]),
            "other",
        )
        counts[name][status] += 1
    return counts


def republish_loop(duration: float, interval: float) -> None:
    """Run in its own process: edit and publish the article every ``interval``."""
    import django

    django.setup()
    import reversion
    from django.contrib.auth import get_user_model

    from articles import workflow
    from articles.models import Article

    publisher = get_user_model().objects.get(username="publisher")
    published, failures = 0, []
    deadline = time.monotonic() + duration
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            article = Article.objects.get(slug=SLUG)
            with reversion.create_revision():
                article.dek = re.sub(r" \(edit \d+\)$", "", article.dek)
                article.dek += f" (edit {published + 1})"
                article.save()
                reversion.set_user(publisher)
                reversion.set_comment("Load run edit")
            workflow.publish(article, user=publisher, note="Load run")
            published += 1
        except Exception as error:  # noqa: BLE001 - counted and reported
            failures.append(repr(error))
        time.sleep(max(0.0, interval - (time.monotonic() - started)))
    print(json.dumps({"published": published, "failures": failures}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=4, help="wrk threads")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--interval", type=float, default=0.5)
    parser.add_argument("--republish-loop", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.republish_loop:
        republish_loop(options.duration, options.interval)
        return
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")

    env = environment()
    create_database(env)
    for command in (["migrate", "--no-input"], ["collectstatic"], ["load_demo"]):
        manage(
            env, *command, *(["--no-input"] if command[0] == "collectstatic" else [])
        )
    access_log = Path(tempfile.mkdtemp()) / "access.log"
    server = serving.start_gunicorn(
        env, port=PORT, workers=options.workers, access_log=access_log
    )
    try:
        for path in TARGETS.values():  # warm up, and check every target answers
            urllib.request.urlopen(BASE + path, timeout=10)  # noqa: S310
        access_log.write_text("")
        loop = subprocess.Popen(  # noqa: S603 - this script
            [
                sys.executable,
                __file__,
                "--republish-loop",
                "--duration",
                str(options.duration),
                "--interval",
                str(options.interval),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        wrk = run_wrk(options.duration, options.connections, options.threads)
        republished = json.loads(
            loop.communicate(timeout=120)[0].strip().splitlines()[-1]
        )
    finally:
        serving.stop(server)
    statuses = access_log_statuses(access_log)
    report(options, wrk, republished, statuses)
    failed = (
        wrk["socket_errors"]
        or wrk["non_2xx_3xx"]
        or republished["failures"]
        or any(s.startswith("5") for c in statuses.values() for s in c)
    )
    sys.exit(1 if failed else 0)


def report(options, wrk, republished, statuses) -> None:
    five = sum(n for c in statuses.values() for s, n in c.items() if s.startswith("5"))
    logged = sum(sum(c.values()) for c in statuses.values())
    print(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: {serving.machine()}")
    print(
        f"gunicorn: {options.workers} sync workers on PostgreSQL ({DATABASE}); "
        f"republish every {options.interval}s"
    )
    print(f"wrk: {wrk['command']}")
    print(
        f"requests: {wrk['requests']:,} ({wrk['rps']:,.0f}/s), "
        f"p50 {wrk['p50_ms']:.1f} ms, p99 {wrk['p99_ms']:.1f} ms"
    )
    print(f"{wrk['socket_detail']}; non-2xx/3xx: {wrk['non_2xx_3xx']}")
    print(f"access log: {logged:,} requests, 5xx: {five}")
    for name, counts in statuses.items():
        if counts:
            detail = ", ".join(f"{s}: {n:,}" for s, n in sorted(counts.items()))
            print(f"  {name}: {detail}")
    print(
        f"republished: {republished['published']} times, "
        f"failures: {len(republished['failures'])}"
    )
    for failure in republished["failures"][:5]:
        print(f"  {failure}")


if __name__ == "__main__":
    main()
