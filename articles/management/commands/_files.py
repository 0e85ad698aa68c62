"""Writing the files the export commands make."""

import json
import os
import tempfile
from pathlib import Path


def dump_json(data) -> str:
    """``data`` as indented UTF-8 JSON text with a final newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_atomically(path: str | Path, text: str) -> None:
    """Replace ``path`` with ``text``: readers see the old file or the new one."""
    path = Path(path)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
        # mkstemp makes the file private; give it the usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
