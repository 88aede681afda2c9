"""Talking to a Label Studio server (label-studio-sdk, an optional extra): push tasks, pull exports."""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from korea_deterrence.annotations.exports import MANIFEST


class StudioError(Exception):
    """A refused push or pull, with a message fit for the user (never containing the token)."""


@dataclass(frozen=True)
class Server:
    url: str
    token: str

    def __repr__(self) -> str:  # the token never appears in logs or tracebacks
        return f"Server(url={self.url!r}, token=***)"

    def client(self) -> Any:
        try:
            from label_studio_sdk import LabelStudio
        except ImportError as err:
            raise StudioError("label-studio-sdk is not installed: pip install 'korea-deterrence[studio]'") from err
        return LabelStudio(base_url=self.url, api_key=self.token)


def _project(ls: Any, title: str) -> Any | None:
    return next((p for p in ls.projects.list() if p.title == title), None)


def push(server: Server, title: str, config: str, tasks: list[dict[str, Any]]) -> tuple[int, int, int]:
    """Create (or update the config of) the project `title` and import the tasks it lacks.

    A task is skipped when the project already has one with the same article_id and text_sha256.
    Returns (project id, tasks imported, tasks already present).
    """
    ls = server.client()
    project = _project(ls, title)
    if project is None:
        project = ls.projects.create(title=title, label_config=config)
    else:
        ls.projects.update(id=project.id, label_config=config)
    present = {(t.data.get("article_id"), t.data.get("text_sha256")) for t in ls.tasks.list(project=project.id)}
    new = [t for t in tasks if (t["data"]["article_id"], t["data"]["text_sha256"]) not in present]
    if new:
        ls.projects.import_tasks(id=project.id, request=new)
    return project.id, len(new), len(tasks) - len(new)


def pull(server: Server, title: str, exports_dir: Path, annotators: dict[int, str],
         guideline_version: str, now: datetime | None = None) -> dict[str, Any]:
    """Save the project's full JSON export as a new file and list it in MANIFEST.jsonl; never overwrites."""
    ls = server.client()
    project = _project(ls, title)
    if project is None:
        raise StudioError(f"no project titled {title!r} on {server.url}")
    data = b"".join(_chunks(ls.projects.exports.as_binary(project.id, export_type="JSON")))
    _check_annotators(json.loads(data), annotators)
    pulled = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    name = f"{_slug(title)}-{pulled.replace('-', '').replace(':', '')}.json"
    target = exports_dir / name
    if target.exists():
        raise StudioError(f"{target} already exists; exports are never overwritten")
    exports_dir.mkdir(parents=True, exist_ok=True)
    _write_new(target, data)
    entry = {"file": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "pulled_at": pulled,
             "project_title": title, "label_studio_version": _version(ls), "guideline_version": guideline_version,
             "annotators": {str(k): v for k, v in sorted(annotators.items())}}
    with (exports_dir / MANIFEST).open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return entry


def _chunks(body: Any) -> Any:
    return [body] if isinstance(body, (bytes, bytearray)) else body


def _check_annotators(tasks: list[dict[str, Any]], annotators: dict[int, str]) -> None:
    users = {a.get("completed_by") for t in tasks for a in t.get("annotations") or []}
    users = {u.get("id") if isinstance(u, dict) else u for u in users}
    missing = sorted(u for u in users if u not in annotators)
    if missing:
        raise StudioError(f"Label Studio users {missing} annotated this project but have no pseudonym: "
                          "pass --annotator USER_ID=PSEUDONYM for each")


def _write_new(target: Path, data: bytes) -> None:
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "project"


def _version(ls: Any) -> str | None:
    try:
        return str(ls.versions.get().release)
    except Exception:  # noqa: BLE001 - the version is informative only; older servers lack the endpoint
        return None
