import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_it_imports_the_scoring_engine_without_django():
    probe = (
        "import sys, assessments.scoring; "
        "print(sorted(m for m in sys.modules if m == 'django' "
        "or m.startswith('django.')))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(REPO_ROOT)},
    )
    assert completed.stdout.strip() == "[]"


def test_it_reads_no_clock_in_the_engine():
    sources = (REPO_ROOT / "assessments" / "scoring").glob("*.py")
    text = "\n".join(path.read_text() for path in sources)
    for clock in ("datetime", "time.time", "import time", "timezone"):
        assert clock not in text
