"""`kdc validate` on sources: every check of a build, plus each article record against its schema."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from korea_deterrence.annotations.importer import ArticleText
from korea_deterrence.annotations.referenced import referenced_articles
from korea_deterrence.annotations.stage import EXPORTS, load_annotations
from korea_deterrence.corpus import Sources, as_record, iter_articles
from korea_deterrence.corpus.records import Article
from korea_deterrence.schema import RecordValidator, Violation


def validate_sources(sources: Sources, progress: Callable[[int], None] | None = None,
                     annotations: Path | None = None) -> tuple[list[Violation], int]:
    """All violations in `sources` and the annotations (unresolved disagreements included),
    and the number of valid articles; nothing is written."""
    violations = list(sources.violations)
    validator = RecordValidator("article", "article")
    valid = 0
    root = annotations
    wanted, texts = referenced_articles(root / EXPORTS if root else None), {}
    for count, item in enumerate(iter_articles(sources), start=1):
        if isinstance(item, Violation):
            violations.append(item)
        else:
            if item.article_id in wanted:
                texts[item.article_id] = ArticleText(item.text, item.text_sha256)
            found = validator.violations(as_record(item), sources.raw_label(item.provenance.raw_file), 0)
            found += span_violations(item, sources.raw_label(item.provenance.raw_file))
            violations.extend(found)
            valid += not found
        if progress:
            progress(count)
    if not violations:
        loaded = load_annotations(root, texts)
        violations += loaded.violations + loaded.unresolved
    return violations, valid


def span_violations(article: Article, label: str) -> list[Violation]:
    """Offsets of blocks, sentences and edits that are out of range, out of order or wrong."""
    found: list[Violation] = []
    text = article.text
    for name, spans in (("blocks", article.blocks), ("sentences", article.sentences)):
        previous_end = 0
        for i, span in enumerate(spans):
            if not previous_end <= span.start < span.end <= len(text):
                found.append(Violation(label, 0, f"/{name}/{i}", "article.offsets",
                                       f"span [{span.start}, {span.end}) is out of range or order"))
            previous_end = max(previous_end, span.end)
    for i, edit in enumerate(article.edits):
        if text[edit.start:edit.end] != edit.text:
            found.append(Violation(label, 0, f"/edits/{i}", "article.offsets",
                                   f"text[{edit.start}:{edit.end}] is not the recorded replacement"))
    return found
