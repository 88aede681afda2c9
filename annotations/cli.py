"""`kdc studio ...` and `kdc agreement`: the annotation commands, added to the `kdc` parser."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, Callable

from korea_deterrence.annotations.codebook import load_codebook, load_registry
from korea_deterrence.annotations.labelconfig import label_config
from korea_deterrence.annotations.stage import EXPORTS, load_annotations, packaged_annotations
from korea_deterrence.annotations.studio import Server, StudioError, pull, push
from korea_deterrence.annotations.tasks import tasks
from korea_deterrence.corpus import Article, Sources
from korea_deterrence.schema import render

TOKEN_ENV = "LABEL_STUDIO_API_KEY"
URL_ENV = "LABEL_STUDIO_URL"
DEFAULT_PROJECT = "korea-deterrence"
OpenSources = Callable[[argparse.Namespace], Sources]


def add_commands(commands: Any, open_sources: OpenSources, articles: Callable[[Sources], list[Article]]) -> None:
    """Register `studio` (config, tasks, push, pull) and `agreement` on the kdc subparsers."""
    studio = commands.add_parser("studio", help="Label Studio: labeling config, tasks, push, pull")
    sub = studio.add_subparsers(required=True, metavar="STEP")
    cfg = sub.add_parser("config", help="print (or --out) the labeling config XML generated from the codebook")
    cfg.add_argument("--out", type=Path)
    cfg.set_defaults(handler=lambda a: _emit(label_config(load_codebook(), load_registry()), a.out))
    tsk = sub.add_parser("tasks", help="print (or --out) the task JSON with alias pre-annotations")
    tsk.add_argument("--out", type=Path)
    tsk.set_defaults(handler=lambda a: _emit(_tasks_json(articles(open_sources(a))), a.out))
    for name, handler in (("push", _push), ("pull", _pull)):
        cmd = sub.add_parser(name, help=f"{name} {'tasks to' if name == 'push' else 'a full JSON export from'} a server")
        _server_options(cmd)
        cmd.set_defaults(handler=handler, open_sources=open_sources, articles=articles)
    pull_cmd = sub.choices["pull"]
    pull_cmd.add_argument("--annotator", action="append", default=[], metavar="USER_ID=PSEUDONYM",
                          help="pseudonym of a Label Studio user (repeat for each annotator)")
    pull_cmd.add_argument("--guideline-version", default=None, help="guideline version followed (default: current)")
    pull_cmd.add_argument("--exports", type=Path, default=None, help="exports directory (default: annotations/exports)")
    for cmd in (tsk, sub.choices["push"]):
        cmd.add_argument("--sources", type=Path, default=None, help="source directory (default: the shipped corpus)")
    agree = commands.add_parser("agreement", help="inter-annotator agreement table")
    agree.add_argument("--annotations", type=Path, default=None, help="annotations directory (default: shipped)")
    agree.add_argument("--sources", type=Path, default=None)
    agree.add_argument("--format", choices=("text", "json"), default="text")
    agree.set_defaults(handler=_agreement, open_sources=open_sources, articles=articles)


def _server_options(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--url", default=os.environ.get(URL_ENV), help=f"server URL (default ${URL_ENV})")
    cmd.add_argument("--token", default=None, help=f"API token (default ${TOKEN_ENV}); never printed")
    cmd.add_argument("--project", default=DEFAULT_PROJECT, help="project title")


def _server(args: argparse.Namespace) -> Server:
    token = args.token or os.environ.get(TOKEN_ENV)
    if not args.url or not token:
        raise StudioError(f"a server URL (--url or ${URL_ENV}) and a token (--token or ${TOKEN_ENV}) are required")
    return Server(args.url, token)


def _emit(text: str, out: Path | None) -> int:
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
    return 0


def _tasks_json(articles: list[Article]) -> str:
    return json.dumps(tasks(articles, load_registry()), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _push(args: argparse.Namespace) -> int:
    return _guarded(lambda: _do_push(args))


def _do_push(args: argparse.Namespace) -> int:
    config = label_config(load_codebook(), load_registry())
    project, new, present = push(_server(args), args.project, config, tasks(args.articles(args.open_sources(args)),
                                                                             load_registry()))
    print(f"project {project}: {new} tasks imported, {present} already present")
    return 0


def _pull(args: argparse.Namespace) -> int:
    return _guarded(lambda: _do_pull(args))


def _do_pull(args: argparse.Namespace) -> int:
    annotators = {}
    for item in args.annotator:
        user, _, pseudonym = item.partition("=")
        if not user.isdigit() or not pseudonym:
            raise StudioError(f"--annotator expects USER_ID=PSEUDONYM, got {item!r}")
        annotators[int(user)] = pseudonym
    exports = args.exports or packaged_annotations() / EXPORTS
    entry = pull(_server(args), args.project, exports, annotators, args.guideline_version or load_codebook().version)
    print(f"saved {exports / entry['file']} (sha256 {entry['sha256']}, {entry['size']} bytes)")
    return 0


def _guarded(step: Callable[[], int]) -> int:
    try:
        return step()
    except StudioError as err:
        print(f"kdc studio: {err}", file=sys.stderr)
        return 1


def _agreement(args: argparse.Namespace) -> int:
    from korea_deterrence.annotations.importer import ArticleText

    texts = {a.article_id: ArticleText(a.text, a.text_sha256) for a in args.articles(args.open_sources(args))}
    result = load_annotations(args.annotations or packaged_annotations(), "annotations", texts)
    if result.violations:
        print(render(result.violations), file=sys.stderr)
        return 1
    rows = [{"layer": r.layer, "measure": r.measure, "value": r.value, "units": r.units} for r in result.agreement]
    if args.format == "json":
        print(json.dumps(rows, indent=1))
        return 0
    print(f"{'layer':<10} {'measure':<45} {'value':>7} {'units':>6}")
    for r in rows:
        value = "n/a" if r["value"] is None else f"{r['value']:.3f}"
        print(f"{r['layer']:<10} {r['measure']:<45} {value:>7} {r['units']:>6}")
    return 0
