"""
HTTP benchmark: public pages beside a static file of the same size, on
PostgreSQL and SQLite, with the page cache on and off, with 2 and 4 gunicorn
workers, in one invocation.

For each database the script makes a fresh database, loads the demo newsroom
and writes a static copy of the demo article's page (the ceiling, served by
whitenoise under the same gunicorn). For each configuration (database, page
cache, workers) it starts gunicorn, drives each target with wrk on loopback
in alternating rounds, and reports requests per second, p50 and p99
latency, the ratio to the static file, and the CPU time per request of the
server: gunicorn's processes, and the PostgreSQL backends serving the
benchmark's database (CPU per request is the steadiest figure on a noisy
machine).

    .venv/bin/python bench/http_bench.py
    .venv/bin/python bench/http_bench.py --databases sqlite --workers 2 \\
        --caches on --duration 8 --rounds 3

The PostgreSQL database (``--postgres``, by default
postgres://postgres@127.0.0.1:5432/newsroom_bench) is dropped and created
again; the SQLite one is var/bench/bench.sqlite3, made afresh. REDIS_URL in
the environment applies to every configuration. The report starts with the
date, the machine, and the load average before and after each
configuration.

Options: --databases (postgres,sqlite), --caches (on,off), --workers (2,4),
--duration SECONDS per run (default 5), --rounds N (default 3),
--connections N (default 32), --port N (default 8123), --targets (static,
article,home,304; "claims" adds the 300-claim article).
Needs wrk (apt-get install wrk).
"""

import argparse
import json
import os
import re
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
POSTGRES = "postgres://postgres@127.0.0.1:5432/newsroom_bench"
SQLITE = f"sqlite:///{ROOT / 'var' / 'bench' / 'bench.sqlite3'}"
ARTICLE = "/articles/openai-and-microsoft-expand-partnership/"
TARGETS = {
    "static": "static file (ceiling)",
    "article": "demo article",
    "claims": "article, 300 claims",
    "home": "home page",
    "304": "304 conditional",
}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def base_environment(database_url: str) -> dict:
    env = dict(os.environ)
    env.setdefault("SECRET_KEY", "benchmark-only-not-secret")
    env["DEBUG"] = "0"
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    env.setdefault("LOG_LEVEL", "WARNING")
    env["DATABASE_URL"] = database_url
    env.pop("NEWSROOM_PAGE_CACHE", None)
    return env


def fresh_database(url: str) -> None:
    if url.startswith("sqlite:///"):
        database = url.removeprefix("sqlite:///")
        Path(database).parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def build_data() -> dict:
    """
    (In a process of its own, for one database.) Migrate, load the demo and
    a 300-claim article; write the static copy; print what was made.
    """
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
    page = client.get(ARTICLE).content
    static_copy = Path(settings.STATIC_ROOT) / "bench" / "article-copy.html"
    static_copy.parent.mkdir(parents=True, exist_ok=True)
    static_copy.write_bytes(page)
    claims_page = client.get("/articles/bench-300-claims/").content
    return {
        "page_bytes": len(page),
        "claims_page_bytes": len(claims_page),
        "static": "/static/bench/article-copy.html",
    }


def prepare(url: str) -> dict:
    fresh_database(url)
    output = subprocess.run(  # noqa: S603 - this script
        [sys.executable, __file__, "--build-data"],
        env=base_environment(url),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def etag_of(base: str, path: str) -> str:
    with urllib.request.urlopen(base + path) as response:  # noqa: S310
        return response.headers.get("ETag", "")


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


class CpuMeter:
    """CPU time of gunicorn (master and workers) and of the database's backends."""

    def __init__(self, server: subprocess.Popen, database_url: str):
        self.server = server
        self.database_url = database_url

    def _backends(self) -> list[int]:
        if self.database_url.startswith("sqlite"):
            return []
        import psycopg

        name = self.database_url.rsplit("/", 1)[1]
        with psycopg.connect(self.database_url, autocommit=True) as connection:
            rows = connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s "
                "AND pid <> pg_backend_pid()",
                [name],
            ).fetchall()
        return [row[0] for row in rows]

    def sample(self) -> dict:
        app = [self.server.pid, *_children(self.server.pid)]
        return {
            "app": {pid: _cpu_seconds(pid) for pid in app},
            "db": {pid: _cpu_seconds(pid) for pid in self._backends()},
        }

    @staticmethod
    def spent(before: dict, after: dict) -> dict:
        return {
            part: sum(
                max(0.0, cpu - before[part].get(pid, 0.0))
                for pid, cpu in after[part].items()
            )
            for part in ("app", "db")
        }


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
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "p50": serving.wrk_latency(output, "50%"),
        "p99": serving.wrk_latency(output, "99%"),
        "errors": serving.wrk_non_2xx(output) + serving.wrk_socket_errors(output),
    }


