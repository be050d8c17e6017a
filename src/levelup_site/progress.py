"""A progress line for long builds on a terminal; silent in CI logs unless asked for."""

from __future__ import annotations

import os
import sys
import time
from typing import Self

DELAY = 1.0  # seconds before a build is long enough to be worth a progress line
INTERVAL = 0.1


class Progress:
    def __init__(self, total: int, label: str, enabled: bool | None = None, stream=None):
        self.total = total
        self.label = label
        self.stream = stream or sys.stderr
        if enabled is None:
            enabled = self.stream.isatty() and not os.environ.get("CI")
        self.enabled = enabled
        self.started = time.monotonic()
        self.last = 0.0
        self.shown = False

    def __enter__(self) -> Self:
        return self

    def update(self, done: int, total: int | None = None) -> None:
        if total is not None:
            self.total = total
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.started < DELAY or (now - self.last < INTERVAL and done < self.total):
            return
        self.last = now
        width = 30
        filled = width * done // max(self.total, 1)
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{self.total:,} files")
        self.stream.flush()
        self.shown = True

    def __exit__(self, *exc) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
