"""Talking to a Label Studio server (label-studio-sdk, an optional extra): the client, its errors, push.

Every server or network failure becomes a `StudioError` of one line that says what to do; the
token, response headers and cookies never appear in it.
"""

from __future__ import annotations

import difflib
import json
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

TOKEN_HELP = ("kdc needs a personal access token: in Label Studio open Account & Settings > Personal Access "
              "Token, create one and pass it with --token or $LABEL_STUDIO_API_KEY")
OVERLAP = {"maximum_annotations": 2, "overlap_cohort_percentage": 100}  # every task is annotated twice


class StudioError(Exception):
    """A refused push or pull, with a message fit for the user (never containing the token)."""


@dataclass(frozen=True)
class Server:
    url: str
    token: str

    def __repr__(self) -> str:  # the token never appears in logs or tracebacks
        return f"Server(url={self.url!r}, token=***)"


@contextmanager
def session(server: Server) -> Iterator[Any]:
    """A LabelStudio client whose failures (here or in the block) are StudioErrors of one line."""
    try:
        from label_studio_sdk import LabelStudio
        from label_studio_sdk.core.api_error import ApiError
        import httpx
    except ImportError as err:
        raise StudioError("label-studio-sdk is not installed: pip install 'korea-deterrence[studio]'") from err
    try:
        yield LabelStudio(base_url=server.url, api_key=server.token)
    except ApiError as err:
        raise StudioError(_api_message(server, err.status_code, err.body)) from None
    except httpx.HTTPStatusError as err:
        raise StudioError(_api_message(server, err.response.status_code, None)) from None
    except httpx.HTTPError as err:
        raise StudioError(f"cannot reach Label Studio at {server.url} ({type(err).__name__}): "
                          "is the server running, and is --url (or $LABEL_STUDIO_URL) right?") from None


def _api_message(server: Server, status: int | None, body: Any) -> str:
    url, detail = server.url, body.get("detail") if isinstance(body, dict) else None
    if status == 401:
        legacy = "" if server.token.count(".") == 2 else " (this is a legacy API token, not a personal access token)"
        return f"Label Studio at {url} refused the token (HTTP 401){legacy}; {TOKEN_HELP}"
    if status == 403:
        return f"Label Studio at {url} refused the request (HTTP 403): the token's user may not do this"
    if status == 404:
        return f"Label Studio at {url} answered HTTP 404 (not found): check --url and the project title"
    if status is not None and status >= 500:
        return f"Label Studio at {url} failed with HTTP {status}: see the server's log, then try again"
    return f"Label Studio at {url} refused the request (HTTP {status}): {str(detail)[:200]}"


def find_project(ls: Any, title: str) -> Any | None:
    return next((p for p in ls.projects.list() if p.title == title), None)


def export_tasks(ls: Any, project_id: int) -> Any:
    """The project's full JSON export, parsed."""
    body = ls.projects.exports.as_binary(project_id, export_type="JSON")
    return json.loads(body if isinstance(body, (bytes, bytearray)) else b"".join(body))


def config_diff(on_server: str, ours: str) -> list[str]:
    """The unified diff from the server's labeling config to ours (empty when they are the same)."""
    a, b = on_server.strip().splitlines(), ours.strip().splitlines()
    return [] if a == b else list(difflib.unified_diff(a, b, "on the server", "kdc studio config", lineterm=""))


def push(server: Server, title: str, config: str, tasks: list[dict[str, Any]], force: bool = False,
         overlap: dict[str, int] | None = None, identity: tuple[str, ...] = ("article_id", "text_sha256"),
         ) -> tuple[int, int, int]:
    """Create the project `title` (by default every task annotated twice) and import the tasks it lacks.

    An existing project's config is replaced only when it is the same or `force` is given; a task
    is skipped when the project has one with the same `identity` fields of its data.
    Returns (project id, tasks imported, tasks already present).
    """
    with session(server) as ls:
        project = find_project(ls, title)
        if project is None:
            project = ls.projects.create(title=title, label_config=config, **(OVERLAP if overlap is None else overlap))
        else:
            diff = config_diff(project.label_config or "", config)
            if diff and not force:
                raise StudioError("\n".join(diff) + f"\nproject {title!r} has a different labeling config on the "
                                  "server (above); pass --force to replace it")
            if diff:
                ls.projects.update(id=project.id, label_config=config)
        present = {tuple(t.data.get(k) for k in identity) for t in ls.tasks.list(project=project.id)}
        new = [t for t in tasks if tuple(t["data"][k] for k in identity) not in present]
        if new:
            ls.projects.import_tasks(id=project.id, request=new)
        return project.id, len(new), len(tasks) - len(new)
