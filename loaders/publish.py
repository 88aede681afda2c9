"""`kdc publish`: upload a validated release to a Hugging Face dataset repo and tag it `vX.Y.Z`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from huggingface_hub import HfApi

from korea_deterrence.corpus import file_sha256
from korea_deterrence.loaders.text_free import VARIANT
from korea_deterrence.loaders.validate_release import validate_release
from korea_deterrence.schema import Violation


# `rights` values (SPDX licence ids, or public-domain) under which an article's text may be redistributed
REDISTRIBUTABLE = ("CC0-1.0", "CC-BY-4.0", "CC-BY-SA-4.0", "public-domain")


@dataclass(frozen=True, slots=True)
class UploadFile:
    """One file of the upload: its path in the repo, size in bytes and sha256."""

    path: str
    size: int
    sha256: str


def upload_plan(root: Path) -> list[UploadFile]:
    """Every file of the release directory, sorted by path: exactly what gets uploaded."""
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return [UploadFile(p.relative_to(root).as_posix(), p.stat().st_size, file_sha256(p)) for p in files]


def refusals(root: Path, revision: str, with_text: bool = False) -> tuple[list[Violation], list[str]]:
    """Why the release must not be published: its violations, and other problems (revision mismatch, texts
    whose rights do not permit redistribution)."""
    violations = validate_release(root)
    problems = []
    try:
        manifest = json.loads((root / "manifest.json").read_text("utf-8"))
        version = manifest["version"]
    except (OSError, ValueError, KeyError) as err:
        return violations, [f"cannot read the release version: {err}"]
    if revision != f"v{version}":
        problems.append(f"revision {revision!r} is not 'v' + the release version ({version!r}): expected 'v{version}'")
    if manifest.get("variant") != VARIANT and not violations:
        problems += _text_refusals(root, with_text)
    return violations, problems


def _text_refusals(root: Path, with_text: bool) -> list[str]:
    """A release with the texts goes out only with --with-text, and only if every article's rights permit it."""
    if not with_text:
        return ["this release holds the article texts: publish its text-free variant (kdc build --text-free), "
                "or pass --with-text where every article's `rights` fact permits redistribution"]
    lacking = [f"{article_id} (rights: {value!r})" for article_id, value in _rights(root)
               if value not in REDISTRIBUTABLE]
    if not lacking:
        return []
    return [f"--with-text: {len(lacking)} article(s) lack a `rights` fact that permits redistribution (one of "
            f"{', '.join(REDISTRIBUTABLE)}): " + "; ".join(lacking)]


def _rights(root: Path) -> list[tuple[str, str | None]]:
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    found = []
    for shard in sorted((root / "data" / "articles").glob("*.parquet")):
        for batch in pq.ParquetFile(shard).iter_batches(columns=["article_id", "provenance"]):
            rights = pc.struct_field(batch.column("provenance"), ["rights", "value"])
            found += zip(batch.column("article_id").to_pylist(), rights.to_pylist())
    return found


def render_plan(files: list[UploadFile], repo_id: str, revision: str) -> str:
    """The dry-run listing: `sha256  size  path` per file and a total."""
    lines = [f"would upload {len(files)} files to dataset {repo_id} and tag {revision}:"]
    lines += [f"{f.sha256}  {f.size:>10}  {f.path}" for f in files]
    lines.append(f"total {sum(f.size for f in files)} bytes")
    return "\n".join(lines)


def publish(root: Path, repo_id: str, revision: str, token: str | None) -> str:
    """Upload the release folder to the dataset repo, tag the commit `revision`; returns the commit id."""
    api = HfApi(token=token)
    api.create_repo(repo_id, repo_type="dataset", exist_ok=True)
    commit = api.upload_folder(
        folder_path=str(root), repo_id=repo_id, repo_type="dataset",
        allow_patterns=[f.path for f in upload_plan(root)], delete_patterns=["data/**"],
        commit_message=f"Release {revision}",
    )
    api.create_tag(repo_id, tag=revision, revision=commit.oid, repo_type="dataset",
                   tag_message=f"korea-deterrence {revision}")
    return commit.oid
