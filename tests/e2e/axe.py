"""axe-core, from npm, injected into the page by Playwright.

The package is pinned in ``tests/e2e/package.json``; ``.ci/run`` installs it, and
the ``axe_script`` fixture does too when it is missing (``npm ci``).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from playwright.sync_api import Page

HERE = Path(__file__).resolve().parent
AXE_FILE = HERE / "node_modules" / "axe-core" / "axe.min.js"
# Every WCAG 2.0, 2.1 and 2.2 success criterion at levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def axe_install() -> Path | None:
    """The path of axe.min.js, installing the pinned package if needed."""
    if not AXE_FILE.is_file():
        npm = shutil.which("npm")
        if npm is None:
            return None
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--prefix", str(HERE)],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return AXE_FILE if AXE_FILE.is_file() else None


def axe_violations(page: Page, script: Path) -> list[str]:
    """Run axe on the page shown; one line per violation and node, empty if none."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the pages' CSP (scripts
        # from 'self' with a nonce only) does not apply to; a script tag would be
        # refused, as it should be.
        page.evaluate(script.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return r.violations.map(v => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes.map(n => n.target.join(" ")),
            }));
        }""",
        WCAG_TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {node}"
        for v in result
        for node in v["nodes"]
    ]


def assert_accessible(page: Page, script: Path, where: str = "") -> None:
    violations = axe_violations(page, script)
    assert not violations, f"axe on {where or page.url}:\n" + "\n".join(violations)
