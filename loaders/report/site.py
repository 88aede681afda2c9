"""Writes the explorer: one page per article, claim cluster and actor, an overview with plots."""

from __future__ import annotations

import os
import re
import shutil
from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import Any

from korea_deterrence.loaders.report.markup import highlight
from korea_deterrence.loaders.report.model import Release, claimer, load_release
from korea_deterrence.loaders.report.plots import overview_plots


def page(key: str, kind: str) -> str:
    """The file name of the page of an article, cluster or actor (flat, so that relative links work)."""
    return f"{kind}-{re.sub(r'[^A-Za-z0-9_.-]', '_', key)}.html"


def write_report(root: Path, out: Path) -> list[str]:
    """Write the site for the release at `root` into `out` (built in `<out>.incomplete`, then moved)."""
    release = load_release(root)
    tmp = out.with_name(out.name + ".incomplete")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "plots").mkdir(parents=True)
    try:
        pages = _write_pages(release, tmp)
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return pages


def _write_pages(release: Release, tmp: Path) -> list[str]:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("korea_deterrence.loaders.report", "templates"),
                      autoescape=select_autoescape(["html"]), keep_trailing_newline=True)
    env.globals.update(r=release, page=page, claimer=lambda c: claimer(c, release.actors))
    static = resources.files(__package__).joinpath("static")
    (tmp / "static").mkdir()
    for name in ("report.css", "report.js"):
        (tmp / "static" / name).write_text(static.joinpath(name).read_text("utf-8"), "utf-8")
    outlet_of = {a.article_id: a.outlet for a in release.articles}
    plots = overview_plots(release, outlet_of)
    for name, (_, svg) in plots.items():
        (tmp / "plots" / name).write_text(svg, "utf-8")
    pages = {"index.html": env.get_template("index.html").render(plots=list(plots.items()), **_overview(release))}
    for a in release.articles:
        pages[page(a.article_id, "article")] = env.get_template("article.html").render(
            a=a, highlighted=highlight(a) if release.has_text else None)
    for cluster, members in _clusters(release).items():
        by_outlet: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for c in members:
            by_outlet[outlet_of[c["article_id"]]].append(c)
        pages[page(cluster, "cluster")] = env.get_template("cluster.html").render(
            cluster=cluster, members=members, by_outlet=sorted(by_outlet.items()))
    for actor_id, rows in _actor_rows(release).items():
        pages[page(actor_id, "actor")] = env.get_template("actor.html").render(
            actor_id=actor_id, name=release.actors.get(actor_id, actor_id), rows=rows)
    for name, html in pages.items():
        (tmp / name).write_text(html, "utf-8")
    return sorted(pages)


def _clusters(release: Release) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in release.claims:
        if c["cluster_id"]:
            found[c["cluster_id"]].append(c)
    return dict(sorted(found.items()))


def _actor_rows(release: Release) -> dict[str, list[tuple[str, list[dict[str, Any]], list[dict[str, Any]]]]]:
    """actor_id -> (article_id, its mentions, its claims) per article where the actor appears."""
    found: dict[str, dict[str, tuple[list, list]]] = defaultdict(dict)
    for m in release.mentions:
        found[m["actor_id"]].setdefault(m["article_id"], ([], []))[0].append(m)
    for c in release.claims:
        if c["claimer_actor_id"]:
            found[c["claimer_actor_id"]].setdefault(c["article_id"], ([], []))[1].append(c)
    return {actor: [(article, *rows) for article, rows in sorted(articles.items())]
            for actor, articles in sorted(found.items())}


def _overview(release: Release) -> dict[str, Any]:
    counts = [(name, c["train"]) for name, c in release.manifest["counts"].items() if c.get("train")]
    actors = _actor_rows(release)
    return {"counts": counts,
            "clusters": [(k, len(v)) for k, v in _clusters(release).items()],
            "actors": [(a, release.actors.get(a, a), sum(len(m) + len(c) for _, m, c in rows))
                       for a, rows in actors.items()]}
