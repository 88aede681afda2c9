"""Label Studio tasks for articles, with mentions pre-annotated from the registry's aliases."""

from __future__ import annotations

import re
from typing import Any, Iterable, Iterator

from korea_deterrence.annotations.codebook import Actor
from korea_deterrence.annotations.labelconfig import ACTOR, MENTION
from korea_deterrence.corpus import Article
from korea_deterrence.loaders.version import VERSION

MODEL_VERSION = f"kdc-alias-matcher-{VERSION}"


def alias_matches(text: str, actors: tuple[Actor, ...]) -> Iterator[tuple[int, int, Actor]]:
    """Whole-word, case-sensitive, longest-first, non-overlapping matches of registry aliases."""
    owner = {alias: actor for actor in actors for alias in actor.aliases}
    if not owner:
        return
    alternatives = "|".join(re.escape(a) for a in sorted(owner, key=lambda a: (-len(a), a)))
    for m in re.finditer(rf"(?<!\w)(?:{alternatives})(?!\w)", text):
        yield m.start(), m.end(), owner[m.group()]


def prediction(text: str, actors: tuple[Actor, ...]) -> dict[str, Any]:
    """A Label Studio prediction: one mention region plus its actor choice per alias match."""
    result: list[dict[str, Any]] = []
    for start, end, actor in alias_matches(text, actors):
        region = f"p{start}_{end}"
        span = {"start": start, "end": end, "text": text[start:end]}
        result.append({"id": region, "from_name": MENTION, "to_name": "text", "type": "labels",
                       "value": {**span, "labels": [actor.type]}})
        result.append({"id": region, "from_name": ACTOR, "to_name": "text", "type": "choices",
                       "value": {**span, "choices": [actor.actor_id]}})
    return {"model_version": MODEL_VERSION, "result": result}


def task(article: Article, actors: tuple[Actor, ...]) -> dict[str, Any]:
    """The task of one article: the text it was annotated on, anchored by text_sha256."""
    return {
        "data": {
            "article_id": article.article_id,
            "text": article.text,
            "text_sha256": article.text_sha256,
            "title": article.title or "(no headline)",
            "outlet": article.provenance.outlet.value or "unknown outlet",
        },
        "predictions": [prediction(article.text, actors)],
    }


def tasks(articles: Iterable[Article], actors: tuple[Actor, ...]) -> list[dict[str, Any]]:
    """Tasks in article_id order."""
    return [task(a, actors) for a in sorted(articles, key=lambda a: a.article_id)]
