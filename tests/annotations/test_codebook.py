"""The codebook as shipped: codebook.json against its schema and GUIDELINES.md, examples and the practice
set constructed (not from the corpus), every registry alias checked against the shipped articles."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import jsonschema
import pytest

from conftest import REPO_ROOT
from korea_deterrence.annotations.codebook import load_codebook, load_registry
from korea_deterrence.annotations.tasks import alias_matches
from korea_deterrence.corpus import Article, iter_articles, open_sources
from korea_deterrence.schema import load_schema

ANNOTATIONS = REPO_ROOT / "annotations"
GUIDELINES = (ANNOTATIONS / "GUIDELINES.md").read_text("utf-8")
PRACTICE = json.loads((ANNOTATIONS / "calibration" / "practice.json").read_text("utf-8"))


@cache
def corpus_texts() -> tuple[str, ...]:
    """The shipped articles' normalized texts and their raw files' texts."""
    normalized = [a.text for a in iter_articles(open_sources(REPO_ROOT / "corpus", "corpus")) if isinstance(a, Article)]
    raw = [p.read_text("utf-8") for p in sorted((REPO_ROOT / "corpus" / "raw").glob("*.txt"))]
    assert len(normalized) == len(raw) >= 5
    return tuple(normalized + raw)


def in_corpus(snippet: str) -> bool:
    """Whether `snippet` occurs in an article, apostrophes and quotation marks folded."""
    fold = str.maketrans("’‘“”", "''\"\"")
    return any(snippet.translate(fold) in text.translate(fold) for text in corpus_texts())


def test_codebook_is_valid_and_its_version_is_the_guidelines() -> None:
    raw = json.loads((ANNOTATIONS / "codebook.json").read_text("utf-8"))
    jsonschema.validate(raw, load_schema("codebook"))
    for name, items in raw.items():
        if isinstance(items, list):
            ids = [i["id"] for i in items]
            assert len(ids) == len(set(ids)), name
    assert f"**Codebook version {raw['version']}**" in GUIDELINES
    assert len(raw["stance_targets"]) >= 4 and len(raw["claim_topics"]) >= 11


def test_guidelines_define_every_target_and_topic_as_the_codebook_does() -> None:
    raw = json.loads((ANNOTATIONS / "codebook.json").read_text("utf-8"))
    for target in raw["stance_targets"]:
        assert f"| `{target['id']}` |" in GUIDELINES
    for topic in raw["claim_topics"]:  # the table is the codebook's text, word for word
        assert f"| `{topic['id']}` | {topic['definition']} | {topic['include']} | {topic['exclude']} |" in GUIDELINES
        assert f"`{topic['id']}`" in GUIDELINES.split("### 6.1", 1)[1].split("## 7.")[0]  # in the decision tree


def test_no_guideline_example_comes_from_the_corpus() -> None:
    examples = re.findall(r"⟦([^⟧]+)⟧|‹([^›]+)›|\"([^\"\n]{20,})\"", GUIDELINES)
    snippets = [s for group in examples for s in group if len(s) >= 30]  # shorter: common phrases ("has been described as")
    assert len(snippets) > 30
    assert [s for s in snippets if in_corpus(s)] == []


def test_a_sentence_from_the_corpus_would_be_caught() -> None:
    text = corpus_texts()[0]
    sentence = max(re.split(r"(?<=\.)\s", text)[1:6], key=len)[:60]
    assert in_corpus(sentence)


def test_every_alias_occurs_in_the_articles_or_is_flagged_unattested() -> None:
    actors = load_registry()
    matched = {text[s:e] for text in corpus_texts()[:5] for s, e, _ in alias_matches(text, actors)}
    for actor in actors:
        attested = set(actor.aliases) - set(actor.unattested_aliases)
        assert attested <= matched, (actor.actor_id, sorted(attested - matched))
        assert not set(actor.unattested_aliases) & matched, (actor.actor_id, "flagged unattested but occurs")


# every Wikidata id in the registry, each as a stored public source states it (the basis is in wikidata_note)
SOURCED = {"china": "Q148", "iran": "Q794", "japan": "Q17", "nato": "Q7184", "north_korea": "Q423", "russia": "Q159",
           "south_korea": "Q884", "taiwan": "Q865", "united_states": "Q30"}


def test_wikidata_ids_are_not_invented() -> None:
    assert {a.actor_id: a.wikidata for a in load_registry() if a.wikidata is not None} == SOURCED
    for actor in load_registry():
        if actor.wikidata is None:
            assert actor.wikidata_note.startswith("not verified"), actor.actor_id
        else:
            assert actor.wikidata_note.startswith(f"{actor.wikidata} is the Wikidata item") and "usc-isi-i2/t2wml" in actor.wikidata_note


@pytest.mark.parametrize("paragraph", PRACTICE["paragraphs"], ids=lambda p: p["id"])
def test_practice_answers_follow_the_codebook(paragraph: dict) -> None:
    codebook, actors = load_codebook(), {a.actor_id: a for a in load_registry()}
    text, mentions = paragraph["text"], {m["text"] for m in paragraph["mentions"]}
    assert not any(in_corpus(sentence) for sentence in re.split(r"(?<=\.)\s|\n", text) if len(sentence) > 20)
    for mention in paragraph["mentions"]:
        assert mention["text"] in text and actors[mention["actor_id"]].current(codebook.version)
    for claim in paragraph["claims"]:
        assert claim["text"] in text and (claim["attribution"] is None or claim["attribution"] in text)
        assert claim["claimer"] is None or claim["claimer"] in mentions
        assert claim["claim_type"] in codebook.claim_types and claim["checkworthiness"] in codebook.checkworthiness
        assert claim["topic"] in codebook.claim_topics
        assert set(claim["stance"]) <= set(codebook.stance_targets) and "none" not in claim["stance"].values()
        assert claim["source_document"] is None or actors[claim["source_document"]].type == "document"
    assert PRACTICE["codebook_version"] == codebook.version


def test_practice_set_is_small_and_shipped() -> None:
    assert 3 <= len(PRACTICE["paragraphs"]) <= 5
    pyproject = (REPO_ROOT / "pyproject.toml").read_text("utf-8")
    assert '"calibration/*.json"' in pyproject and "annotations/calibration/practice.json" in GUIDELINES
