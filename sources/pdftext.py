"""
The title and text of a PDF, in a process of its own (sources.archiving
runs this file): a hostile PDF (a page whose content stream decompresses to
megabytes of empty text operators, a page tree of millions of nodes) costs
at most the CPU seconds and memory this process is given, then the process
is stopped and the file has no text. No Django here: it starts fast.

    python -I sources/pdftext.py MAX_PAGES MAX_CHARS CPU_SECONDS MAX_MEMORY < file.pdf

prints {"title": ..., "text": ...} as JSON, or exits non-zero.
"""

import io
import json
import resource
import sys


def limit(cpu_seconds: int, memory: int) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


def text_of(body: bytes, max_pages: int, max_chars: int) -> tuple[str, str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(body))
    if reader.is_encrypted and not reader.decrypt(""):
        return "", ""
    metadata = reader.metadata
    title = str(metadata.title or "") if metadata else ""
    parts, length = [], 0
    for number, page in enumerate(reader.pages):
        if number >= max_pages or length >= max_chars:
            break
        text = page.extract_text() or ""
        parts.append(text[: max_chars - length])
        length += len(parts[-1])
    return title, "\n".join(parts)


def main(argv: list[str]) -> int:
    max_pages, max_chars, cpu_seconds, memory = (int(value) for value in argv)
    limit(cpu_seconds, memory)
    body = sys.stdin.buffer.read()
    try:
        title, text = text_of(body, max_pages, max_chars)
    except Exception:  # noqa: BLE001 - a malformed file: no text
        return 1
    sys.stdout.write(json.dumps({"title": title, "text": text}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
