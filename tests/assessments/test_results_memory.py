"""The peak memory a bulk run reports is its own, and the allocator settings
take effect on this platform (Linux with glibc)."""

import subprocess
import sys
from pathlib import Path

from assessments.results.memory import (
    allocator_release,
    allocator_single_arena,
    peak_memory_mb,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_it_reports_a_childs_own_peak_not_its_parents():
    # The parent touches 300 MB, frees it, then starts a small child: Linux
    # carries the parent's high-water mark into the child's ru_maxrss.
    probe = (
        "import subprocess, sys\n"
        "block = bytearray(300 * 1024 * 1024)\n"
        "block[::4096] = b'x' * len(block[::4096])\n"
        "del block\n"
        "child = 'from assessments.results.memory import peak_memory_mb; "
        "print(peak_memory_mb())'\n"
        "print(subprocess.run([sys.executable, '-c', child], check=True, "
        "capture_output=True, text=True).stdout)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(REPO_ROOT)},
    )

    assert 0 < float(completed.stdout) < 100


def test_it_reports_at_least_what_this_process_holds_now():
    with open("/proc/self/status", encoding="ascii") as status:
        resident = next(int(line.split()[1]) for line in status if "VmRSS" in line)

    assert peak_memory_mb() >= resident / 1024


def test_it_sets_one_arena_and_releases_pages_on_glibc():
    assert allocator_single_arena() is True
    allocator_release()  # returns nothing; must not fail
