"""Import of a Label Studio full-JSON export: every rule checked, identities pseudonymized, spans anchored."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Mapping

from korea_deterrence.annotations.anchor import Anchor
from korea_deterrence.annotations.codebook import Actor, Codebook
from korea_deterrence.annotations.current import Located, Parsed, current_annotations
from korea_deterrence.annotations.reader import AnnotationReader, Context
from korea_deterrence.annotations.records import ExportEntry, LabelSet
from korea_deterrence.schema import Violation


@dataclass(frozen=True, slots=True)
class ArticleText:
    text: str
    text_sha256: str


ImportResult = LabelSet  # the labels of one export (or of all) and everything found wrong


def parse_export(data: bytes, entry: ExportEntry, label: str, result: ImportResult) -> Parsed:
    """An export's tasks (none, with a violation in `result`, when it is not a full JSON export)."""
    return Parsed(entry, label, _tasks(data, label, result))


def import_current(exports: list[Parsed], articles: Mapping[str, ArticleText], codebook: Codebook,
                   actors: tuple[Actor, ...]) -> ImportResult:
    """Check and read the annotation versions that count (annotations/current.py), each once."""
    result = ImportResult()
    anchors: dict[tuple[str, int], tuple[str, Anchor, ArticleText] | None] = {}
    seen: dict[tuple[str, str], str] = {}  # (article, annotator) -> where: one annotation each
    for loc in current_annotations(exports):
        where = (loc.export.label, loc.task_index)
        if where not in anchors:
            result.tasks += 1
            anchors[where] = _task_anchor(loc.task, loc.task_index, loc.export.label, articles, result)
        if anchors[where] is not None:
            _annotation(loc, anchors[where], codebook, actors, seen, result)
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


def _annotation(loc: Located, anchored: tuple[str, Anchor, ArticleText], codebook: Codebook,
                actors: tuple[Actor, ...], seen: dict[tuple[str, str], str], result: ImportResult) -> None:
    task, annotation, entry, label = loc.task, loc.annotation, loc.export.entry, loc.export.label
    if annotation.get("was_cancelled"):
        result.cancelled += 1
        return
    result.annotations += 1
    article_id, anchor, article = anchored
    ctx = Context(label, f"/{loc.task_index}/annotations/{loc.annotation_index}", task.get("id"),
                  annotation.get("id"), article_id, task["data"]["text"], anchor, entry, codebook.at(entry.guideline_version),
                  {a.actor_id: a for a in actors})
    annotator = ctx.annotator(annotation.get("completed_by"))
    if annotator is None:
        result.violations.append(ctx.violation("/completed_by", "export.unknown-annotator",
                                               f"Label Studio user {annotation.get('completed_by')!r} has no "
                                               f"pseudonym in {label.rsplit('/', 1)[0]}/MANIFEST.jsonl for {entry.file}"))
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
