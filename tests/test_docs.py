"""The docs stay true: the README's two commands are the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parent.parent


def _bash_blocks(text: str) -> list[str]:
    return [b.strip() for b in re.findall(r"```bash\n(.*?)```", text, re.S)]


def test_readme_has_the_build_and_test_commands_ci_runs() -> None:
    blocks = _bash_blocks((ROOT / "README.md").read_text("utf-8"))
    assert blocks[0].endswith("kdc build")
    assert blocks[1].endswith("pytest")
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert blocks[1] in ci.splitlines()


def test_changelog_names_the_current_version() -> None:
    from korea_deterrence.loaders.version import VERSION

    assert f"## {VERSION}" in (ROOT / "CHANGELOG.md").read_text("utf-8")
