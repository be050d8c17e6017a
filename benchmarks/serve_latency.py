"""How long a preview server takes from an edit to serving the edited page.

`measure` starts a server command (`levelup serve …` or `hugo server …`), waits
until it serves the page at `url`, then, once per sentence, appends the sentence to
the page's source file and polls the page over HTTP every POLL_SECONDS until the
sentence appears. Between edits it waits SETTLE_SECONDS, so each edit meets an idle
server rather than one still finishing the previous rebuild. The server's whole
process tree is sampled for memory meanwhile (measure.TreeSampler), and the server
is stopped at the end, whatever happened.

Standard library only.
"""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from measure import BuildFailed, TreeSampler

POLL_SECONDS = 0.02
SETTLE_SECONDS = 1.0
EDIT_LIMIT_SECONDS = 60.0


@dataclass(frozen=True)
class ServeRun:
    """One server session."""

    start_seconds: float  # from launching the server to its first answer with the page
    edit_seconds: list[float]  # per edit, from the write to the page showing it
    tree_peak_kib: int


def free_port() -> int:
    """A port nothing listens on now (the server binds it a moment later)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str | None:
    """The page's text, or None while the server does not answer it with 200."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_until(url: str, accept: Callable[[str], bool], limit: float, server: subprocess.Popen,
               log: Path) -> float:
    """Seconds until the page at `url` passes `accept`; BuildFailed if the server exits
    or `limit` seconds pass first."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        body = fetch(url)
        if body is not None and accept(body):
            return time.perf_counter() - start
        if server.poll() is not None:
            raise BuildFailed(f"the server stopped with status {server.returncode}:\n{tail(log)}")
        time.sleep(POLL_SECONDS)
    raise BuildFailed(f"{url} did not show the expected text within {limit:.0f} s:\n{tail(log)}")


def tail(log: Path, lines: int = 20) -> str:
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def measure(command: list[str], url: str, edited: Path, sentences: list[str], start_limit: float) -> ServeRun:
    """Start the server, time its start and each edit, stop it."""
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "server.log"
        with log.open("wb") as output:
            launched = time.perf_counter()
            server = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT)
            try:
                with TreeSampler(server.pid) as sampler:
                    wait_until(url, lambda _: True, start_limit, server, log)
                    start_seconds = time.perf_counter() - launched
                    edits = []
                    for sentence in sentences:
                        time.sleep(SETTLE_SECONDS)
                        with edited.open("a", encoding="utf-8") as file:
                            file.write(f"\n\n{sentence}\n")
                        edits.append(wait_until(url, lambda body, s=sentence: s in body,
                                                EDIT_LIMIT_SECONDS, server, log))
            finally:
                stop(server)
    return ServeRun(start_seconds, edits, sampler.peak_kib)
