"""JSON Schemas (the contract), record validation, and the Arrow / HF Features derived from them."""

from korea_deterrence.schema.features import arrow_schema, features_from_schema
from korea_deterrence.schema.load import load_schema, schema_id
from korea_deterrence.schema.validate import RecordValidator
from korea_deterrence.schema.violations import RULES, Violation, render

__all__ = [
    "RULES",
    "RecordValidator",
    "Violation",
    "arrow_schema",
    "features_from_schema",
    "load_schema",
    "render",
    "schema_id",
]
