"""Time a command and measure the memory of its whole process tree.

A build may fan out to worker processes (and `levelup build` runs Pagefind as a
process of its own), so the maximum RSS of the largest single process, which is all
`os.wait4` reports, understates what a build uses. `TreeSampler` therefore reads
/proc every SAMPLE_SECONDS while the command runs, finds the process and all its
descendants, sums their resident set sizes and keeps the largest sum.

Limits, stated so that nobody reads more into the figure than it holds:

- A sum of RSS counts a page shared by several processes (the code and data a
  forked worker shares with its parent) once per process, so it is an upper bound
  on the memory the tree occupies.
- A process that lives less than SAMPLE_SECONDS, or a peak that lasts less, may be
  missed; the single-process maximum from os.wait4 is kept alongside for that reason.
- Without /proc (macOS), the tree figure falls back to the single-process one.

Standard library only.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.05  # a sample reads /proc/*/stat: about 1 ms, so 2 % of one core
PROC = Path("/proc")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024 if hasattr(os, "sysconf") else 4


class BuildFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class Sample:
    """One timed process."""

    seconds: float
    cpu_seconds: float  # user + system, the process and the children it waited for
    tree_peak_kib: int  # largest sum of RSS over the process and its descendants
    single_peak_kib: int  # largest single process's maximum RSS (os.wait4)
    output: str


def parent_ids() -> dict[int, int]:
    """Every live process id mapped to its parent's id, from /proc/*/stat."""
    parents = {}
    for entry in os.scandir(PROC):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as file:
                stat = file.read()
        except OSError:  # the process ended between listing and reading
            continue
        # The command name, in parentheses, may itself hold spaces or parentheses.
        fields = stat[stat.rfind(b")") + 2:].split()
        parents[int(entry.name)] = int(fields[1])
    return parents


def descendants(root: int, parents: dict[int, int]) -> list[int]:
    children: dict[int, list[int]] = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as file:
            return int(file.read().split()[1]) * PAGE_KIB
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss_kib(root: int) -> int:
    """The summed RSS of `root` and every process descended from it, now."""
    return sum(rss_kib(pid) for pid in descendants(root, parent_ids()))


class TreeSampler:
    """Samples a process tree's summed RSS in a background thread until stopped."""

    available = PROC.is_dir() and sys.platform.startswith("linux")

    def __init__(self, root: int, interval: float = SAMPLE_SECONDS):
        self.root = root
        self.interval = interval
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeSampler:
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        while True:
            self.peak_kib = max(self.peak_kib, tree_rss_kib(self.root))
            if self._stop.wait(self.interval):
                return


def timed(command: list[str], cwd: Path | None = None) -> Sample:
    """Run `command`, returning its wall time and peak memory; raise BuildFailed on a
    non-zero exit status."""
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=subprocess.STDOUT)
        with TreeSampler(process.pid) as sampler:
            if hasattr(os, "waitid"):
                # Wait without reaping, so the sampler stops before the id can be reused.
                os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read().decode("utf-8", "replace").strip()
    if process.returncode != 0:
        raise BuildFailed(f"{' '.join(command)} exited with status {process.returncode}:\n{output}")
    # ru_maxrss is in KiB on Linux, in bytes on macOS.
    single = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
    tree = sampler.peak_kib if TreeSampler.available else single
    return Sample(seconds, usage.ru_utime + usage.ru_stime, max(tree, single), single, output)
