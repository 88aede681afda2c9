"""The one derivation from a JSON Schema to HF `Features` (and from those to the Arrow schema)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from datasets import ClassLabel, Features, List, Value

from korea_deterrence.schema.load import schemas_by_id

_SCALARS = {"string": "string", "integer": "int64", "number": "float64", "boolean": "bool"}


def features_from_schema(schema: dict[str, Any]) -> Features:
    """HF Features for records valid under `schema` (an object schema, 2020-12).

    Enums become ClassLabel (names in enum order), arrays of objects become `List({...})`,
    nested objects become structs, nullable types map to their non-null type.
    """
    return Features(_object(schema, schema))


def arrow_schema(schema: dict[str, Any]) -> pa.Schema:
    """The Arrow schema, with HF metadata, that Parquet files of these records are written with."""
    return features_from_schema(schema).arrow_schema


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The node a `$ref` points to (local or in another shipped schema) and that node's root."""
    ref = node.get("$ref")
    if ref is None:
        return node, root
    uri, _, fragment = ref.partition("#")
    target = schemas_by_id()[uri] if uri else root
    if not fragment.startswith("/$defs/"):
        raise ValueError(f"only $defs references are supported, got {ref!r}")
    return _resolve(target["$defs"][fragment.removeprefix("/$defs/")], target)


def node_type(node: dict[str, Any]) -> str:
    """The single non-null JSON type of a schema node (an enum without type is a string)."""
    if "enum" in node and "type" not in node:
        return "string"
    kinds = node.get("type")
    kinds = [kinds] if isinstance(kinds, str) else [k for k in kinds or [] if k != "null"]
    if len(kinds) != 1:
        raise ValueError(f"cannot derive a feature from type {node.get('type')!r}")
    return kinds[0]


def _object(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    node, root = _resolve(node, root)
    return {name: _feature(sub, root) for name, sub in node["properties"].items()}


def _feature(node: dict[str, Any], root: dict[str, Any]) -> Any:
    node, root = _resolve(node, root)
    kind = node_type(node)
    if kind == "object":
        return _object(node, root)
    if kind == "array":
        return List(_feature(node["items"], root))
    if "enum" in node:
        return ClassLabel(names=[v for v in node["enum"] if v is not None])
    return Value(_SCALARS[kind])
