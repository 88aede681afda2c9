"""`kdc studio ...` and `kdc agreement`: the annotation commands, added to the `kdc` parser."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Callable

from korea_deterrence.annotations.adjudication_studio import add_adjudicate_commands
from korea_deterrence.annotations.codebook import load_codebook, load_registry
from korea_deterrence.annotations.labelconfig import label_config
from korea_deterrence.annotations.options import (
    annotations_dir, annotations_dir_option, annotator_option, guarded, pseudonyms, server, server_command)
from korea_deterrence.annotations.registry import ANNOTATORS, add_annotator, registered_annotators
from korea_deterrence.annotations.stage import EXPORTS, load_annotations, packaged_annotations
from korea_deterrence.annotations.studio import push, session
from korea_deterrence.annotations.tasks import tasks
from korea_deterrence.corpus import Article, Sources
from korea_deterrence.schema import render

OpenSources = Callable[[argparse.Namespace], Sources]


def add_commands(commands: Any, open_sources: OpenSources, articles: Callable[[Sources], list[Article]]) -> None:
    """Register `studio` (config, tasks, push, pull, users, annotator, adjudicate) and `agreement`."""
    studio = commands.add_parser("studio", help="Label Studio: labeling config, tasks, push, pull, adjudication")
    sub = studio.add_subparsers(required=True, metavar="STEP")
    cfg = sub.add_parser("config", help="print (or --out) the labeling config XML generated from the codebook")
    cfg.add_argument("--out", type=Path)
    cfg.set_defaults(handler=lambda a: _emit(label_config(load_codebook(), load_registry()), a.out))
    tsk = sub.add_parser("tasks", help="print (or --out) the task JSON with alias pre-annotations")
    tsk.add_argument("--out", type=Path)
    tsk.set_defaults(handler=lambda a: _emit(_tasks_json(articles(open_sources(a))), a.out))
    push_cmd = server_command(sub, "push", "create the project (two annotations per task) and import missing tasks",
                               _do_push, open_sources=open_sources, articles=articles)
    push_cmd.add_argument("--force", action="store_true", help="replace a labeling config that differs on the server")
    for cmd in (tsk, push_cmd):
        cmd.add_argument("--sources", type=Path, default=None, help="source directory (default: the shipped corpus)")
    pull_cmd = server_command(sub, "pull", "save a pseudonymized full JSON export of the project", _do_pull)
    annotator_option(pull_cmd)
    annotations_dir_option(pull_cmd)
    pull_cmd.add_argument("--guideline-version", default=None, help="guideline version followed (default: current)")
    pull_cmd.add_argument("--allow-deleted-tasks", action="store_true",
                          help="accept that tasks of the previous pull were deleted (their annotations go)")
    pull_cmd.add_argument("--any-config", action="store_true",
                          help="pull even if the project's labeling config is not the one kdc generates")
    server_command(sub, "users", "list the server's user ids (to give each a pseudonym)", _do_users)
    _annotator_command(sub)
    add_adjudicate_commands(sub, open_sources=open_sources, articles=articles)
    agree = commands.add_parser("agreement", help="inter-annotator agreement table")
    agree.add_argument("--annotations", type=Path, default=None, help="annotations directory (default: shipped)")
    agree.add_argument("--sources", type=Path, default=None)
    agree.add_argument("--format", choices=("text", "json"), default="text")
    agree.set_defaults(handler=_agreement, open_sources=open_sources, articles=articles)


def _annotator_command(sub: Any) -> None:
    cmd = sub.add_parser("annotator", help="register a pseudonymous annotator in annotators.jsonl")
    steps = cmd.add_subparsers(required=True, metavar="ACTION")
    add = steps.add_parser("add", help="append a pseudonym (never a name or an e-mail address)")
    add.add_argument("pseudonym", help="lower-case letters, digits and '-', e.g. ann-3")
    add.add_argument("--kind", choices=("human", "language_model", "rule_based"), required=True)
    add.add_argument("--description", required=True, help="the role (a person) or model and instructions; no name")
    annotations_dir_option(add)
    add.set_defaults(handler=lambda a: guarded(lambda: _do_annotator_add(a)))


def _emit(text: str, out: Path | None) -> int:
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
    return 0


def _tasks_json(articles: list[Article]) -> str:
    return json.dumps(tasks(articles, load_registry()), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _do_push(args: argparse.Namespace) -> int:
    config = label_config(load_codebook(), load_registry())
    found = tasks(args.articles(args.open_sources(args)), load_registry())
    project, new, present = push(server(args), args.project, config, found, args.force)
    print(f"project {project}: {new} tasks imported, {present} already present")
    return 0


def _do_pull(args: argparse.Namespace) -> int:
    from korea_deterrence.annotations.pull import pull

    root = annotations_dir(args)
    config = None if args.any_config else label_config(load_codebook(), load_registry())
    result = pull(server(args), args.project, root / EXPORTS, pseudonyms(args, root), set(registered_annotators(root)),
                  args.guideline_version or load_codebook().version, args.allow_deleted_tasks, config=config)
    print(f"{args.project}: {result.changes}")
    if result.entry is None:
        print("nothing changed: no file written")
    else:
        entry = result.entry
        print(f"saved {root / EXPORTS / entry['file']} (sha256 {entry['sha256']}, {entry['size']} bytes)")
    return 0


def _do_users(args: argparse.Namespace) -> int:
    """Ids and user names of the server's users, for the project manager's console only."""
    with session(server(args)) as ls:
        for user in sorted(ls.users.list(), key=lambda u: u.id):
            print(f"{user.id}\t{user.username or ''}")
    return 0


def _do_annotator_add(args: argparse.Namespace) -> int:
    root = annotations_dir(args)
    add_annotator(root, args.pseudonym, args.kind, args.description)
    print(f"{args.pseudonym} added to {root / ANNOTATORS}")
    return 0


def _agreement(args: argparse.Namespace) -> int:
    from korea_deterrence.annotations.importer import ArticleText

    texts = {a.article_id: ArticleText(a.text, a.text_sha256) for a in args.articles(args.open_sources(args))}
    result = load_annotations(args.annotations or packaged_annotations(), texts)
    if result.violations:
        print(render(result.violations), file=sys.stderr)
        return 1
    rows = [{"round": r.round, "layer": r.layer, "measure": r.measure, "value": r.value, "units": r.units}
            for r in result.agreement]
    if args.format == "json":
        print(json.dumps(rows, indent=1))
        return 0
    print(f"{'round':<7} {'layer':<10} {'measure':<45} {'value':>7} {'units':>6}")
    for r in rows:
        value = "n/a" if r["value"] is None else f"{r['value']:.3f}"
        print(f"{r['round']:<7} {r['layer']:<10} {r['measure']:<45} {value:>7} {r['units']:>6}")
    return 0
