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


def is_calendar_date(value: object) -> bool:
    """`format: date` of our schemas: a real calendar date written YYYY-MM-DD (2026-02-30 is not one)."""
    from datetime import date

    if not isinstance(value, str):
        return True  # formats apply to strings only
    try:
        return len(value) == 10 and date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


FORMATS = {"date": is_calendar_date}  # the one definition both validators use


@dataclass(frozen=True)
class RecordValidator:
    """Validates records of one schema; rule ids are `<prefix>.<unknown-field|missing-field|invalid-value>`."""

    schema_name: str
    prefix: str
    _validator: Draft202012Validator = field(init=False, repr=False)
    _fast: Any = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_validator", explainer(self.schema_name))
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


def explainer(name: str) -> Draft202012Validator:
    """jsonschema's validator of a shipped schema, with our formats: it says why a record is invalid."""
    from jsonschema import Draft202012Validator, FormatChecker

    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    checker = FormatChecker(formats=())
    for format_name, check in FORMATS.items():
        checker.checks(format_name)(check)
    return Draft202012Validator(schema, registry=registry(), format_checker=checker)


@cache
def _compiled(name: str) -> Any:
    return fastjsonschema.compile(bundled(name), formats=FORMATS)


def _pointer(path: Any) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _message(error: ValidationError) -> str:
    if error.validator == "format" and error.validator_value == "date":
        return f"{error.instance!r} is not a calendar date (YYYY-MM-DD)"
    if error.validator == "pattern" and error.validator_value == "\\S":
        return f"{error.instance!r} is blank: give a value, or null with a basis"
    if error.validator == "pattern" and str(error.validator_value).startswith("^https?://"):
        return f"{error.instance!r} is not an absolute http(s) URL with a host"
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"unknown field(s) {', '.join(map(repr, extra))}; allowed: {sorted(error.schema['properties'])}"
    return error.message
