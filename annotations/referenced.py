"""Which articles the listed exports refer to (so the build reads only those texts back)."""

from __future__ import annotations

import json
from pathlib import Path

from korea_deterrence.annotations.exports import MANIFEST


def referenced_articles(exports_dir: Path | None) -> set[str]:
    """article_id of every task in every listed export that parses; errors are reported by the import."""
    found: set[str] = set()
    manifest = exports_dir / MANIFEST if exports_dir else None
    if manifest is None or not manifest.is_file():
        return found
    for line in manifest.read_text("utf-8").splitlines():
        try:
            path = exports_dir / json.loads(line)["file"]
            tasks = json.loads(path.read_bytes())
            found |= {str(t["data"]["article_id"]) for t in tasks}
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return found
