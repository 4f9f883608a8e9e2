"""Keeping a long bulk run's memory bounded, and measuring it.

Python hands every string above 512 bytes (a result's JSON is a few kilobytes)
to the C allocator. glibc gives each thread that allocates concurrently an
arena of its own, and memory freed into one arena serves only that arena, so a
writer thread beside the main one can hold a second working set that the
process never gives back. These helpers let a bulk run keep one arena and
return freed pages; where the C library is not glibc they do nothing.
"""

from __future__ import annotations

import ctypes
import resource
import sys
from functools import cache

_M_ARENA_MAX = -8  # mallopt parameter, <malloc.h>


@cache
def _glibc():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    if not (hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim")):
        return None
    return libc


def allocator_single_arena() -> bool:
    """Let threads started from now on share the main thread's malloc arena.

    Call it before starting threads; it lasts for the process. With the GIL
    serialising Python's allocations, one arena costs no speed. True when the
    setting took effect.
    """
    libc = _glibc()
    return bool(libc and libc.mallopt(_M_ARENA_MAX, 1) == 1)


def allocator_release() -> None:
    """Give the pages freed since the last call back to the operating system."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


def peak_memory_mb() -> float:
    """The peak resident memory of this process, in MB.

    ``VmHWM`` counts this program only. ``ru_maxrss``, the fallback, also counts
    the parent's pages when the process was started by fork and exec, since
    Linux keeps the high-water mark across ``execve``.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale
