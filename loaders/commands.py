"""The `kdc` commands: parses the command line and runs one. Only this module and the entry point
(`korea_deterrence.loaders.cli`) read the environment, print, and exit."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable, Sequence

from korea_deterrence.annotations.cli import add_commands as add_studio_commands
from korea_deterrence.annotations.stage import packaged_annotations
from korea_deterrence.corpus import Article, Sources, iter_articles, open_sources, packaged_sources
from korea_deterrence.annotations.referenced import referenced_articles
from korea_deterrence.annotations.stage import EXPORTS
from korea_deterrence.corpus.edit import EditError, Given, add_articles, remove_article
from korea_deterrence.corpus.manifest import MAX_ARTICLE_BYTES
from korea_deterrence.corpus.spans import SPAN_LINES
from korea_deterrence.corpus.sources import InstalledCopy, editable_dir, installed_copy, location
from korea_deterrence.corpus.records import FACT_FIELDS
from korea_deterrence.loaders.citation import project_urls
from korea_deterrence.loaders.cli import Terminated, check_stop
from korea_deterrence.loaders.engine import Node
from korea_deterrence.loaders.pipeline import BuildOptions, build, finished_shards, staging
from korea_deterrence.loaders.validate_sources import validate_sources
from korea_deterrence.loaders.version import VERSION
from korea_deterrence.schema import Violation, render

OK, INVALID, USAGE = 0, 1, 2
DEFAULT_OUT = Path("dist/korea-deterrence")


def run(argv: Sequence[str] | None = None) -> int:
    """Run the `kdc` command that `argv` (default: sys.argv) gives; its exit code."""
    args = _parser().parse_args(argv)
    return args.handler(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kdc", description="Build and check the korea-deterrence corpus.")
    parser.add_argument("--version", action="version", version=f"kdc {VERSION}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    build_cmd = commands.add_parser("build", help="build the release directory")
    build_cmd.add_argument("--out", type=location, default=DEFAULT_OUT,
                           help=f"output directory, a path or an fsspec URL such as s3://bucket/release (default {DEFAULT_OUT})")
    _sources_option(build_cmd)
    _annotations_option(build_cmd)
    build_cmd.add_argument("--jobs", type=int, default=1,
                           help="worker processes, run by datatrove (default 1: all in this process; output is identical for any N)")
    build_cmd.add_argument("--node", type=_node, default=None, metavar="K/M",
                           help="write only node K's share of the articles shards of a build spread over M nodes sharing "
                                "--out; then run kdc build without --node to finish the release")
    build_cmd.add_argument("--shard-size", type=_positive, default=SPAN_LINES, metavar="N",
                           help=f"articles per shard, the unit of work of --jobs and --node (default {SPAN_LINES})")
    build_cmd.add_argument("--strict", action="store_true",
                           help="refuse to build while any disagreement is unresolved (default: leave it out of gold)")
    build_cmd.add_argument("--text-free", action="store_true",
                           help="write the text-free variant: no field that reproduces article text (kdc rehydrate restores it)")
    build_cmd.add_argument("--no-reuse", action="store_true",
                           help="write every articles shard again instead of linking the unchanged shards of the previous build in --out")
    build_cmd.set_defaults(handler=_build)
    check = commands.add_parser("validate", help="check the sources (default) or a built release; writes nothing")
    check.add_argument("path", type=Path, nargs="?", default=None, help="a built release directory to check")
    _sources_option(check)
    _annotations_option(check)
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.set_defaults(handler=_validate)
    _release_commands(commands)
    _edit_commands(commands)
    add_studio_commands(commands, _open, _valid_articles)
    return parser


def _annotations_option(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--annotations", type=Path, default=None,
                     help="an annotations directory (exports/, adjudication.jsonl, annotators.jsonl); default: the shipped "
                          "annotations with the shipped corpus, none with --sources")


def _annotations(args: argparse.Namespace) -> Path | None:
    """--annotations; by default the shipped annotations with the shipped corpus, none with --sources."""
    if args.annotations is not None:
        return args.annotations
    return None if args.sources else packaged_annotations()


def _valid_articles(sources: Sources) -> list[Article]:
    """Every article of `sources`; refuses (exit 1) when a source is invalid."""
    items = list(iter_articles(sources))
    violations = list(sources.violations) + [i for i in items if isinstance(i, Violation)]
    if violations:
        print(render(violations), file=sys.stderr)
        raise SystemExit(INVALID)
    return [i for i in items if isinstance(i, Article)]


def _sources_option(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--sources", type=location, default=None,
                     help="a directory with sources.jsonl and raw/, a path or an fsspec URL such as s3://bucket/corpus "
                          "(default: the corpus shipped with the package)")
    cmd.add_argument("--max-article-bytes", type=int, default=MAX_ARTICLE_BYTES, metavar="N",
                     help=f"refuse a raw article larger than N bytes (rule raw.too-large; default {MAX_ARTICLE_BYTES})")


def _open(args: argparse.Namespace) -> Sources:
    root = args.sources or packaged_sources()
    return open_sources(root, str(args.sources) if args.sources else "corpus",
                        span_lines=getattr(args, "shard_size", SPAN_LINES),
                        max_article_bytes=getattr(args, "max_article_bytes", MAX_ARTICLE_BYTES))


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return int(text)


def _node(text: str) -> Node:
    number, _, of = text.partition("/")
    if not (number.isdigit() and of.isdigit() and 1 <= int(number) <= int(of)):
        raise argparse.ArgumentTypeError(f"{text!r} is not K/M with 1 <= K <= M, e.g. 1/2")
    return Node(int(number), int(of))


def _build(args: argparse.Namespace) -> int:
    _say_inputs(args)
    sources = _open(args)
    options = BuildOptions(args.jobs, not args.no_reuse, args.strict, args.text_free, args.node)
    try:
        with _Progress(sources.count) as progress:
            result = build(sources, args.out, _annotations(args), options, progress)
    except (KeyboardInterrupt, Terminated):
        kept = finished_shards(args.out)
        if kept:
            print(f"kdc build: {kept} finished articles shard(s) kept in {staging(args.out)}; the same command "
                  "resumes from them", file=sys.stderr)
        raise
    if result.violations:
        print(render(result.violations), file=sys.stderr)
        print(f"kdc build: {len(result.violations)} violation(s); nothing was written", file=sys.stderr)
        return INVALID
    if args.node:
        print(f"node {args.node.number}/{args.node.of}: its articles shards are in {staging(args.out)}; "
              f"{finished_shards(args.out)} of {len(sources.spans)} are finished. Once every node is done, run "
              "the same command without --node to write the release")
        return OK
    print(f"articles shards: {len(result.tables[0].shards)}, {result.reused} reused from the previous build, "
          f"{result.resumed} finished by an earlier run, {len(result.tables[0].shards) - result.reused - result.resumed} "
          "written")
    for table in result.tables:
        print(f"{table.name}: {table.rows} rows" + ("" if table.rows else " (no config written: nothing to load)"))
    if not {"Repository", "Dataset"} & set(project_urls()):
        print("citation: no public URL is set ([project.urls] Repository and Dataset in pyproject.toml), so "
              "CITATION.cff and the card carry none")
    if result.unresolved:
        print(f"{len(result.unresolved)} unresolved disagreement(s) left out of gold: `kdc validate` lists them, "
              "`kdc studio adjudicate push` sends them to Label Studio, `--strict` refuses to build")
    print(f"korea-deterrence {VERSION} written to {args.out}; load it in Python with:")
    print(load_line(args.out))
    return OK


def load_line(out: Path) -> str:
    """A complete, runnable line that loads the release written to `out`."""
    where = str(out.resolve()) if isinstance(out, Path) else str(out)
    return (f'from datasets import load_dataset; articles = load_dataset({json.dumps(where)}, '
            '"articles", split="train")')


def _say_inputs(args: argparse.Namespace) -> None:
    """Which sources and annotations directories a command reads (stdout), and what it leaves out (stderr)."""
    shipped = packaged_sources()
    installed = " (the copy in the installed package: edits to a checkout are not seen; install with pip install -e)" \
        if installed_copy(shipped) else ""
    sources = (args.sources.resolve() if isinstance(args.sources, Path) else args.sources) if args.sources \
        else f"{shipped} (shipped){installed}"
    annotations = _annotations(args)
    print(f"sources: {sources}")
    print(f"annotations: {annotations.resolve() if annotations else 'none'}")
    if args.sources and annotations is None:
        print("kdc: --sources without --annotations: the annotation configs (mentions, claims, stance, raw_labels) "
              "are left out", file=sys.stderr)


def _validate(args: argparse.Namespace) -> int:
    if args.path is not None:
        return _validate_release(args)
    if args.format == "text":
        _say_inputs(args)
    sources = _open(args)
    with _Progress(sources.count) as progress:
        violations, count = validate_sources(sources, progress, _annotations(args))
    return _report(violations, args.format, {"articles": count}, f"{count} articles valid")


def _report(violations: list[Violation], fmt: str, summary: dict[str, object], ok: str) -> int:
    """Print a validation result (text or JSON) and return the exit code."""
    if fmt == "json":
        print(json.dumps({**summary, "violations": [_as_dict(v) for v in violations]}, indent=2))
    elif violations:
        print(render(violations), file=sys.stderr)
    else:
        print(ok)
    return INVALID if violations else OK


def _edit_commands(commands: argparse._SubParsersAction) -> None:
    add = commands.add_parser("add", help="add raw article files to the sources (copied, checksummed, checked)")
    add.add_argument("files", type=Path, nargs="+", metavar="FILE", help="raw article files, exactly as received")
    add.add_argument("--id", default=None, help="the article_id (default: the next after the last one)")
    for name in FACT_FIELDS:
        add.add_argument(f"--{name}", default=None, help=f"provenance: {name} (needs --basis)")
    add.add_argument("--basis", default=None, help="where the provenance values given come from (10+ characters)")
    remove = commands.add_parser("remove", help="remove an article (its manifest line and raw file)")
    remove.add_argument("article_id")
    for cmd, handler in ((add, _add), (remove, _remove)):
        _sources_option(cmd)
        cmd.set_defaults(handler=handler)


def _edit(step: Callable[[], str]) -> int:
    try:
        print(step())
    except (EditError, InstalledCopy) as err:
        if getattr(err, "violations", None):
            print(render(err.violations), file=sys.stderr)
        print(f"kdc: {err}", file=sys.stderr)
        return INVALID
    return OK


def _add(args: argparse.Namespace) -> int:
    def step() -> str:
        given = Given({n: getattr(args, n) for n in FACT_FIELDS if getattr(args, n) is not None}, args.basis)
        root = editable_dir(args.sources, packaged_sources(), "--sources")
        entries = add_articles(root, args.files, given, args.id, args.max_article_bytes)
        return "\n".join(f"added {e['article_id']}: {root / 'raw' / e['raw_file']} ({e['size']} bytes, sha256 "
                         f"{e['sha256']}); provenance given: {', '.join(given.values) or 'none'}" for e in entries)
    return _edit(step)


def _remove(args: argparse.Namespace) -> int:
    def step() -> str:
        root = editable_dir(args.sources, packaged_sources(), "--sources")
        annotations = packaged_annotations() if args.sources is None else None
        using = referenced_articles(annotations / EXPORTS) if annotations else set()
        if args.article_id in using:
            raise EditError(f"{args.article_id} is annotated in {annotations / EXPORTS}: its labels would be "
                            "orphaned; it stays")
        raw_file = remove_article(root, args.article_id, args.max_article_bytes)
        return f"removed {args.article_id} and {root / 'raw' / raw_file}"
    return _edit(step)


def _release_commands(commands: argparse._SubParsersAction) -> None:
    diff = commands.add_parser("diff", help="rows added, removed and changed between two releases")
    diff.add_argument("old", type=Path)
    diff.add_argument("new", type=Path)
    diff.add_argument("--format", choices=("text", "json"), default="text")
    diff.set_defaults(handler=_diff)
    wet = commands.add_parser("rehydrate", help="the full release from a text-free one and your own copies of the articles")
    wet.add_argument("path", type=Path, help="the text-free release directory")
    wet.add_argument("--raw", type=Path, required=True, help="your copies of the raw articles (any names; matched by sha256)")
    wet.add_argument("--out", type=Path, required=True, help="where to write the full release")
    wet.add_argument("--partial", action="store_true",
                     help="write the articles whose copies verify and leave out the others (listed), instead of refusing")
    wet.set_defaults(handler=_rehydrate)
    cut = commands.add_parser("release", help="cut a release: set the version, date the CHANGELOG notes, build, commit, tag")
    cut.add_argument("version", help="the new version, MAJOR.MINOR.PATCH")
    cut.add_argument("--date", type=_iso_date, default=None, help="release date, YYYY-MM-DD (default: today, UTC)")
    cut.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"where to build the release (default {DEFAULT_OUT})")
    cut.set_defaults(handler=_cut)
    push = commands.add_parser("publish", help="upload a validated release to a Hugging Face dataset repo and tag it")
    push.add_argument("path", type=Path, help="the built release directory")
    push.add_argument("--repo-id", required=True, help="dataset repo, e.g. org/korea-deterrence")
    push.add_argument("--revision", required=True, help="tag to create: 'v' + the release version")
    push.add_argument("--dry-run", action="store_true", help="list the files that would be uploaded; no network")
    push.add_argument("--with-text", action="store_true",
                      help="publish a release holding the article texts (refused unless every article's rights permit it)")
    push.add_argument("--token", default=None, help="hub token (default: environment HF_TOKEN)")
    push.add_argument("--previous", type=Path, default=None,
                      help="the release published before (e.g. its hub download): refused if rows changed but not the version")
    push.set_defaults(handler=_publish)
    site = commands.add_parser("report", help="write a static explorer of a release (opens from file://, no server)")
    site.add_argument("path", type=Path, help="the built release directory")
    site.add_argument("--out", type=Path, required=True, help="directory for the site (replaced)")
    site.set_defaults(handler=_explorer)


def _validate_release(args: argparse.Namespace) -> int:
    if args.sources is not None:
        print("kdc validate: give a release PATH or --sources, not both", file=sys.stderr)
        return USAGE
    from korea_deterrence.loaders.validate_release import validate_release  # (imports datasets: ~1 s)

    violations = validate_release(args.path)
    return _report(violations, args.format, {"release": str(args.path)}, f"release {args.path} valid")


def _explorer(args: argparse.Namespace) -> int:
    from korea_deterrence.loaders.report import write_report  # (jinja2, matplotlib: the `report` extra)
    from korea_deterrence.loaders.validate_release import validate_release

    violations = validate_release(args.path)
    if violations:
        print(render(violations), file=sys.stderr)
        print(f"kdc report: {args.path} is not a valid release; nothing written", file=sys.stderr)
        return INVALID
    pages = write_report(args.path, args.out)
    print(f"{len(pages)} pages written to {args.out}; open {(args.out / 'index.html').resolve().as_uri()}")
    return OK


def _diff(args: argparse.Namespace) -> int:
    from korea_deterrence.loaders.diff import UNVERSIONED, diff_releases, render_json, render_text

    result = diff_releases(args.old, args.new)
    print(render_json(result) if args.format == "json" else render_text(result))
    if result.unversioned and args.format == "json":
        print(f"kdc diff: warning: {UNVERSIONED.format(version=result.new_version)}", file=sys.stderr)
    return OK


def _rehydrate(args: argparse.Namespace) -> int:
    from korea_deterrence.loaders.rehydrate import rehydrate  # (imports datasets: ~1 s)

    done = rehydrate(args.path, args.raw, args.out, args.partial)
    if done.violations:
        print(render(done.violations), file=sys.stderr)
        print(f"kdc rehydrate: {len(done.violations)} violation(s); nothing was written", file=sys.stderr)
        return INVALID
    for item in done.missing:
        print(f"left out (no verified copy): {item.describe()}", file=sys.stderr)
    articles = done.tables[0].rows
    print(f"rehydrated {articles} article(s) into {args.out}" + (f"; {len(done.missing)} left out (--partial)"
                                                                if done.missing else ", identical to the full release"))
    print(load_line(args.out))
    return OK


def _iso_date(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a calendar date YYYY-MM-DD") from None


def _cut(args: argparse.Namespace) -> int:
    from korea_deterrence.loaders.cut_release import ReleaseError, cut

    day = args.date or datetime.now(timezone.utc).date().isoformat()
    try:
        done = cut(args.version, day, args.out)
    except ReleaseError as err:
        print(f"kdc release: {err}", file=sys.stderr)
        return INVALID
    print(f"korea-deterrence {done.version} ({day}) committed as {done.commit[:12]} and tagged {done.tag}; "
          f"release built in {done.release}")
    print(f"next: git push --follow-tags; kdc publish {done.release} --repo-id ORG/NAME --revision {done.tag}")
    return OK


def _publish(args: argparse.Namespace) -> int:
    from korea_deterrence.loaders.publish import publish, refusals, render_plan, upload_plan  # (huggingface_hub)

    violations, problems = refusals(args.path, args.revision, args.with_text)
    if args.previous is not None:
        from korea_deterrence.loaders.diff import UNVERSIONED, diff_releases

        changed = diff_releases(args.previous, args.path)
        problems += [UNVERSIONED.format(version=changed.new_version)] if changed.unversioned else []
    if violations or problems:
        if violations:
            print(render(violations), file=sys.stderr)
        for problem in problems:
            print(f"kdc publish: {problem}", file=sys.stderr)
        print("kdc publish: refused; nothing was uploaded", file=sys.stderr)
        return INVALID
    if args.dry_run:
        print(render_plan(upload_plan(args.path), args.repo_id, args.revision))
        return OK
    commit = publish(args.path, args.repo_id, args.revision, args.token or os.environ.get("HF_TOKEN"))
    print(f"published {args.path} to dataset {args.repo_id} at commit {commit}, tagged {args.revision}")
    return OK


def _as_dict(v: Violation) -> dict[str, object]:
    return {"file": v.file, "line": v.line, "pointer": v.pointer, "rule": v.rule, "message": v.message}


class _Progress:
    """A progress bar on stderr (count, total, rate, time left) from tqdm: only on a terminal, and only for
    runs longer than two seconds."""

    def __init__(self, total: int) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=total, unit=" articles", delay=2, disable=None, file=sys.stderr, leave=False)

    def __call__(self, count: int) -> None:
        check_stop()
        self.bar.update(count - self.bar.n)

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.close()
