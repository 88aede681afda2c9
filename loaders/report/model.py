"""What the explorer shows, read from a built release: spans with their labels, articles, clusters, actors."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from korea_deterrence.loaders.card import data_checksum
from korea_deterrence.loaders.release_rows import read_rows


@dataclass(frozen=True, slots=True)
class Span:
    """One gold mention or claim, with its labels as text."""

    span_id: str
    layer: str  # "mention" or "claim"
    article_id: str
    start: int
    end: int
    text: str | None
    labels: tuple[tuple[str, str], ...]  # (field, value) shown on hover, focus and in the span table

    @property
    def info(self) -> str:
        return f"{self.layer} {self.start}-{self.end}: " + "; ".join(f"{k}: {v}" for k, v in self.labels)


@dataclass(frozen=True, slots=True)
class Article:
    article_id: str
    title: str | None
    outlet: str  # the outlet's name, or "unknown outlet (<article_id>)": each unknown one counted apart
    text: str | None  # None in a text-free release
    blocks: tuple[tuple[str, int, int], ...]
    sentences: tuple[tuple[int, int], ...]
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class Release:
    """The release as the explorer needs it."""

    version: str
    checksum: str
    citation: str
    manifest: dict[str, Any]
    articles: tuple[Article, ...]
    claims: list[dict[str, Any]]
    mentions: list[dict[str, Any]]
    actors: dict[str, str]  # actor_id -> name
    has_text: bool
    has_topic: bool


def load_release(root: Path) -> Release:
    """Read the configs, card and manifest of the release at `root`."""
    manifest = json.loads((root / "manifest.json").read_text("utf-8"))
    card = (root / "README.md").read_text("utf-8")
    bib = re.search(r"```bibtex\n(.*?)```", card, re.S)
    actors = {a["actor_id"]: a["name"] for a in read_rows(root, "actors")}
    mentions, claims = read_rows(root, "mentions"), read_rows(root, "claims")
    rows = read_rows(root, "articles")
    spans = [_mention(m, actors) for m in mentions] + [_claim(c, actors) for c in claims]
    articles = tuple(_article(a, [s for s in spans if s.article_id == a["article_id"]]) for a in rows)
    return Release(manifest["version"], data_checksum(manifest), bib.group(1) if bib else "", manifest, articles,
                   claims, mentions, actors, bool(rows) and "text" in rows[0], bool(claims) and "topic" in claims[0])


def _article(row: dict[str, Any], spans: list[Span]) -> Article:
    outlet = row["provenance"]["outlet"]["value"] or f"unknown outlet ({row['article_id']})"
    return Article(row["article_id"], row.get("title"), outlet, row.get("text"),
                   tuple((b["kind"], b["start"], b["end"]) for b in row.get("blocks") or ()),
                   tuple((s["start"], s["end"]) for s in row.get("sentences") or ()),
                   tuple(sorted(spans, key=lambda s: (s.start, -s.end, s.layer, s.span_id))))


def _mention(row: dict[str, Any], actors: dict[str, str]) -> Span:
    labels = (("type", row["mention_type"]), ("actor", f"{actors.get(row['actor_id'], '?')} ({row['actor_id']})"))
    return Span(row["mention_id"], "mention", row["article_id"], row["start"], row["end"], row.get("text"), labels)


def claimer(row: dict[str, Any], actors: dict[str, str]) -> str:
    """The claimer as text: the actor's name and id, or the outlet itself."""
    actor = row["claimer_actor_id"]
    return "the outlet itself" if actor is None else f"{actors.get(actor, '?')} ({actor})"


def _claim(row: dict[str, Any], actors: dict[str, str]) -> Span:
    labels = [("type", row["claim_type"]), ("check-worthiness", row["checkworthiness"]),
              ("claimer", claimer(row, actors)), ("cluster", row["cluster_id"] or "none")]
    labels += [("topic", row["topic"] or "none")] if "topic" in row else []
    labels += [(f"stance: {s['target']}", s["label"]) for s in row["stance"]]
    return Span(row["claim_id"], "claim", row["article_id"], row["start"], row["end"], row.get("text"), tuple(labels))
