"""`kdc publish`: upload a validated release to a Hugging Face dataset repo and tag it `vX.Y.Z`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from huggingface_hub import HfApi

from korea_deterrence.corpus import file_sha256
from korea_deterrence.loaders.validate_release import validate_release
from korea_deterrence.schema import Violation


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


def refusals(root: Path, revision: str) -> tuple[list[Violation], list[str]]:
    """Why the release must not be published: its violations, and other problems (revision mismatch)."""
    violations = validate_release(root)
    problems = []
    try:
        version = json.loads((root / "manifest.json").read_text("utf-8"))["version"]
    except (OSError, ValueError, KeyError) as err:
        return violations, [f"cannot read the release version: {err}"]
    if revision != f"v{version}":
        problems.append(f"revision {revision!r} is not 'v' + the release version ({version!r}): expected 'v{version}'")
    return violations, problems


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
