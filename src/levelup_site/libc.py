"""The two Linux system calls levelup uses, looked up in one place.

`renameat2` (swap two folders atomically) and `prctl` (end a worker with its parent)
exist only in Linux's C library. Everywhere else, and wherever the lookup fails,
the caller gets None and takes its portable fallback. The platform is checked first
because on Windows `ctypes.CDLL(None)` raises TypeError rather than OSError.
"""

from __future__ import annotations

import ctypes
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _ctypes import CFuncPtr


def linux_function(name: str) -> CFuncPtr | None:
    """The C library's function `name` on Linux; None elsewhere or if it is missing."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return getattr(ctypes.CDLL(None, use_errno=True), name)
    except (OSError, AttributeError, TypeError):
        return None
