"""Shipped JSON Schemas, found with importlib.resources, and the registry that resolves their `$ref`s."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # (imported by `registry`, which only jsonschema validators need)
    from referencing import Registry


CODEBOOK_KEYWORD = "x-codebook"
TEXT_KEYWORD = "x-article-text"  # a field that reproduces article text ("drop", "length", "hash") or may quote it ("quotes")
TEXT_FREE = ".text-free"  # `<name>.text-free`: the schema of the text-free variant of `<name>`
HASH_PATTERN = "^[0-9a-f]{64}$"


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The schema `<name>.schema.json` shipped in this package, label sets filled in.

    A node `{"x-codebook": "<label set>"}` gets `enum` = the ids of that label set in
    annotations/codebook.json, so label names are written in one place only. `<name>.text-free`
    is the schema of the same records in the text-free release (see `text_free`).
    """
    if name.endswith(TEXT_FREE):
        return text_free(load_schema(name.removesuffix(TEXT_FREE)))
    text = resources.files(__package__).joinpath(f"{name}.schema.json").read_text("utf-8")
    return _with_label_sets(json.loads(text))


@cache
def codebook_label_sets() -> dict[str, list[str]]:
    """Label set name -> ids in order, from the codebook shipped with the annotations package."""
    raw = resources.files("korea_deterrence.annotations").joinpath("codebook.json").read_text("utf-8")
    return {k: [item["id"] for item in v] for k, v in json.loads(raw).items() if isinstance(v, list)}


def _with_label_sets(node: Any) -> Any:
    if isinstance(node, list):
        return [_with_label_sets(x) for x in node]
    if not isinstance(node, dict):
        return node
    filled = {k: _with_label_sets(v) for k, v in node.items()}
    if CODEBOOK_KEYWORD in filled:
        nullable = "null" in (filled.get("type") or [])
        filled["enum"] = codebook_label_sets()[filled[CODEBOOK_KEYWORD]] + ([None] if nullable else [])
    return filled


def text_free(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` without the fields that reproduce article text, each replaced as its `x-article-text`
    says: "drop" removes it, "length" gives `<name>_length` (its length in code points), "hash" gives
    `<name>_sha256` (sha256 of its UTF-8 bytes, so the text can be verified once rehydrated)."""
    out = {**schema, "$id": schema["$id"].replace(":schema:", ":schema:text-free:")} if "$id" in schema else dict(schema)
    if "properties" in schema:
        properties, renamed = {}, {}
        for name, node in schema["properties"].items():
            mode = node.get(TEXT_KEYWORD)
            if mode == "drop":
                renamed[name] = None
            elif mode in ("length", "hash"):
                renamed[name] = new = f"{name}_{'length' if mode == 'length' else 'sha256'}"
                properties[new] = _replacement(node, mode, name)
            else:
                properties[name] = text_free(node) if isinstance(node, dict) else node
        required = [renamed.get(n, n) for n in schema.get("required", ())]
        out |= {"properties": properties, "required": [n for n in required if n is not None]}
    if isinstance(schema.get("items"), dict):
        out["items"] = text_free(schema["items"])
    return out


def _replacement(node: dict[str, Any], mode: str, name: str) -> dict[str, Any]:
    nullable = isinstance(node.get("type"), list) and "null" in node["type"]
    if mode == "length":
        return {"type": "integer", "minimum": 0,
                "description": f"Length of `{name}` in code points (`{name}` itself is absent from the text-free release)."}
    return {"type": ["string", "null"] if nullable else "string", "pattern": HASH_PATTERN,
            "description": f"sha256 of the UTF-8 bytes of `{name}` (absent from the text-free release; "
                           f"`kdc rehydrate` restores it and checks it against this hash)."}


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
    from referencing import Registry, Resource

    return Registry().with_resources((i, Resource.from_contents(s)) for i, s in schemas_by_id().items())


def ref_target(ref: str, root: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The node a `$ref` points to, in `root` or in another shipped schema (by `$id`), and that node's
    root schema."""
    uri, _, fragment = ref.partition("#")
    target_root = schemas_by_id()[uri] if uri else root
    node = target_root
    for part in fragment.strip("/").split("/") if fragment else ():
        node = node[part]
    return node, target_root


def bundled(name: str) -> dict[str, Any]:
    """The schema with every `$ref` inlined and ids dropped: a self-contained draft-7-compatible
    document for compiled validators (our schemas use no recursion and no 2020-12-only keyword)."""
    schema = load_schema(name)
    return _inline(schema, schema)


def _inline(node: Any, root: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_inline(x, root) for x in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target, target_root = ref_target(node["$ref"], root)
        rest = {k: _inline(v, root) for k, v in node.items() if k != "$ref"}
        return {**_inline(target, target_root), **rest}
    return {k: _inline(v, root) for k, v in node.items() if k not in ("$schema", "$id", "$defs")}
