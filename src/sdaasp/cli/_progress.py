"""A small progress bar on stderr (no dependency): redrawn in place on a terminal, a few
plain lines otherwise (logs, CI)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    def __init__(self, label: str, *, stream: TextIO | None = None, width: int = 30) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.start = time.perf_counter()
        self._last_pct = -1

    def __call__(self, done: int, total: int, item: str = "") -> None:
        pct = int(100 * done / max(total, 1))
        if self.tty:
            filled = int(self.width * done / max(total, 1))
            bar = "█" * filled + "·" * (self.width - filled)
            self.stream.write(f"\r{self.label} [{bar}] {done}/{total} {item[:20]:<20}")
            if done >= total:
                self.stream.write(f" {time.perf_counter() - self.start:.1f} s\n")
            self.stream.flush()
        elif pct // 25 > self._last_pct // 25 or done >= total:
            self.stream.write(f"{self.label} : {done}/{total} ({pct} %)\n")
            self.stream.flush()
        self._last_pct = pct
