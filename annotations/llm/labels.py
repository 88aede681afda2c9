"""Language-model annotation passes, entered through Label Studio like a person's.

A pass writes one JSON file per article (mentions, claims, document stance, with code-point offsets;
the format is in annotations/llm/INSTRUCTIONS.md). This script turns such a file into the Label Studio
`result` list the labeling page would produce, and

    python annotations/llm/labels.py check FILE...          runs the project's import rules on it
    python annotations/llm/labels.py enter DIR --project TITLE --user-id N
                                                              creates the annotations in Label Studio as user N

(`enter` reads LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY). The labels then reach the release only the
way every label does: `kdc studio pull`, an immutable export, `kdc build`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from korea_deterrence.annotations.anchor import Anchor
from korea_deterrence.annotations.codebook import load_codebook, load_registry
from korea_deterrence.annotations.labelconfig import (
    ACTOR, ATTRIBUTED_BY, ATTRIBUTION_LABEL, CHECKWORTHINESS, CLAIM, CLAIM_LABEL, CLAIM_TYPE, CLAIMED_BY, CLUSTER,
    MENTION, SOURCE_DOCUMENT, TOPIC, UNSURE, UNSURE_NOTE, claim_stance_name, doc_stance_name)
from korea_deterrence.annotations.reader import AnnotationReader, Context
from korea_deterrence.annotations.options import TOKEN_ENV, URL_ENV
from korea_deterrence.annotations.records import ExportEntry
from korea_deterrence.annotations.studio import find_project

Result = dict[str, Any]


def _span(rid: str, name: str, label: str, start: int, end: int, text: str) -> Result:
    return {"id": rid, "from_name": name, "to_name": "text", "type": "labels", "origin": "manual",
            "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]}}


def _region(of: Result, name: str, kind: str, value: Any) -> Result:
    where = {k: of["value"][k] for k in ("start", "end", "text")}
    return {"id": of["id"], "from_name": name, "to_name": "text", "type": kind, "origin": "manual",
            "value": {**where, kind if kind == "choices" else "text": [value]}}


def _relation(from_id: str, to_id: str, label: str) -> Result:
    return {"from_id": from_id, "to_id": to_id, "type": "relation", "direction": "right", "labels": [label]}


def _unsure(region: Result, note: str | None) -> list[Result]:
    return [] if not note else [_region(region, UNSURE, "choices", UNSURE), _region(region, UNSURE_NOTE, "textarea", note)]


def results(labels: dict[str, Any], text: str) -> list[Result]:
    """The Label Studio results of one article's labels (as the page would save them)."""
    types = {a.actor_id: a.type for a in load_registry()}
    out: list[Result] = []
    for m in labels["mentions"]:
        region = _span(m["id"], MENTION, types.get(m["actor_id"], "?"), m["start"], m["end"], text)
        out += [region, _region(region, ACTOR, "choices", m["actor_id"]), *_unsure(region, m.get("unsure_note"))]
    for c in labels["claims"]:
        region = _span(c["id"], CLAIM, CLAIM_LABEL, c["start"], c["end"], text)
        out += [region, _region(region, CLAIM_TYPE, "choices", c["claim_type"]),
                _region(region, CHECKWORTHINESS, "choices", c["checkworthiness"]), _region(region, TOPIC, "choices", c["topic"])]
        out += [_region(region, claim_stance_name(t), "choices", label) for t, label in c["stance"].items()]
        out += [_region(region, SOURCE_DOCUMENT, "choices", c["source_document"])] if c.get("source_document") else []
        out += [_region(region, CLUSTER, "textarea", c["cluster_id"])] if c.get("cluster_id") else []
        out += _unsure(region, c.get("unsure_note"))
        out += [_relation(c["id"], c["claimer"], CLAIMED_BY)] if c.get("claimer") else []
        if c.get("attribution"):
            a = c["attribution"]
            out += [_span(f"{c['id']}-attribution", CLAIM, ATTRIBUTION_LABEL, a["start"], a["end"], text),
                    _relation(c["id"], f"{c['id']}-attribution", ATTRIBUTED_BY)]
    out += [{"id": f"doc-{t}", "from_name": doc_stance_name(t), "to_name": "text", "type": "choices",
             "origin": "manual", "value": {"choices": [label]}} for t, label in labels["document_stance"].items()]
    return out


def problems(path: Path, text: str) -> list[str]:
    """What the project's import rules find wrong with one labels file (empty: it would import)."""
    labels = json.loads(path.read_text("utf-8"))
    found = [f"{kind} {x['id']}: text[{x['start']}:{x['end']}] is {text[x['start']:x['end']]!r}, the file says {x['text']!r}"
             for kind in ("mentions", "claims") for x in labels[kind] if text[x["start"]:x["end"]] != x["text"]]
    found += [f"claim {c['id']}: attribution text[{a['start']}:{a['end']}] is {text[a['start']:a['end']]!r}"
              for c in labels["claims"] if (a := c.get("attribution")) and text[a["start"]:a["end"]] != a["text"]]
    known = {a.actor_id for a in load_registry()}
    found += [f"mention {m['id']}: actor_id {m['actor_id']!r} is not in annotations/actors.jsonl"
              for m in labels["mentions"] if m["actor_id"] not in known]
    codebook = load_codebook()
    entry = ExportEntry(path.name, "", 0, "", "check", None, codebook.version, ((1, "pass"),), 0)
    ctx = Context(str(path), "", 1, 1, labels["article_id"], text, Anchor(text, text), entry, codebook,
                  {a.actor_id: a for a in load_registry()})
    read = AnnotationReader(ctx, "pass", {"result": results(labels, text), "created_at": ""}).read()
    return found + [v.message for v in read.violations]


def _check(files: list[Path], articles: Path) -> int:
    bad = 0
    for path in files:
        article_id = json.loads(path.read_text("utf-8"))["article_id"]
        found = problems(path, (articles / f"{article_id}.txt").read_text("utf-8"))
        bad += bool(found)
        print(f"{path}: " + ("ok" if not found else f"{len(found)} problem(s)"))
        for problem in found:
            print(f"  {problem}")
    return 1 if bad else 0


def connect(project_title: str) -> tuple[Any, Any]:
    """A Label Studio client ($LABEL_STUDIO_URL, $LABEL_STUDIO_API_KEY) and its project of that title."""
    from label_studio_sdk import LabelStudio

    ls = LabelStudio(base_url=os.environ[URL_ENV], api_key=os.environ[TOKEN_ENV])
    return ls, find_project(ls, project_title)


def _enter(folder: Path, project_title: str, user_id: int) -> int:
    ls, project = connect(project_title)
    tasks = {t.data["article_id"]: t for t in ls.tasks.list(project=project.id)}
    for path in sorted(folder.glob("*.json")):
        labels = json.loads(path.read_text("utf-8"))
        task = tasks[labels["article_id"]]
        ls.annotations.create(id=task.id, result=results(labels, task.data["text"]), completed_by=user_id)
        print(f"{labels['article_id']}: task {task.id} annotated as user {user_id}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check")
    check.add_argument("files", nargs="+", type=Path)
    check.add_argument("--articles", type=Path, default=Path("/tmp/kd/articles"), help="folder of <article_id>.txt")
    enter = commands.add_parser("enter")
    enter.add_argument("folder", type=Path)
    enter.add_argument("--project", required=True)
    enter.add_argument("--user-id", type=int, required=True)
    args = parser.parse_args()
    if args.command == "check":
        return _check(args.files, args.articles)
    return _enter(args.folder, args.project, args.user_id)


if __name__ == "__main__":
    sys.exit(main())
