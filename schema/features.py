"""The one derivation from a JSON Schema to HF `Features` (and from those to the Arrow schema).

The feature types here mirror the four of `datasets` that the schemas need (`Value`, `ClassLabel`,
`List`, and a dict for a struct) and serialize exactly as `datasets` does, into the Parquet files'
`huggingface` metadata and the card's `dataset_info`, so that building a release does not import
`datasets` (about a second, most of a small build's time). Tests check that these equal what the
installed `datasets` derives, Arrow schema and metadata bytes included.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Union

import pyarrow as pa

from korea_deterrence.schema.load import ref_target

_SCALARS = {"string": "string", "integer": "int64", "number": "float64", "boolean": "bool"}
_ARROW = {"string": pa.string(), "int64": pa.int64(), "float64": pa.float64(), "bool": pa.bool_()}


@dataclass(frozen=True)
class Value:
    dtype: str


@dataclass(frozen=True)
class ClassLabel:
    """Strings of a closed set, stored as their ids (the index in `names`)."""

    names: list[str]


@dataclass(frozen=True)
class List:
    feature: Feature


Feature = Union[Value, ClassLabel, List, dict[str, Any]]  # a dict of features is a struct


class Features(dict[str, Feature]):
    """The features of a record: field name to feature, in the schema's order."""

    @cached_property
    def arrow_schema(self) -> pa.Schema:
        """The Arrow schema with the `huggingface` metadata `datasets` writes and reads."""
        metadata = {"huggingface": json.dumps({"info": {"features": self.to_dict()}})}
        return pa.schema([pa.field(name, _arrow_type(f)) for name, f in self.items()], metadata=metadata)

    def to_dict(self) -> dict[str, Any]:
        """As `datasets.Features.to_dict`."""
        return {name: _to_dict(f) for name, f in self.items()}

    def to_yaml_list(self) -> list[dict[str, Any]]:
        """As `datasets.Features._to_yaml_list`: the card's `dataset_info.features`."""
        return [{"name": name, **_to_yaml(f)} for name, f in self.items()]


def _arrow_type(feature: Feature) -> pa.DataType:
    if isinstance(feature, Value):
        return _ARROW[feature.dtype]
    if isinstance(feature, ClassLabel):
        return pa.int64()
    if isinstance(feature, List):
        return pa.list_(_arrow_type(feature.feature))
    return pa.struct([pa.field(name, _arrow_type(f)) for name, f in feature.items()])


def _to_dict(feature: Feature) -> dict[str, Any]:
    if isinstance(feature, Value):
        return {"dtype": feature.dtype, "_type": "Value"}
    if isinstance(feature, ClassLabel):
        return {"names": list(feature.names), "_type": "ClassLabel"}
    if isinstance(feature, List):
        return {"feature": _to_dict(feature.feature), "_type": "List"}
    return {name: _to_dict(f) for name, f in feature.items()}


def _to_yaml(feature: Feature) -> dict[str, Any]:
    """One feature's YAML entry (without its name); a list of a scalar or a struct is written inline."""
    if isinstance(feature, Value):
        return {"dtype": feature.dtype}
    if isinstance(feature, ClassLabel):
        return {"dtype": {"class_label": {"names": {str(i): name for i, name in enumerate(feature.names)}}}}
    if isinstance(feature, List):
        inner = _to_yaml(feature.feature)
        return {"list": inner[next(iter(inner))] if list(inner) in (["dtype"], ["struct"]) else inner}
    return {"struct": [{"name": name, **_to_yaml(f)} for name, f in feature.items()]}


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
    if not ref.partition("#")[2].startswith("/$defs/"):
        raise ValueError(f"only $defs references are supported, got {ref!r}")
    return _resolve(*ref_target(ref, root))


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
