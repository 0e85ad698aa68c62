"""A fresh SQLite database for a benchmark, configured as in production."""

import os
import tempfile
from pathlib import Path


def django_on_scratch_sqlite() -> Path:
    """
    Point Django at a new SQLite database in a temporary directory (WAL,
    IMMEDIATE transactions, as the settings configure it), set Django up and
    return the directory. Call it before importing anything from the project.
    """
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

    import django

    django.setup()
    return workdir
