"""Validation results as data: one Violation type and the catalogue of rule ids."""

from __future__ import annotations

from dataclasses import dataclass

# Every rule a validator can report. tests/ holds one invalid fixture per rule.
RULES: dict[str, str] = {
    "manifest.json": "a sources manifest line is not a JSON object",
    "manifest.unknown-field": "a manifest entry has a field the schema does not define",
    "manifest.missing-field": "a manifest entry lacks a required field",
    "manifest.invalid-value": "a manifest field has a value the schema does not allow",
    "manifest.duplicate-id": "two manifest entries share an article_id",
    "manifest.dateline-mismatch": "provenance contradicts the dateline printed in the article",
    "raw.missing": "a manifest entry names a raw file that does not exist",
    "raw.unlisted": "a raw file is not listed in the manifest",
    "raw.sha256": "a raw file's size or sha256 differs from the manifest",
    "raw.duplicate": "two manifest entries have the same raw bytes",
    "raw.utf8": "a raw file is not valid UTF-8",
    "article.empty": "an article has no text left after normalization",
    "article.unknown-field": "an article record has a field the schema does not define",
    "article.missing-field": "an article record lacks a required field",
    "article.invalid-value": "an article record field has a value the schema does not allow",
    "article.offsets": "a block, sentence or edit offset is out of range, out of order, or wrong",
    "release.unreadable": "a release file (Parquet, card YAML, manifest.json, SHA256SUMS) cannot be read or parsed",
    "release.unlisted": "a release file is not listed in SHA256SUMS",
    "release.missing": "SHA256SUMS lists a file the release does not have",
    "release.sha256": "a release file's sha256 differs from SHA256SUMS",
    "release.manifest": "manifest.json names a config or schema the release or package does not have",
    "release.count": "a config's row count differs from manifest.json",
    "release.features": "a Parquet file's HF features differ from the card's dataset_info (names, types, label order)",
    "release.record": "a row is not valid against the JSON Schema named in manifest.json",
    "release.offsets": "a span row's text is not articles.text[start:end]",
    "release.foreign-key": "an id column names a row that its referenced config does not have",
}


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule, located by file, 1-based line (0 = whole file) and JSON pointer."""

    file: str
    line: int
    pointer: str
    rule: str
    message: str

    def render(self) -> str:
        """The `file:line: [rule] /pointer: message` line the CLI prints."""
        return f"{self.file}:{self.line}: [{self.rule}] {self.pointer or '/'}: {self.message}"


def render(violations: list[Violation], cap: int = 200) -> str:
    """All violations, one per line, capped with a count of the rest."""
    lines = [v.render() for v in violations[:cap]]
    if len(violations) > cap:
        lines.append(f"... and {len(violations) - cap} more violations")
    return "\n".join(lines)
