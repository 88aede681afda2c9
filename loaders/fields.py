"""Field documentation (name, type, meaning, label names) walked from a shipped JSON Schema.

It mirrors the JSON Schema -> Features derivation in `schema/features.py`, so the card's tables and
the Croissant fields describe exactly the columns the Parquet files carry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from korea_deterrence.schema import load_schema
from korea_deterrence.schema.features import node_type
from korea_deterrence.schema.load import ref_target

_SCALARS = {"string": "string", "integer": "int64", "number": "float64", "boolean": "bool"}


@dataclass(frozen=True, slots=True)
class FieldDoc:
    """One column or sub-field: `kind` is a scalar dtype, `class_label` or `struct`."""

    name: str
    kind: str
    description: str
    repeated: bool = False
    labels: tuple[str, ...] = ()
    sub: tuple[FieldDoc, ...] = ()

    @property
    def type_name(self) -> str:
        """The HF-style type shown in the card, e.g. `list<class_label>`."""
        return f"list<{self.kind}>" if self.repeated else self.kind


def schema_fields(schema_name: str) -> tuple[FieldDoc, ...]:
    """The documented top-level fields of records of `<schema_name>.schema.json`, in schema order."""
    root = load_schema(schema_name)
    return _properties(root, root)


def walk(fields: tuple[FieldDoc, ...], prefix: str = "") -> Iterator[tuple[str, FieldDoc]]:
    """Every field with its dotted path (`blocks.kind`), parents before children."""
    for doc in fields:
        path = f"{prefix}{doc.name}"
        yield path, doc
        yield from walk(doc.sub, path + ".")


def label_rows(configs: list[tuple[str, str]]) -> Iterator[dict[str, Any]]:
    """The `labels` config: (config, field, id, name) of every ClassLabel field of the (config, schema) pairs."""
    for config, schema in configs:
        for path, doc in walk(schema_fields(schema)):
            for number, name in enumerate(doc.labels):
                yield {"config": config, "field": path, "id": number, "name": name}


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], str]:
    """The node a `$ref` points to, its root schema, and the first description met on the way."""
    description = node.get("description", "")
    while "$ref" in node:
        node, root = ref_target(node["$ref"], root)
        description = description or node.get("description", "")
    return node, root, description


def _properties(node: dict[str, Any], root: dict[str, Any]) -> tuple[FieldDoc, ...]:
    node, root, _ = _resolve(node, root)
    return tuple(_field(name, sub, root) for name, sub in node["properties"].items())


def _field(name: str, node: dict[str, Any], root: dict[str, Any]) -> FieldDoc:
    node, root, description = _resolve(node, root)
    repeated = node_type(node) == "array"
    if repeated:
        node, root, inner = _resolve(node["items"], root)
        description = description or inner
    kind = node_type(node)
    if kind == "object":
        return FieldDoc(name, "struct", description, repeated, sub=_properties(node, root))
    if "enum" in node:
        labels = tuple(v for v in node["enum"] if v is not None)
        return FieldDoc(name, "class_label", description, repeated, labels)
    return FieldDoc(name, _SCALARS[kind], description, repeated)


