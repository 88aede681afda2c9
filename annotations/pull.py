"""`kdc studio pull`: a project's full JSON export, pseudonymized, saved as a new immutable file.

Nothing is written when a user has no registered pseudonym, when an e-mail address would remain,
when a task of the previous pull is gone, or when no annotation changed since the previous pull.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from korea_deterrence.annotations.exports import MANIFEST, open_exports
from korea_deterrence.annotations.records import ExportEntry
from korea_deterrence.annotations.scrub import Scrubber, Unmapped, User
from korea_deterrence.annotations.studio import Server, StudioError, config_diff, export_tasks, find_project, session

PSEUDONYM = re.compile(r"[a-z][a-z0-9-]*")  # schema/annotator.schema.json


@dataclass(frozen=True)
class Changes:
    """What changed in a project since its previous pull (annotation identities)."""

    previous: str | None
    added: int
    updated: int
    deleted: int
    tasks_deleted: int = 0

    def __str__(self) -> str:
        since = f"since {self.previous}" if self.previous else "(first pull of this project)"
        tasks = f", {self.tasks_deleted} task(s) deleted" if self.tasks_deleted else ""
        return f"{self.added} annotation(s) added, {self.updated} updated, {self.deleted} deleted{tasks} {since}"

    @property
    def any(self) -> bool:
        return self.previous is None or bool(self.added or self.updated or self.deleted or self.tasks_deleted)


@dataclass(frozen=True)
class Pulled:
    entry: dict[str, Any] | None  # the manifest line written; None when nothing changed
    changes: Changes


def check_pseudonyms(pseudonyms: dict[int, str], registered: set[str], annotators_file: Path) -> None:
    """Each pseudonym must look like one and be registered in annotators.jsonl."""
    for user, name in sorted(pseudonyms.items()):
        if not PSEUDONYM.fullmatch(name):
            raise StudioError(f"--annotator {user}={name}: a pseudonym is lower-case letters, digits and '-' "
                              "(like ann-3), never a name or an e-mail address")
        if name not in registered:
            raise StudioError(f"--annotator {user}={name}: {name!r} is not in {annotators_file}; add it first with "
                              f"kdc studio annotator add {name} --kind human --description '...'")


def pull(server: Server, title: str, exports_dir: Path, pseudonyms: dict[int, str], registered: set[str],
         guideline_version: str, allow_deleted_tasks: bool = False, now: datetime | None = None,
         config: str | None = None) -> Pulled:
    """Export `title`, pseudonymize it, compare it with the previous pull, write it if anything changed.
    `registered`: the pseudonyms of annotators.jsonl. With `config`, the project's labeling config must be that one."""
    with session(server) as ls:
        project = find_project(ls, title)
        if project is None:
            raise StudioError(f"no project titled {title!r} on {server.url}")
        diff = config_diff(project.label_config or "", config) if config is not None else []
        if diff:
            raise StudioError("\n".join(diff) + f"\nproject {title!r} has a labeling config other than `kdc studio "
                              "config` (above): its labels may not import; push it again with --force, or pull "
                              "with --any-config; nothing was written")
        tasks = export_tasks(ls, project.id)
        users = [User(u.id, u.email or "", u.username or "") for u in ls.users.list()]
        version = _version(ls)
    previous = _previous(exports_dir, project.id, title, registered)
    mapping = {**(dict(previous[0].annotators) if previous else {}), **pseudonyms}
    clean = _scrubbed(tasks, users, mapping)
    changes = _changes(previous, clean, allow_deleted_tasks)
    if not changes.any:
        return Pulled(None, changes)
    data = (json.dumps(clean, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    pulled = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    name = _new_name(exports_dir, f"{_slug(title)}-{pulled.replace('-', '').replace(':', '')}")
    entry = {"file": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "pulled_at": pulled,
             "project_id": project.id, "project_title": title, "label_studio_version": version,
             "guideline_version": guideline_version,
             "annotators": {str(user): name for user, name in sorted(mapping.items())}}
    _write(exports_dir, name, data, entry)
    return Pulled(entry, changes)


def _scrubbed(tasks: Any, users: list[User], pseudonyms: dict[int, str]) -> list[dict[str, Any]]:
    if not isinstance(tasks, list):
        raise StudioError("the server's export is not a list of tasks")
    try:
        return Scrubber(users, pseudonyms).tasks(tasks)
    except Unmapped as err:
        if err.users:
            where = ", ".join(f"{u} (at {p})" if u >= 0 else f"an unknown user name (at {p})"
                              for u, p in sorted(err.users.items()))
            raise StudioError(f"Label Studio users without a pseudonym: {where}; pass --annotator USER_ID=PSEUDONYM "
                              "for each (user ids: kdc studio users); nothing was written") from None
        raise StudioError(f"an e-mail address would remain at {', '.join(err.emails[:5])}; "
                          "nothing was written") from None


def _previous(exports_dir: Path, project_id: int, title: str, registered: set[str]
              ) -> tuple[ExportEntry, list[Any]] | None:
    """The latest listed export of this project and its tasks (verified by sha256, as the build reads it)."""
    exports = open_exports(exports_dir, str(exports_dir), registered)
    entries = [e for e in exports.entries if e.project_title == title and e.project_id in (project_id, None)]
    if not entries:
        return None
    data, problem = exports.read(entries[-1])
    if problem is not None:
        raise StudioError(problem.render())
    return entries[-1], json.loads(data)


def _changes(previous: tuple[ExportEntry, list[Any]] | None, clean: list[dict[str, Any]],
             allow_deleted_tasks: bool) -> Changes:
    if previous is None:
        return Changes(None, sum(len(t.get("annotations") or []) for t in clean), 0, 0)
    entry, old_tasks = previous
    gone = sorted({t.get("id") for t in old_tasks} - {t.get("id") for t in clean})
    if gone and not allow_deleted_tasks:
        raise StudioError(f"task(s) {gone} of {entry.file} are no longer in the project (deleted in Label "
                          "Studio); restore them, or pass --allow-deleted-tasks to drop their annotations")
    old, new = _versions(old_tasks), _versions(clean)
    return Changes(entry.file, len(new.keys() - old.keys()), sum(old[k] != new[k] for k in new.keys() & old.keys()),
                   len(old.keys() - new.keys()), len(gone))


def _versions(tasks: list[dict[str, Any]]) -> dict[tuple[Any, Any], str]:
    return {(t.get("id"), a.get("id")): str(a.get("updated_at")) for t in tasks for a in t.get("annotations") or []}


def _new_name(exports_dir: Path, stem: str) -> str:
    """`stem.json`, or `stem-2.json`, ... when a pull in the same second took that name."""
    names = (f"{stem}{'' if n == 1 else f'-{n}'}.json" for n in range(1, 1000))
    return next(n for n in names if not (exports_dir / n).exists())


def _write(exports_dir: Path, name: str, data: bytes, entry: dict[str, Any]) -> None:
    """The export file (new, never overwritten), then its manifest line."""
    target = exports_dir / name
    if target.exists():
        raise StudioError(f"{target} already exists; exports are never overwritten")
    exports_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    with (exports_dir / MANIFEST).open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False) + "\n")


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "project"


def _version(ls: Any) -> str | None:
    try:
        return str(ls.versions.get().release)
    except Exception:  # noqa: BLE001 - the version is informative only; older servers lack the endpoint
        return None
