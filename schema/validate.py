"""Record validation against a shipped JSON Schema; returns violations, never raises or prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

import fastjsonschema

from korea_deterrence.schema.load import bundled, load_schema, registry
from korea_deterrence.schema.violations import Violation

if TYPE_CHECKING:  # (jsonschema is imported when a validator is made: most builds never need one)
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

_SUFFIX = {"additionalProperties": "unknown-field", "required": "missing-field"}


@dataclass(frozen=True)
class RecordValidator:
    """Validates records of one schema; rule ids are `<prefix>.<unknown-field|missing-field|invalid-value>`."""

    schema_name: str
    prefix: str
    _validator: Draft202012Validator = field(init=False, repr=False)
    _fast: Any = field(init=False, repr=False)

    def __post_init__(self) -> None:
        from jsonschema import Draft202012Validator

        schema = load_schema(self.schema_name)
        Draft202012Validator.check_schema(schema)
        object.__setattr__(self, "_validator", Draft202012Validator(schema, registry=registry()))
        object.__setattr__(self, "_fast", _compiled(self.schema_name))

    def violations(self, record: Any, file: str, line: int) -> list[Violation]:
        """Every schema violation of `record`, in document order.

        A compiled validator answers the common case (valid) ~50x faster; jsonschema explains failures.
        """
        try:
            self._fast(record)
            return []
        except fastjsonschema.JsonSchemaException:
            pass
        errors = sorted(self._validator.iter_errors(record), key=lambda e: list(map(str, e.path)))
        return [self._violation(e, file, line) for e in errors]

    def _violation(self, error: ValidationError, file: str, line: int) -> Violation:
        rule = f"{self.prefix}.{_SUFFIX.get(str(error.validator), 'invalid-value')}"
        return Violation(file, line, _pointer(error.absolute_path), rule, _message(error))


@cache
def _compiled(name: str) -> Any:
    return fastjsonschema.compile(bundled(name))


def _pointer(path: Any) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _message(error: ValidationError) -> str:
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"unknown field(s) {', '.join(map(repr, extra))}; allowed: {sorted(error.schema['properties'])}"
    return error.message
