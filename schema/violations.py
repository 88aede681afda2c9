"""Validation results as data: one Violation type and the catalogue of rule ids."""

from __future__ import annotations

from dataclasses import dataclass

# Every rule a validator can report. tests/ holds one invalid fixture per rule.
RULES: dict[str, str] = {
    "manifest.json": "a sources manifest line is not UTF-8 or not a JSON object",
    "manifest.unknown-field": "a manifest entry has a field the schema does not define",
    "manifest.missing-field": "a manifest entry lacks a required field",
    "manifest.invalid-value": "a manifest field has a value the schema does not allow",
    "manifest.duplicate-id": "two manifest entries share an article_id",
    "manifest.order": "manifest lines are not sorted by article_id (the build streams them in that order)",
    "manifest.blank-line": "the sources manifest has a blank line",
    "manifest.empty": "the sources manifest lists no article",
    "raw.too-large": "a manifest entry's raw file is larger than the cap per article (--max-article-bytes)",
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
    "release.offsets": "a span row's text is not articles.text[start:end] (text-free: its span lies outside the article)",
    "release.foreign-key": "an id column names a row that its referenced config does not have",
    "release.network": "a network file is not the one the release's claims, articles and actors give (or is absent or extra)",
    "rehydrate.not-text-free": "kdc rehydrate was given a release that is not a text-free variant",
    "rehydrate.version": "the text-free release was made by another kdc version than the one rehydrating it",
    "rehydrate.missing": "no copy of an article of the text-free release was found under --raw",
    "rehydrate.sha256": "a file named as an article's raw file has another sha256 or size (a different copy)",
    "rehydrate.extra": "a file under --raw is a copy of no article of the release",
    "rehydrate.duplicate": "two files under --raw are copies of the same article",
    "rehydrate.span-hash": "a span's text, cut from the rehydrated article, does not match its recorded sha256",
    "rehydrate.not-identical": "the rehydrated data files differ from the full release's recorded sha256",
    "export.manifest.invalid-value": "an exports MANIFEST.jsonl line is not JSON or has a value the schema does not allow",
    "export.manifest.missing-field": "an exports MANIFEST.jsonl entry lacks a required field",
    "export.manifest.unknown-field": "an exports MANIFEST.jsonl entry has a field the schema does not define",
    "export.missing": "MANIFEST.jsonl lists an export file that does not exist",
    "export.unlisted": "an export file is not listed in MANIFEST.jsonl",
    "export.checksum": "an export file's size or sha256 differs from MANIFEST.jsonl",
    "export.format": "an export is not Label Studio's full JSON (not JSON, not a list of tasks, or JSON_MIN/CSV-shaped)",
    "export.article": "a task names an article_id the corpus does not have",
    "export.text-changed": "a task's text does not hash to its text_sha256, or a span cannot be re-anchored exactly",
    "export.unknown-annotator": "a completed_by user has no pseudonym, or a pseudonym is not in annotators.jsonl",
    "export.duplicate-annotation": "the same annotator annotated the same article twice",
    "export.label": "a result's control, label, choice or cluster id is not in the codebook or registry",
    "export.span-range": "a span's start/end is not within the task text",
    "export.span-text": "a span's text is not task text[start:end]",
    "export.region-choice": "a per-region choice or text area does not belong to a region of the right kind",
    "export.relation": "a relation is dangling, not claim-to-mention, or gives a claim a second claimer",
    "export.incomplete": "a mention lacks its actor, a claim an attribute, or the annotation a document stance",
    "export.actor-type": "a mention's label differs from the type of the actor it links to",
    "adjudication.invalid-value": "a decision is not JSON, has a value the schema does not allow, or accepts a value "
                                  "with wrong keys or labels outside the codebook",
    "adjudication.missing-field": "a decision lacks a required field",
    "adjudication.unknown-field": "a decision has a field the schema does not define",
    "adjudication.unknown-adjudicator": "a decision's adjudicator is not in annotators.jsonl",
    "adjudication.duplicate-key": "two decisions on the same item",
    "clusters.invalid-value": "a clusters.jsonl line is not JSON or has a value the cluster schema does not allow",
    "clusters.unknown-annotator": "a cluster names an author (made_by) not registered in annotators.jsonl",
    "clusters.duplicate-id": "a cluster id is listed twice in clusters.jsonl",
    "clusters.unlisted": "gold claims carry a cluster id that clusters.jsonl does not list",
    "clusters.unused": "clusters.jsonl lists a cluster without gold claims in two articles or more",
    "adjudication.orphan": "a decision names an item no annotator produced",
    "adjudication.unresolved": "an item has neither a decision nor unanimous agreement of 2+ annotators "
                               "(reported by validate; the build leaves it out)",
    "adjudication.claimer": "a gold claim's claimer span is not a gold mention (reported by validate; the build "
                            "leaves the claim out)",
    "annotators.package-data": "an annotations directory holds a codebook.json or actors.jsonl that differs from the "
                               "package's, which is the one kdc uses",
    "annotators.invalid-value": "an annotators.jsonl line is not JSON or has a value the schema does not allow",
    "annotators.missing-field": "an annotator record lacks a required field",
    "annotators.unknown-field": "an annotator record has a field the schema does not define",
    "registry.invalid-value": "an actor record has a value the schema does not allow",
    "registry.missing-field": "an actor record lacks a required field",
    "registry.unknown-field": "an actor record has a field the schema does not define",
    "registry.order": "actor ids are not unique and sorted",
    "registry.alias": "an alias belongs to two actors",
    "registry.unattested": "an actor's unattested_aliases are not all among its aliases",
    "registry.superseded": "a superseded actor does not name a current actor and a codebook version, or keeps aliases",
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
