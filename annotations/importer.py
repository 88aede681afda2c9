"""Import of a Label Studio full-JSON export: every rule checked, identities pseudonymized, spans anchored."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Mapping

from korea_deterrence.annotations.anchor import Anchor
from korea_deterrence.annotations.codebook import Actor, Codebook
from korea_deterrence.annotations.reader import AnnotationReader, Context
from korea_deterrence.annotations.records import ExportEntry, LabelSet
from korea_deterrence.schema import Violation


@dataclass(frozen=True, slots=True)
class ArticleText:
    text: str
    text_sha256: str


ImportResult = LabelSet  # the labels of one export (or of all) and everything found wrong


def import_export(data: bytes, entry: ExportEntry, label: str, articles: Mapping[str, ArticleText],
                  codebook: Codebook, actors: tuple[Actor, ...],
                  seen: dict[tuple[str, str], str] | None = None) -> ImportResult:
    """Parse and check one export file's bytes (`label` names it in violations).

    `seen` ((article, annotator) -> where) is shared across exports so that one annotator's
    second annotation of an article is refused wherever it is.
    """
    result = ImportResult()
    tasks = _tasks(data, label, result)
    seen = {} if seen is None else seen
    for ti, task in enumerate(tasks):
        result.tasks += 1
        anchor = _task_anchor(task, ti, label, articles, result)
        if anchor is None:
            continue
        for ai, annotation in enumerate(task.get("annotations") or []):
            _annotation(task, ti, annotation, ai, anchor, entry, label, codebook, actors, seen, result)
    return result


def _tasks(data: bytes, label: str, result: ImportResult) -> list[dict[str, Any]]:
    try:
        tasks = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        line = getattr(err, "lineno", 0)
        result.violations.append(Violation(label, line, "", "export.format", f"not a JSON document: {err}"))
        return []
    if not isinstance(tasks, list) or not all(isinstance(t, dict) for t in tasks):
        result.violations.append(Violation(label, 0, "", "export.format", "expected a JSON list of tasks"))
        return []
    for ti, task in enumerate(tasks):
        if "annotations" not in task or "data" not in task:
            result.violations.append(Violation(
                label, 0, f"/{ti}", "export.format",
                "task has no 'data'/'annotations': this looks like JSON_MIN or CSV-derived JSON, which "
                "loses relations and region links; export Label Studio's full JSON format"))
            return []
    return tasks


def _task_anchor(task: dict[str, Any], ti: int, label: str, articles: Mapping[str, ArticleText],
                 result: ImportResult) -> tuple[str, Anchor, ArticleText] | None:
    data = task["data"]
    article = articles.get(str(data.get("article_id")))
    if article is None:
        result.violations.append(Violation(label, 0, f"/{ti}/data/article_id", "export.article",
                                           f"task {task.get('id')}: unknown article_id {data.get('article_id')!r}"))
        return None
    text = data.get("text")
    declared = data.get("text_sha256")
    if not isinstance(text, str) or hashlib.sha256(text.encode("utf-8")).hexdigest() != declared:
        result.violations.append(Violation(label, 0, f"/{ti}/data/text_sha256", "export.text-changed",
                                           f"task {task.get('id')}: data.text does not hash to data.text_sha256"))
        return None
    return str(data["article_id"]), Anchor(text, article.text), article


def _annotation(task: dict[str, Any], ti: int, annotation: dict[str, Any], ai: int,
                anchored: tuple[str, Anchor, ArticleText], entry: ExportEntry, label: str, codebook: Codebook,
                actors: tuple[Actor, ...], seen: dict[tuple[str, str], str], result: ImportResult) -> None:
    if annotation.get("was_cancelled"):
        result.cancelled += 1
        return
    result.annotations += 1
    article_id, anchor, article = anchored
    ctx = Context(label, f"/{ti}/annotations/{ai}", task.get("id"), annotation.get("id"), article_id,
                  task["data"]["text"], anchor, entry, codebook, {a.actor_id: a for a in actors})
    annotator = ctx.annotator(annotation.get("completed_by"))
    if annotator is None:
        result.violations.append(ctx.violation("/completed_by", "export.unknown-annotator",
                                               f"Label Studio user {annotation.get('completed_by')!r} has no "
                                               f"pseudonym in annotations/exports/MANIFEST.jsonl for {entry.file}"))
        return
    key = (article_id, annotator)
    if key in seen:
        result.violations.append(ctx.violation("", "export.duplicate-annotation",
                                               f"{annotator} already annotated {article_id} in {seen[key]}"))
        return
    seen[key] = f"task {task.get('id')} annotation {annotation.get('id')}"
    labels = AnnotationReader(ctx, annotator, annotation).read()
    if labels.violations:
        result.violations += labels.violations
    else:
        result.add(labels)
