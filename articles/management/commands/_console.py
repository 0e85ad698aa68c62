"""Terminal output shared by the automation commands: tables, progress bars."""

import time


def shorten(text: str, width: int) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis."""
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def table(rows: list[list[str]], headers: list[str]) -> list[str]:
    """Lines of a plain-text table, columns padded to their widest cell."""
    widths = [
        max(len(str(cell)) for cell in column)
        for column in zip(headers, *rows, strict=True)
    ]

    def line(cells):
        return "  ".join(
            str(cell).ljust(width) for cell, width in zip(cells, widths, strict=True)
        ).rstrip()

    return [line(headers), line(["-" * w for w in widths]), *map(line, rows)]


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


class Progress:
    """A progress bar on a terminal; silent when output is not a terminal."""

    WIDTH = 30

    def __init__(self, out, total: int, *, label: str, enabled: bool):
        self.out, self.total, self.label = out, total, label
        self.enabled = enabled and total > 0
        self.done, self._shown = 0, 0.0

    def advance(self, count: int = 1) -> None:
        self.done += count
        if not self.enabled:
            return
        now = time.monotonic()
        if self.done < self.total and now - self._shown < 0.1:
            return
        self._shown = now
        filled = self.WIDTH * self.done // self.total
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.out.write(
            f"\r{self.label} [{bar}] {self.done}/{self.total}",
            ending="",
            style_func=str,
        )
        self.out.flush()

    def clear(self) -> None:
        """Wipe the bar, so that a line can be written in its place."""
        if self.enabled and self.done:
            self.out.write("\r\033[K", ending="", style_func=str)

    def close(self) -> None:
        if self.enabled:
            self.out.write("", style_func=str)
