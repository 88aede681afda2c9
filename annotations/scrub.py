"""Every user reference in a Label Studio export rewritten to its pseudonym, before the file is written.

A full JSON export names users in many places: `completed_by` and `updated_by` (ids), drafts'
`user` and `created_username` (e-mail addresses), `comment_authors`, user objects in snapshot
exports. Task `data` (what `kdc studio push` imported) is left as it is; everything else is walked.
A user without a pseudonym, or an e-mail address that remains, refuses the whole export.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

USER_KEYS = frozenset({"completed_by", "updated_by", "created_by", "last_created_by", "user", "user_id",
                       "reviewed_by", "annotator", "owner", "assignee", "resolved_by", "comment_authors", "assignees"})
NAME_KEY = re.compile(r"(^|_)(username|email|first_name|last_name|initials|avatar)$")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
TRAILING_ID = re.compile(r",\s*(\d+)$")  # created_username: "e-mail, id"


@dataclass(frozen=True)
class User:
    """A Label Studio user as the server lists it (kept in memory only, never written)."""

    id: int
    email: str
    username: str


class Unmapped(Exception):
    """Users without a pseudonym, or e-mail addresses that would remain: (pointer, what) pairs."""

    def __init__(self, users: dict[int, str], emails: list[str]) -> None:
        super().__init__(users, emails)
        self.users = users  # user id -> first pointer where it appears
        self.emails = emails  # pointers


class Scrubber:
    """Rewrites user references to pseudonyms; collects what it cannot map."""

    def __init__(self, users: list[User], pseudonyms: dict[int, str]) -> None:
        self.pseudonyms = pseudonyms
        self.by_name = {n.lower(): u.id for u in users for n in (u.email, u.username) if n}
        self.unmapped: dict[int, str] = {}

    def tasks(self, tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The tasks with every user reference outside `data` replaced; raises Unmapped."""
        clean = [{k: (v if k == "data" else self._value(v, f"/{i}/{k}", k)) for k, v in t.items()}
                 for i, t in enumerate(tasks)]
        emails = [p for i, t in enumerate(clean) for p in _emails({k: v for k, v in t.items() if k != "data"}, f"/{i}")]
        if self.unmapped or emails:
            raise Unmapped(self.unmapped, emails)
        return clean

    def _value(self, value: Any, pointer: str, key: str) -> Any:
        if key in USER_KEYS:
            return self._users(value, pointer)
        if NAME_KEY.search(key) and isinstance(value, str) and value:
            return self._named(value, pointer)
        if isinstance(value, dict):
            return {k: self._value(v, f"{pointer}/{k}", k) for k, v in value.items()}
        if isinstance(value, list):
            return [self._value(v, f"{pointer}/{i}", key) for i, v in enumerate(value)]
        return value

    def _users(self, value: Any, pointer: str) -> Any:
        if isinstance(value, list):
            return [self._users(v, f"{pointer}/{i}") for i, v in enumerate(value)]
        if isinstance(value, dict) and "id" in value:
            return self._pseudonym(value["id"], pointer)
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int):
            return self._pseudonym(value, pointer)
        if isinstance(value, str):
            return self._named(value, pointer)
        return self._value(value, pointer, "")

    def _named(self, value: str, pointer: str) -> str:
        if value in self.pseudonyms.values():
            return value
        found = self.by_name.get(value.lower())
        if found is None:
            trailing = TRAILING_ID.search(value)
            head = value[:trailing.start()] if trailing else value
            found = self.by_name.get(head.strip().lower(), int(trailing.group(1)) if trailing else None)
        if found is None:
            self.unmapped.setdefault(-1, pointer)  # a name of no known user
            return value
        return self._pseudonym(found, pointer)

    def _pseudonym(self, user: Any, pointer: str) -> Any:
        if isinstance(user, int) and user in self.pseudonyms:
            return self.pseudonyms[user]
        self.unmapped.setdefault(user if isinstance(user, int) else -1, pointer)
        return user


def _emails(value: Any, pointer: str) -> list[str]:
    """Pointers of strings that still hold an e-mail address."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _emails(v, f"{pointer}/{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _emails(v, f"{pointer}/{i}")]
    return [pointer] if isinstance(value, str) and EMAIL.search(value) else []
