"""
The demo newsroom's captures, made from files in the repository
(sources/demo_captures/<key>.html): ``make run`` and the tests need no network.
"""

from pathlib import Path

from entities.models import Source

from . import workflow
from .models import Capture

FILES = Path(__file__).resolve().parent / "demo_captures"


def capture_demo_sources(sources: dict[str, Source]) -> list[Capture]:
    """A capture of each demo source that has none yet, from its file."""
    made = []
    for key, source in sources.items():
        path = FILES / f"{key}.html"
        if not path.exists() or source.captures.exists():
            continue
        made.append(
            workflow.store_file(
                source,
                data=path.read_bytes(),
                name=path.name,
                content_type="text/html; charset=utf-8",
                origin=Capture.Origin.FILE,
            )
        )
    return made