def run_configuration(url, cache, workers, data, options) -> dict:
    env = base_environment(url)
    env["NEWSROOM_PAGE_CACHE"] = cache
    load_before = serving.load_average()
    started = datetime.now(UTC)
    server = serving.start_gunicorn(env, port=options.port, workers=workers)
    base = f"http://127.0.0.1:{options.port}"
    meter = CpuMeter(server, url)
    try:
        paths = {
            "static": (data["static"], ""),
            "article": (ARTICLE, ""),
            "claims": ("/articles/bench-300-claims/", ""),
            "home": ("/", ""),
            "304": (ARTICLE, f"If-None-Match: {etag_of(base, ARTICLE)}"),
        }
        chosen = {name: paths[name] for name in options.targets}
        # Every worker warm (its listener started, its pages read) first.
        for path, header in chosen.values():
            run_wrk(base + path, duration=1, connections=8, header=header)
        serving.wait_until_idle(options.port)
        results = {name: [] for name in chosen}
        for _ in range(options.rounds):
            for name, (path, header) in chosen.items():
                before = meter.sample()
                result = run_wrk(
                    base + path,
                    duration=options.duration,
                    connections=options.connections,
                    header=header,
                )
                serving.wait_until_idle(options.port)
                spent = CpuMeter.spent(before, meter.sample())
                requests = max(result["requests"], 1)
                result["app_ms"] = spent["app"] * 1000 / requests
                result["db_ms"] = spent["db"] * 1000 / requests
                results[name].append(result)
    finally:
        serving.stop(server)
    return {
        "database": "PostgreSQL" if url.startswith("postgres") else "SQLite",
        "cache": cache,
        "workers": workers,
        "started": started,
        "loads": (load_before, serving.load_average()),
        "results": results,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-data", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--databases", default="postgres,sqlite")
    parser.add_argument("--postgres", default=POSTGRES)
    parser.add_argument("--caches", default="on,off")
    parser.add_argument("--workers", default="2,4")
    parser.add_argument("--targets", default="static,article,home,304")
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--port", type=int, default=PORT)
    options = parser.parse_args()
    if options.build_data:
        print(json.dumps(build_data()))
        return
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    options.targets = options.targets.split(",")
    if "static" not in options.targets:
        options.targets.insert(0, "static")
    urls = {"postgres": options.postgres, "sqlite": SQLITE}
    print(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: {serving.machine()}")
    print(
        f"wrk -t2 -c{options.connections}, {options.rounds} rounds of "
        f"{options.duration}s per target (medians); CPU: gunicorn's processes "
        "(app) and the database's PostgreSQL backends (db), per request; "
        "errors: non-2xx/3xx responses and socket errors (10 s timeout); "
        f"REDIS_URL {'set' if os.environ.get('REDIS_URL') else 'not set'}"
    )
    print(
        "| database | page cache | workers | target | req/s | p50 ms | p99 ms "
        "| vs static | app CPU ms/req | db CPU ms/req | errors |"
    )
    print("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for database in options.databases.split(","):
        url = urls[database]
        data = prepare(url)
        for cache in options.caches.split(","):
            for workers in (int(w) for w in options.workers.split(",")):
                report(run_configuration(url, cache, workers, data, options))


def report(run) -> None:
    results = run["results"]
    ceiling = statistics.median(r["rps"] for r in results["static"])
    first = True
    for name, runs in results.items():
        rps = statistics.median(r["rps"] for r in runs)
        p50 = statistics.median(r["p50"] for r in runs)
        p99 = statistics.median(r["p99"] for r in runs)
        app = statistics.median(r["app_ms"] for r in runs)
        db = statistics.median(r["db_ms"] for r in runs)
        errors = sum(r["errors"] for r in runs)
        label = (
            f"| {run['database']} | {run['cache']} | {run['workers']} "
            if first
            else "|  |  |  "
        )
        first = False
        print(
            f"{label}| {TARGETS[name]} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | "
            f"**{rps / ceiling:.0%}** | {app:.3f} | {db:.3f} | {errors} |"
        )
    print(
        f"|  |  |  | ({run['started']:%H:%M} UTC, load "
        f"{run['loads'][0]} → {run['loads'][1]}) |  |  |  |  |  |  |  |",
        flush=True,
    )


if __name__ == "__main__":
    main()
