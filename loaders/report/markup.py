"""An article's text as HTML with every span highlighted at once: overlapping spans are split into
fragments (the first one, the head, is focusable and carries the labels), boundaries as hidden markers."""

from __future__ import annotations

from markupsafe import Markup, escape

from korea_deterrence.loaders.report.model import Article, Span


def highlight(article: Article) -> Markup:
    """The text with a head fragment per span (`.span.head`, tabindex 0) and continuation fragments."""
    text, spans = article.text or "", article.spans
    blocks = {start: kind for kind, start, _ in article.blocks}
    sentences = {start for start, _ in article.sentences}
    points = sorted({0, len(text), *blocks, *sentences, *(p for s in spans for p in (s.start, s.end))})
    out: list[str] = []
    stack: list[Span] = []
    seen: set[str] = set()
    for a, b in zip(points, points[1:]):
        active = [s for s in spans if s.start <= a and b <= s.end]  # in (start, -end) order: outer first
        keep = _common_prefix(stack, active)
        out.append("</span>" * (len(stack) - keep))
        out += _markers(a, blocks, sentences)
        for span in active[keep:]:
            out.append(_open(span, head=span.span_id not in seen))
            seen.add(span.span_id)
        out.append(str(escape(text[a:b])))
        stack = active
    out.append("</span>" * len(stack))
    return Markup("".join(out))


def _common_prefix(old: list[Span], new: list[Span]) -> int:
    n = 0
    while n < min(len(old), len(new)) and old[n] is new[n]:
        n += 1
    return n


def _markers(at: int, blocks: dict[int, str], sentences: set[int]) -> list[str]:
    found = [f'<span class="boundary block-b" data-kind="{escape(blocks[at])}">[{escape(blocks[at])}]</span>'] \
        if at in blocks else []
    return found + (['<span class="boundary sent-b">|</span>'] if at in sentences else [])


def _open(span: Span, head: bool) -> str:
    if not head:
        return f'<span class="span {span.layer} cont" data-span="{escape(span.span_id)}">'
    info = escape(span.info)
    return (f'<span class="span {span.layer} head" id="{escape(span.span_id)}" data-span="{escape(span.span_id)}" '
            f'tabindex="0" title="{info}" data-info="{info}" aria-describedby="info">')
