"""The codebook's label sets and the actor registry, loaded from the files shipped in this package."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources

from korea_deterrence.schema import RecordValidator, Violation

_PACKAGE = "korea_deterrence.annotations"


@dataclass(frozen=True, slots=True)
class Codebook:
    """Label sets (ids in ClassLabel order) of one codebook version."""

    version: str
    stance_targets: tuple[str, ...]
    stance_labels: tuple[str, ...]
    claim_types: tuple[str, ...]
    checkworthiness: tuple[str, ...]
    mention_types: tuple[str, ...]
    claim_topics: tuple[str, ...] = ()
    since: tuple[tuple[str, str, str], ...] = ()  # (label set, id, version that added it), for labels after 1.0.0

    def has(self, feature: str) -> bool:
        """Whether this codebook version has `feature` (a control that is not a label set: see FEATURES)."""
        return version_key(self.version) >= version_key(FEATURES[feature])

    def at(self, version: str) -> Codebook:
        """The label sets as codebook `version` had them: labels added by a later version are left out, so
        labels made under an earlier codebook are not asked for what it did not have."""
        added = {(name, label): since for name, label, since in self.since}
        sets = {name: tuple(label for label in getattr(self, name)
                            if version_key(added.get((name, label), "1.0.0")) <= version_key(version))
                for name in LABEL_SETS}
        return replace(self, version=version, **sets)


FEATURES = {"attribution": "2.0.0", "unsure": "2.0.0"}  # the version that added each; labels before it have none
LABEL_SETS = ("stance_targets", "stance_labels", "claim_types", "checkworthiness", "mention_types", "claim_topics")


def version_key(version: str) -> tuple[int, ...]:
    """A MAJOR.MINOR.PATCH version as a tuple that sorts like the version."""
    return tuple(int(part) for part in re.findall(r"\d+", version)[:3])


@dataclass(frozen=True, slots=True)
class Actor:
    """One registry actor (schema/actor.schema.json)."""

    actor_id: str
    name: str
    type: str
    aliases: tuple[str, ...]
    wikidata: str | None
    wikidata_note: str
    unattested_aliases: tuple[str, ...] = ()
    superseded_by: str | None = None
    superseded_in: str | None = None

    def current(self, version: str) -> bool:
        """Whether labels made under codebook `version` may link to this actor (it is not superseded then)."""
        return self.superseded_in is None or version_key(version) < version_key(self.superseded_in)


@cache
def load_codebook() -> Codebook:
    """The shipped codebook (annotations/codebook.json)."""
    raw = json.loads(resources.files(_PACKAGE).joinpath("codebook.json").read_text("utf-8"))
    sets = {k: tuple(item["id"] for item in v) for k, v in raw.items() if isinstance(v, list)}
    since = tuple((k, item["id"], item["since"]) for k, v in raw.items() if isinstance(v, list)
                  for item in v if "since" in item)
    return Codebook(raw["version"], **sets, since=since)


@cache
def load_registry() -> tuple[Actor, ...]:
    """The shipped actor registry (annotations/actors.jsonl), sorted by actor_id."""
    lines = registry_text().splitlines()
    actors = [json.loads(line) for line in lines if line.strip()]
    return tuple(Actor(**{**a, "aliases": tuple(a["aliases"]), "unattested_aliases": tuple(a["unattested_aliases"])})
                 for a in actors)


@dataclass(frozen=True, slots=True)
class Annotator:
    """A pseudonymous annotator or adjudicator (schema/annotator.schema.json)."""

    annotator_id: str
    kind: str
    description: str


def registry_text() -> str:
    """The shipped actor registry's text (annotations/actors.jsonl)."""
    return resources.files(_PACKAGE).joinpath("actors.jsonl").read_text("utf-8")


def registry_violations(text: str | None = None) -> list[Violation]:
    """Schema and cross-record violations of the registry (ids unique and sorted, aliases unique, unattested
    aliases among the aliases, a superseded actor replaced by a current one and without aliases)."""
    label = "annotations/actors.jsonl"
    text = registry_text() if text is None else text
    validator = RecordValidator("actor", "registry")
    found: list[Violation] = []
    previous, owner, records = "", {}, {}
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            found.append(Violation(label, number, "", "registry.invalid-value", f"not a JSON object: {err.msg}"))
            continue
        found += validator.violations(record, label, number)
        actor_id = record.get("actor_id", "")
        if actor_id <= previous:
            found.append(Violation(label, number, "/actor_id", "registry.order", f"{actor_id!r} is not after {previous!r}"))
        previous, records[actor_id] = actor_id, (number, record)
        for alias in record.get("aliases", []):
            if owner.setdefault(alias, actor_id) != actor_id:
                found.append(Violation(label, number, "/aliases", "registry.alias",
                                       f"alias {alias!r} already belongs to {owner[alias]!r}"))
        stray = [a for a in record.get("unattested_aliases", []) if a not in record.get("aliases", [])]
        if stray:
            found.append(Violation(label, number, "/unattested_aliases", "registry.unattested",
                                   f"{stray} are not among the actor's aliases"))
    return found + _superseded_violations(label, records)


def _superseded_violations(label: str, records: dict[str, tuple[int, dict]]) -> list[Violation]:
    """A superseded actor names a current actor, the version it was superseded in, and has no aliases."""
    found = []
    for number, record in records.values():
        by, since = record.get("superseded_by"), record.get("superseded_in")
        if by is None and since is None:
            continue
        target = records.get(by, (0, {}))[1] if isinstance(by, str) else {}
        if not target or target.get("superseded_by") is not None or since is None or record.get("aliases"):
            found.append(Violation(label, number, "/superseded_by", "registry.superseded",
                                   f"{record.get('actor_id')!r} is superseded by {by!r} in {since!r}: expected an actor "
                                   "that is not superseded itself, a codebook version, and no aliases (the new actor has them)"))
    return found
