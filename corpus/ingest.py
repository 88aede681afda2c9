"""The corpus stage: verified raw files in, normalized Article records (or violations) out."""

from __future__ import annotations

import hashlib
from typing import Iterable, Iterator

from korea_deterrence.corpus.blocks import classify, parse_dateline, remove_boilerplate
from korea_deterrence.corpus.normalize import normalize_characters
from korea_deterrence.corpus.records import Article, Block, Dateline, Provenance, Sentence, SourceEntry
from korea_deterrence.corpus.sentences import split_lines
from korea_deterrence.corpus.sources import Sources, read_raw
from korea_deterrence.corpus.textmap import EditedText
from korea_deterrence.schema import Violation

NORMALIZER_VERSION = "1.1.0"  # 1.1.0: a line ending in an emoji after its full stop is prose; symbol-only sentences join the one before


def normalize(article_id: str, raw: str, provenance: Provenance) -> Article:
    """The normalized article of one decoded raw text."""
    doc = EditedText(raw)
    normalize_characters(doc)
    remove_boilerplate(doc)
    text = doc.text
    blocks = classify(text) if text else []
    dateline = next((parse_dateline(text[b.start:b.end]) for b in blocks if b.kind == "dateline"), None)
    title = next((text[b.start:b.end] for b in blocks if b.kind == "title"), None)
    return Article(article_id, title, text, hashlib.sha256(text.encode("utf-8")).hexdigest(), tuple(blocks),
                   tuple(_sentences(text, blocks)), dateline, tuple(doc.edits()), provenance)


def _sentences(text: str, blocks: list[Block]) -> list[Sentence]:
    """Sentences of every block but datelines (blocks are the lines of the normalized text)."""
    lines = [(start, end, i) for i, (kind, start, end) in enumerate(blocks) if kind != "dateline"]
    return split_lines(text, lines, Sentence)


def iter_articles(sources: Sources, entries: Iterable[SourceEntry] | None = None,
                  skip_normalizing: frozenset[str] = frozenset()) -> Iterator[Article | Violation]:
    """Articles in article_id order (of all entries, or of `entries`); a raw file that fails a check
    yields its violations instead. Entries in `skip_normalizing` (reused from a previous build) are
    verified but yield nothing.
    """
    for entry in sources.entries() if entries is None else entries:
        raw, problem = read_raw(sources, entry)
        if problem:
            yield problem
            continue
        if entry.article_id in skip_normalizing:
            continue
        article = normalize(entry.article_id, raw, Provenance.of(entry))
        problems = _article_violations(sources, entry, article)
        yield from problems or [article]


def _article_violations(sources: Sources, entry: SourceEntry, article: Article) -> list[Violation]:
    if not article.text:
        return [Violation(sources.raw_label(entry.raw_file), 0, "", "article.empty",
                          "no text is left after normalization")]
    return _dateline_violations(sources, entry, article.dateline) if article.dateline else []


def _dateline_violations(sources: Sources, entry: SourceEntry, dateline: Dateline) -> list[Violation]:
    found = []
    for name in ("published", "outlet", "byline"):
        declared, printed = getattr(entry, name).value, getattr(dateline, name)
        if declared is not None and printed is not None and declared != printed:
            found.append(Violation(sources.manifest_label, entry.line, f"/{name}/value", "manifest.dateline-mismatch",
                                   f"manifest says {declared!r}, the article's dateline says {printed!r}"))
    return found
