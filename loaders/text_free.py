"""The text-free variant of a release: every field that reproduces article text is left out, as its
schema's `x-article-text` mark says (schema/load.py `text_free`), and restored by `kdc rehydrate`.

`strip` turns a full row into a text-free one; `fill` puts the span texts back from the article text
and checks each against its sha256. Both follow the schema, so a new text field needs only its mark.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, Iterator

from korea_deterrence.schema.load import TEXT_FREE, TEXT_KEYWORD, bundled

VARIANT = "text-free"


def text_free_name(schema: str) -> str:
    """The schema name of `schema`'s records in the text-free release."""
    return schema if schema.endswith(TEXT_FREE) else schema + TEXT_FREE


def full_name(schema: str) -> str:
    """The schema name of the full records of a (text-free or full) schema name."""
    return schema.removesuffix(TEXT_FREE)


def has_text(schema: str) -> bool:
    """Whether records of `schema` carry a field that reproduces or may quote article text."""
    return _marked(bundled(full_name(schema)))


def _marked(node: Any) -> bool:
    if isinstance(node, dict):
        return TEXT_KEYWORD in node or any(_marked(v) for v in node.values())
    return isinstance(node, list) and any(_marked(v) for v in node)


def sha256_text(text: str | None) -> str | None:
    """sha256 of the UTF-8 bytes of a span's text (None stays None)."""
    return None if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()


def strip(row: dict[str, Any], schema: dict[str, Any], text: str | None = None) -> dict[str, Any]:
    """`row` (a record of the bundled `schema`) without its text fields, in the text-free schema's field order;
    free text that may quote the article (`text`) has its quotations replaced by offsets (see `redact`)."""
    out: dict[str, Any] = {}
    for name, node in schema["properties"].items():
        mode, value = node.get(TEXT_KEYWORD), row.get(name)
        if mode == "length":
            out[f"{name}_length"] = len(value)
        elif mode == "hash":
            out[f"{name}_sha256"] = sha256_text(value)
        elif mode == "quotes":
            out[name] = redact(value, text) if value and text else value
        elif mode is None:
            out[name] = _strip_value(value, node, text)
    return out


def _strip_value(value: Any, node: dict[str, Any], text: str | None) -> Any:
    if value is None or not _marked(node):
        return value
    if "properties" in node:
        return strip(value, node, text)
    return [_strip_value(v, node["items"], text) for v in value]


MIN_QUOTE = 16  # code points: a shorter run shared with the article is not taken for a quotation
_OFFSETS = re.compile(r"⟨(\d+):(\d+)⟩")


def redact(value: str, text: str) -> str:
    """`value` with every run of at least MIN_QUOTE code points that also occurs in the article `text`
    replaced by its offsets there, `⟨start:end⟩` (longest runs first, left to right); `restore` undoes it."""
    if _OFFSETS.search(value) or "⟨" in value:
        raise ValueError(f"cannot redact a value that already holds '⟨': {value[:60]!r}")
    out, i = [], 0
    while i < len(value):
        end = i + MIN_QUOTE
        if end <= len(value) and value[i:end] in text:
            while end < len(value) and value[i:end + 1] in text:
                end += 1
            at = text.find(value[i:end])
            out.append(f"⟨{at}:{at + end - i}⟩")
            i = end
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def restore(value: str, text: str) -> str:
    """The value `redact` was given, from its redacted form and the article text."""
    return _OFFSETS.sub(lambda m: text[int(m.group(1)):int(m.group(2))], value)


def _fill_value(value: Any, node: dict[str, Any], text: str) -> Any:
    if value is None or not _marked(node):
        return value
    if node.get(TEXT_KEYWORD) == "quotes":
        return restore(value, text)
    if "properties" in node:
        return {name: _fill_value(value[name], child, text) for name, child in node["properties"].items()}
    return [_fill_value(v, node["items"], text) for v in value]


class SpanMismatch(ValueError):
    """A span's text, cut from the rehydrated article, does not have the sha256 the release records."""


def fill(row: dict[str, Any], schema: dict[str, Any], text: str) -> dict[str, Any]:
    """A text-free record made full again (`schema` bundled): each hashed field `<prefix>text` is the article's
    `text[<prefix>start:<prefix>end]`, checked against its sha256 (SpanMismatch names the field and both
    hashes); quotations in free text are put back."""
    out: dict[str, Any] = {}
    for name, node in schema["properties"].items():
        mode = node.get(TEXT_KEYWORD)
        if mode != "hash":
            out[name] = _fill_value(row[name], node, text)
            continue
        expected = row[f"{name}_sha256"]
        start, end = row[f"{name.removesuffix('text')}start"], row[f"{name.removesuffix('text')}end"]
        value = None if expected is None else text[start:end]
        if sha256_text(value) != expected:
            raise SpanMismatch(f"{name}: text[{start}:{end}] of the rehydrated article has sha256 "
                               f"{sha256_text(value)}, the release records {expected}")
        out[name] = value
    return out


def absent_fields(tables: list[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    """(config, ["`field` (what replaces it)", ...]) for each (config, schema) whose records lose text fields."""
    return [(config, list(_absent(bundled(full_name(schema)), ""))) for config, schema in tables if has_text(schema)]


def _absent(node: dict[str, Any], prefix: str) -> Iterator[str]:
    for name, child in node.get("properties", {}).items():
        mode = child.get(TEXT_KEYWORD)
        if mode == "drop":
            yield f"`{prefix}{name}`"
        elif mode in ("length", "hash"):
            yield f"`{prefix}{name}` (replaced by `{prefix}{name}_{'length' if mode == 'length' else 'sha256'}`)"
        elif mode == "quotes":
            yield f"quotations of the article in `{prefix}{name}` (replaced by their offsets, `⟨start:end⟩`)"
        elif _marked(child):
            yield from _absent(child.get("items", child), f"{prefix}{name}.")
