"""The codebook's label sets and the actor registry, loaded from the files shipped in this package."""

from __future__ import annotations

import json
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class Actor:
    """One registry actor (schema/actor.schema.json)."""

    actor_id: str
    name: str
    type: str
    aliases: tuple[str, ...]
    wikidata: str | None
    wikidata_note: str


@cache
def load_codebook() -> Codebook:
    """The shipped codebook (annotations/codebook.json)."""
    raw = json.loads(resources.files(_PACKAGE).joinpath("codebook.json").read_text("utf-8"))
    sets = {k: tuple(item["id"] for item in v) for k, v in raw.items() if isinstance(v, list)}
    return Codebook(raw["version"], **sets)


@cache
def load_registry() -> tuple[Actor, ...]:
    """The shipped actor registry (annotations/actors.jsonl), sorted by actor_id."""
    lines = registry_text().splitlines()
    actors = [json.loads(line) for line in lines if line.strip()]
    return tuple(Actor(**{**a, "aliases": tuple(a["aliases"])}) for a in actors)


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
    """Schema and cross-record violations of the registry (ids unique and sorted, aliases unique)."""
    label = "annotations/actors.jsonl"
    text = registry_text() if text is None else text
    validator = RecordValidator("actor", "registry")
    found: list[Violation] = []
    previous, owner = "", {}
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
        previous = actor_id
        for alias in record.get("aliases", []):
            if owner.setdefault(alias, actor_id) != actor_id:
                found.append(Violation(label, number, "/aliases", "registry.alias",
                                       f"alias {alias!r} already belongs to {owner[alias]!r}"))
    return found
