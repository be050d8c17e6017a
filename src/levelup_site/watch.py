"""Noticing that a source changed, for `levelup serve`.

livereload's own watcher walks every watched folder and stats every file on each
poll: at 10,000 case studies that is some 80 ms of the server's only thread, ten
times a second, and an edit waits for the next walk. On Linux, inotify tells the
server about a change as it happens and costs nothing while nothing changes; the
watcher here uses it through the C library and falls back to livereload's polling
wherever it is missing.

The build looks at every file itself, so the watcher only needs to say that
something changed (and which paths, for the log): a lost event (the kernel's queue
overflowing) is a change like any other.
"""

from __future__ import annotations

import ctypes
import errno
import os
import struct
from collections.abc import Callable
from pathlib import Path

from livereload.watcher import Watcher

from . import libc

POLL_SECONDS = 0.1  # without inotify: how often the folders are walked
SETTLE_SECONDS = 0.05  # a file still being written (no close seen yet) is left this long
MISSING_POLL_SECONDS = 1.0  # a watched folder that does not exist yet is looked for this often

# <sys/inotify.h>
IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE = 0x2, 0x4, 0x8
IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE = 0x40, 0x80, 0x100, 0x200
IN_DELETE_SELF, IN_MOVE_SELF = 0x400, 0x800
IN_Q_OVERFLOW, IN_IGNORED, IN_ISDIR = 0x4000, 0x8000, 0x40000000
IN_NONBLOCK, IN_CLOEXEC = 0o4000, 0o2000000
# A file's change is complete once it is closed after writing, moved or deleted; a
# bare IN_MODIFY may be the first of many writes, and waits for SETTLE_SECONDS.
DONE = IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE
MASK = DONE | IN_MODIFY | IN_DELETE_SELF | IN_MOVE_SELF
EVENT = struct.Struct("iIII")  # wd, mask, cookie, length of the name that follows


class Inotify:
    """An inotify descriptor watching whole folder trees."""

    def __init__(self, fd: int, add_watch: Callable):
        self.fd = fd
        self._add_watch = add_watch
        self.folders: dict[int, Path] = {}  # watch descriptor -> folder

    @classmethod
    def open(cls) -> Inotify | None:
        """A new descriptor, or None where the system has no inotify."""
        init = libc.linux_function("inotify_init1")
        add_watch = libc.linux_function("inotify_add_watch")
        if init is None or add_watch is None:
            return None
        add_watch.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
        fd = init(IN_NONBLOCK | IN_CLOEXEC)
        return None if fd < 0 else cls(fd, add_watch)

    def watch_tree(self, folder: Path) -> bool:
        """Watch `folder` and every folder below it; False if it cannot be watched."""
        wd = self._add_watch(self.fd, os.fsencode(folder), MASK)
        if wd < 0:
            return False
        self.folders[wd] = folder
        for root, dirs, _ in os.walk(folder):
            for name in dirs:
                below = Path(root) / name
                wd = self._add_watch(self.fd, os.fsencode(below), MASK)
                if wd >= 0:  # gone again already, or not a folder one may read
                    self.folders[wd] = below
        return True

    def read(self) -> tuple[list[Path], bool]:
        """The paths changed since the last read, and whether every change is complete.
        A lost event counts as a change to every watched folder."""
        try:
            data = os.read(self.fd, 1 << 16)
        except OSError as error:
            if error.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
                return [], True
            raise
        changed: list[Path] = []
        complete, offset = True, 0
        while offset < len(data):
            wd, mask, _, length = EVENT.unpack_from(data, offset)
            name = data[offset + EVENT.size: offset + EVENT.size + length].rstrip(b"\0")
            offset += EVENT.size + length
            if mask & IN_Q_OVERFLOW:
                changed += self.folders.values()
                continue
            folder = self.folders.get(wd)
            if folder is None:
                continue
            if mask & IN_IGNORED:  # the folder is gone; a new one of that name is watched anew
                del self.folders[wd]
                continue
            path = folder / os.fsdecode(name) if name else folder
            if mask & IN_ISDIR and mask & (IN_CREATE | IN_MOVED_TO):
                self.watch_tree(path)  # a new folder, maybe holding files already
            changed.append(path)
            complete = complete and bool(mask & (DONE | IN_DELETE_SELF | IN_MOVE_SELF))
        return changed, complete

    def watching(self, folder: Path) -> bool:
        return folder in self.folders.values()

    def close(self) -> None:
        os.close(self.fd)


class ChangeWatcher(Watcher):
    """livereload's watcher, told of changes by inotify where the system has it.

    livereload asks `examine()` what changed and runs the tasks; here the tasks run
    as soon as inotify reports a finished change, with the paths that changed."""

    def __init__(self) -> None:
        super().__init__()
        self._inotify: Inotify | None = None
        self._changed: list[Path] = []
        self._pending: object | None = None  # the timeout that will report the changes seen so far

    def start(self, callback: Callable[[], None]) -> bool:
        from tornado import ioloop

        loop = ioloop.IOLoop.current()
        inotify = self._inotify = Inotify.open()
        if inotify is None:
            ioloop.PeriodicCallback(callback, POLL_SECONDS * 1000).start()
            return True
        self._watch_appeared(inotify)
        self._changed = []  # the first build has just seen them

        def look_for_folders() -> None:
            if self._watch_appeared(inotify):
                callback()

        def on_events(fd: int, events: int) -> None:
            changed, complete = inotify.read()
            if not changed:
                return
            self._changed += changed
            if self._pending is not None:
                loop.remove_timeout(self._pending)
            self._pending = loop.call_later(0 if complete else SETTLE_SECONDS, self._report, callback)

        ioloop.PeriodicCallback(look_for_folders, MISSING_POLL_SECONDS * 1000).start()
        loop.add_handler(inotify.fd, on_events, ioloop.IOLoop.READ)
        callback()  # livereload's own first message (its restart notice)
        return True

    def _watch_appeared(self, inotify: Inotify) -> bool:
        """Watch the watched folders that have come into being (or back) since the last
        look; whether there were any, as a folder may appear with files in it."""
        appeared = [Path(path) for path in self._tasks
                    if not inotify.watching(Path(path)) and inotify.watch_tree(Path(path))]
        self._changed += appeared
        return bool(appeared)

    def _report(self, callback: Callable[[], None]) -> None:
        self._pending = None
        callback()

    def examine(self) -> tuple[str | None, float | None]:
        if self._inotify is None or self._changes:
            return super().examine()
        changed, self._changed = list(dict.fromkeys(self._changed)), []  # one path, many events
        self.filepath = None
        for path, task in self._tasks.items():
            inside = [str(item) for item in changed if item.is_relative_to(path)
                      and not self.ignore(str(item)) and not (task["ignore"] and task["ignore"](str(item)))]
            if inside and task["func"]:
                self.filepath = inside[-1]
                task["func"](inside)
        return (self.filepath, None) if changed else (None, None)
