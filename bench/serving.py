"""
What the HTTP benchmarks share: gunicorn started the same way, wrk's figures
read the same way, and a description of the machine they ran on.
"""

import os
import platform
import re
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_gunicorn(
    env: dict, *, port: int, workers: int, access_log: Path | None = None
) -> subprocess.Popen:
    """Serve the project on loopback with sync workers; return once it answers."""
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "newsroom.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--backlog",
        "2048",
        "--log-level",
        "warning",
    ]
    if access_log is not None:
        command += [
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(s)s %(m)s %(U)s",
        ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 - our server
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)  # noqa: S310
            return process
        except OSError:
            time.sleep(0.1)
    process.terminate()
    process.wait()
    raise SystemExit("gunicorn did not start")


def wait_until_idle(port: int) -> None:
    """
    Return once requests still queued from a run are answered.

    wrk stops sending at its deadline, but a sync worker still answers what
    is queued; a health check queued behind it comes back when that is done,
    so one run's backlog does not eat into the next run's time.
    """
    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=300)  # noqa: S310


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait()


def wrk_latency(output: str, label: str) -> float:
    """A percentile of wrk's ``--latency`` table, in milliseconds."""
    match = re.search(rf"{re.escape(label)}\s+([\d.]+)(us|ms|s)\b", output)
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def wrk_rate(output: str) -> float:
    """wrk's requests per second."""
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def wrk_socket_errors(output: str) -> int:
    """Connect, read, write errors and timeouts, all together."""
    match = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
        output,
    )
    return sum(int(n) for n in match.groups()) if match else 0


def wrk_non_2xx(output: str) -> int:
    match = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return int(match.group(1)) if match else 0


def machine() -> str:
    """CPUs, CPU model and memory, as /proc tells them."""
    cpu = platform.processor() or platform.machine()
    memory = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f", {int(line.split()[1]) / 1024**2:.0f} GB RAM"
                break
    except OSError:
        pass
    return f"{len(os.sched_getaffinity(0))} CPUs (nproc), {cpu}{memory}"


def load_average() -> str:
    return "{:.2f}, {:.2f}, {:.2f}".format(*os.getloadavg())
