"""Golden expectations per shipped article; regenerate with KDC_UPDATE_GOLDEN=1 and review the diff."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from korea_deterrence.corpus import Article, iter_articles, open_sources

GOLDEN = Path(__file__).parent / "golden" / "articles.jsonl"


def summary(article: Article) -> dict[str, Any]:
    """What a reviewer checks by eye: title, structure, sentence ends, and what was changed and why."""
    text = article.text
    sentences = [text[s.start:s.end] for s in article.sentences]
    return {
        "article_id": article.article_id,
        "title": article.title,
        "block_kinds": dict(sorted(Counter(b.kind for b in article.blocks).items())),
        "first_block_kinds": [b.kind for b in article.blocks[:4]],
        "sentences": len(sentences),
        "first_sentence": sentences[0],
        "last_sentence": sentences[-1],
        "dateline": None if article.dateline is None else [article.dateline.published, article.dateline.byline,
                                                         article.dateline.outlet],
        "edits": [{"kinds": list(e.kinds), "raw": [e.raw_start, e.raw_end], "removed_chars": len(e.raw_text),
                   "raw_head": e.raw_text[:40], "replacement": e.text} for e in article.edits],
    }


def _current(corpus_dir: Path) -> list[dict[str, Any]]:
    items = list(iter_articles(open_sources(corpus_dir, "corpus")))
    assert all(isinstance(a, Article) for a in items), items
    return [summary(a) for a in items]


def test_golden_articles(corpus_dir: Path) -> None:
    current = _current(corpus_dir)
    if os.environ.get("KDC_UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text("".join(json.dumps(s, ensure_ascii=False, sort_keys=True) + "\n" for s in current))
        pytest.skip("golden file rewritten; review its diff")
    expected = [json.loads(line) for line in GOLDEN.read_text("utf-8").splitlines()]
    assert [json.loads(json.dumps(s, sort_keys=True)) for s in current] == expected
