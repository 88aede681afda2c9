"""The overview's static SVG plots, made with matplotlib at report time (text kept as SVG text)."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

from korea_deterrence.loaders.report.model import Release

_HATCHES = ("", "//", "..", "xx", "\\\\", "++")  # the series differ by pattern as well as by colour
_RC = {"svg.fonttype": "none", "svg.hashsalt": "kdc-report", "font.size": 9}


def _figure(rows: int) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(7.5, 0.8 + 0.28 * max(rows, 1)), layout="constrained")


def _svg(fig: Any) -> str:
    import matplotlib

    with matplotlib.rc_context(_RC):
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()


def bars(title: str, counts: dict[str, float], xlabel: str = "claims") -> str:
    """A horizontal bar chart of `counts` with each value printed beside its bar."""
    fig = _figure(len(counts))
    ax = fig.add_subplot()
    names = list(counts)[::-1]
    drawn = ax.barh(names, [counts[n] for n in names], color="#4c72b0")
    ax.bar_label(drawn, fmt="%g", padding=2)
    ax.margins(x=0.08)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    return _svg(fig)


def stacked(title: str, rows: dict[str, Counter[str]], series: list[str]) -> str:
    """Horizontal stacked bars: one row per key of `rows`, one segment per series (hatched and coloured)."""
    fig = _figure(len(rows))
    ax = fig.add_subplot()
    names, left = list(rows)[::-1], [0] * len(rows)
    for i, label in enumerate(series):
        values = [rows[n][label] for n in names]
        drawn = ax.barh(names, values, left=left, label=label, hatch=_HATCHES[i % len(_HATCHES)],
                        color=f"C{i}", edgecolor="black", linewidth=0.4)
        ax.bar_label(drawn, labels=[str(v) if v else "" for v in values], label_type="center")
        left = [a + b for a, b in zip(left, values)]
    ax.set_title(title)
    ax.set_xlabel("claims")
    ax.legend(loc="lower right", fontsize=8)
    return _svg(fig)


def overview_plots(release: Release, outlet_of: dict[str, str]) -> dict[str, tuple[str, str]]:
    """file name -> (caption, SVG text) for every plot the release has data for."""
    plots: dict[str, tuple[str, str]] = {}
    claims = release.claims
    by_outlet = Counter(outlet_of[c["article_id"]] for c in claims)
    plots["claims-by-outlet.svg"] = ("Claims by outlet", bars("Claims by outlet", dict(by_outlet.most_common())))
    if release.has_topic:
        topics = Counter(c["topic"] or "no topic" for c in claims)
        plots["claims-by-topic.svg"] = ("Claims by topic", bars("Claims by topic", dict(topics.most_common())))
    clusters = Counter(c["cluster_id"] or "not clustered" for c in claims)
    plots["claims-by-cluster.svg"] = ("Claims by cluster", bars("Claims by cluster", dict(clusters.most_common())))
    labels = list(dict.fromkeys(s["label"] for c in claims for s in c["stance"]))
    for target in dict.fromkeys(s["target"] for c in claims for s in c["stance"]):
        rows: dict[str, Counter[str]] = {}
        for c in claims:
            label = next(s["label"] for s in c["stance"] if s["target"] == target)
            rows.setdefault(outlet_of[c["article_id"]], Counter())[label] += 1
        plots[f"stance-{target}.svg"] = (f"Claim stance toward {target}, by outlet",
                                         stacked(f"Claim stance toward {target}, by outlet", rows, labels))
    section = release.manifest.get("annotation", {})
    counts = {f"{field}: {label}": n for field, values in section.get("distributions", {}).items()
              for label, n in values.items()}
    if counts:
        plots["label-counts.svg"] = ("Gold label counts", bars("Gold label counts", counts, "labels"))
    agreement = {f"{r['layer']}: {r['measure']}": r["value"] for r in section.get("agreement", []) if r["value"] is not None}
    if agreement:
        plots["agreement.svg"] = ("Agreement between annotators, per field",
                                  bars("Agreement per field (alpha or F1)", agreement, "value"))
    return plots
