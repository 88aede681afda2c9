"""The card's Sources section is generated from each article's provenance facts, never written by hand."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from korea_deterrence.loaders.card import sources_section


def test_the_sources_table_shows_each_articles_facts(release: Path) -> None:
    card = (release / "README.md").read_text("utf-8")
    rows = pq.read_table(release / "data" / "articles").to_pylist()
    for row in rows:
        facts = row["provenance"]
        line = next(line for line in card.splitlines() if line.startswith(f"| `{row['article_id']}` |"))
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert cells[1:] == [facts[f]["value"] or "unknown" for f in ("outlet", "url", "published", "byline")]
    assert any(row["provenance"]["url"]["value"] for row in rows)  # (facts were found for this corpus)


def test_a_large_corpus_gets_counts_instead_of_a_table() -> None:
    manifest = {"counts": {"articles": {"train": 5000}}, "provenance": None,
                "provenance_known": {"outlet": 7, "url": 9, "published": 0, "retrieved": 0, "byline": 1, "rights": 0}}
    assert sources_section(manifest).startswith("Of the 5000 articles, provenance is known as follows: outlet for 7, url for 9")
