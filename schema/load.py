"""Shipped JSON Schemas, found with importlib.resources, and the registry that resolves their `$ref`s."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from referencing import Registry, Resource


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The schema `<name>.schema.json` shipped in this package."""
    text = resources.files(__package__).joinpath(f"{name}.schema.json").read_text("utf-8")
    return json.loads(text)


def schema_id(name: str) -> str:
    """The versioned `$id` of a shipped schema."""
    return load_schema(name)["$id"]


@cache
def schemas_by_id() -> dict[str, dict[str, Any]]:
    """Every shipped schema, keyed on its `$id`."""
    files = resources.files(__package__).iterdir()
    names = sorted(p.name.removesuffix(".schema.json") for p in files if p.name.endswith(".schema.json"))
    schemas = [load_schema(n) for n in names]
    return {s["$id"]: s for s in schemas}


@cache
def registry() -> Registry:
    """A `referencing` registry of every shipped schema, for cross-file `$ref`s."""
    return Registry().with_resources((i, Resource.from_contents(s)) for i, s in schemas_by_id().items())
