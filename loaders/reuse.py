"""Shards of the previous release in the output directory, kept by the next build.

A shard whose inputs are unchanged (the same manifest lines, normalizer, schema and Parquet writer,
summed up in its inputs key, loaders/shards.py) is linked into the new release instead of being
written again. Only shards whose bytes still have the sha256 the previous manifest.json records are
kept: one changed or damaged since is written again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from korea_deterrence.corpus import NORMALIZER_VERSION, files_sha256
from korea_deterrence.loaders.shards import PreviousShard, footer, stored_inputs
from korea_deterrence.schema import schema_id


def _reusable_manifest(release: Path) -> dict[str, Any] | None:
    """The manifest.json of `release` if it was built by this normalizer and schema."""
    try:
        manifest = json.loads((release / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    same = (manifest.get("normalizer_version") == NORMALIZER_VERSION
            and manifest.get("schemas", {}).get("articles") == schema_id("article"))
    return manifest if same else None


def previous_shards(release: Path) -> dict[str, PreviousShard]:
    """The previous release's articles shards by inputs key, those whose sha256 is the one recorded;
    none when `release` is not a release of this normalizer and schema."""
    manifest = _reusable_manifest(release)
    if manifest is None:
        return {}
    recorded = manifest.get("data_sha256") or {}
    shards = sorted((release / "data" / "articles").glob("train-*.parquet"))
    verified = [PreviousShard(s, digest) for s, digest in zip(shards, files_sha256(shards))
                if recorded.get(s.relative_to(release).as_posix()) == digest]
    return {key: shard for shard in verified if (key := stored_inputs(footer(shard.path)))}
