"""Synthetic news-like articles, recombined from the sentences of the real corpus.

The real articles (the package's corpus/raw/*.txt) are parsed once into pools: titles,
quoted subtitles, section headings, paragraph sentences, list intros (paragraphs ending
with ":") and list items. An article is drawn from those pools with numbers and names
mutated, then dressed with the raw-text features the normalizer must handle:
a "Published: <d Month yyyy>. <desk>. <outlet>" dateline, a trailing comments widget, a
whole-body repeat, trailing blank-line runs, CRLF line endings, a UTF-8 BOM, emoji and
combining marks, straight instead of curly quotes. The same (seed, index) always gives the
same bytes, whatever the process that draws it.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from korea_deterrence.corpus import iter_articles, open_sources, packaged_sources
from korea_deterrence.corpus.records import Article

WIDGET = "Comments\nThere are no comments for this story\nBe the first to respond and start the conversation."
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
OUTLETS = ("English Chronicle", "Seoul Ledger", "Pacific Courier", "Harbour Times", "Daily Meridian",
           "Northern Gazette", "Continental Post", "Evening Dispatch", "Capital Observer", "Asia Wire")
PEOPLE = ("Lee Jae Myung", "Park Min-seo", "Kim Hyun-woo", "Choi Ji-ah", "Daniel Ortega-Reyes",
          "Margaret Hale", "Samuel Okafor", "Yoon Seo-jin", "Hannah Brandt", "Tomas Lindqvist")
# Names the real articles use, each with alternatives it may be swapped for.
SWAPS = {
    "Lee Jae Myung": PEOPLE,
    "Seoul": ("Seoul", "Seoul", "the South Korean capital"),
    "Japan": ("Japan", "Japan", "Australia", "the Philippines"),
    "Friday": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"),
    "Saturday": ("Saturday", "Sunday", "Monday"),
    "China": ("China", "China", "Beijing"),
}
_SWAP = re.compile("|".join(map(re.escape, SWAPS)))
_NUMBER = re.compile(r"\d[\d,]*")
# Decorations with non-ASCII sequences that NFC and the segmenter must survive.
EMOJI = ("🇰🇷", "🇺🇸", "🤝", "👍🏽", "👩‍💻", "🛡️", "📉", "🚀")
COMBINING = ("Jose\u0301 Marti\u0301nez", "Rene\u0301e Duval", "Zoe\u0308 Ha\u0308fner", "Franc\u0327ois Leme\u0300re")


@dataclass(frozen=True)
class Pools:
    """Text pieces of the real articles, by role."""

    titles: tuple[str, ...]
    subtitles: tuple[str, ...]
    headings: tuple[str, ...]
    sentences: tuple[str, ...]
    intros: tuple[str, ...]
    items: tuple[str, ...]


@dataclass(frozen=True)
class Mix:
    """Share of articles with each feature (0..1)."""

    dateline: float = 0.25
    widget: float = 0.15
    repeat: float = 0.08
    blank_tail: float = 0.4
    crlf: float = 0.05
    bom: float = 0.03
    emoji: float = 0.06
    combining: float = 0.05
    straight_quotes: float = 0.2
    headings: float = 0.6
    lists: float = 0.35
    subtitle: float = 0.2
    mean_chars: int = 4200


def load_pools() -> Pools:
    """Pools built from the corpus shipped with the package."""
    pools: dict[str, list[str]] = {k: [] for k in Pools.__dataclass_fields__}
    for article in iter_articles(open_sources(packaged_sources())):
        if isinstance(article, Article):
            _collect(article, pools)
    return Pools(**{k: tuple(dict.fromkeys(v)) for k, v in pools.items()})


def _collect(article: Article, pools: dict[str, list[str]]) -> None:
    text = article.text
    for index, block in enumerate(article.blocks):
        piece = text[block.start:block.end]
        if block.kind == "title":
            pools["titles"].append(piece)
        elif block.kind == "subtitle":
            pools["subtitles"].append(piece)
        elif block.kind == "heading":
            pools["headings"].append(piece)
        elif block.kind == "list_item":
            pools["items"].append(piece)
        elif block.kind == "paragraph" and piece.endswith(":"):
            pools["intros"].append(piece)
        elif block.kind == "paragraph":
            pools["sentences"].extend(text[s.start:s.end] for s in article.sentences if s.block == index)


class ArticleMaker:
    """Draws article texts from pools; `raw(index)` is a pure function of (seed, index)."""

    def __init__(self, pools: Pools, seed: int, mix: Mix | None = None) -> None:
        self.pools, self.seed, self.mix = pools, seed, mix or Mix()

    def raw(self, index: int) -> bytes:
        """The raw file bytes of article number `index`."""
        rng = random.Random(f"{self.seed}:{index}")
        mix = self.mix
        head = self._head(rng)
        body = self._body(rng)
        if rng.random() < mix.emoji:
            emoji = rng.choice(EMOJI) + rng.choice(EMOJI)
            _add_sentence(rng, body, f"“Stand together {emoji},” one widely shared post read.")
        if rng.random() < mix.combining:
            name = rng.choice(COMBINING)
            _add_sentence(rng, body, f"{name}, an analyst in Geneva, called the shift “overdue—and risky.”")
        if rng.random() < mix.repeat:
            body = body + body
        text = "\n".join(head + body)
        if rng.random() < mix.straight_quotes:
            text = _straighten(text)
        text = self._tail(rng, text)
        if rng.random() < mix.crlf:
            text = text.replace("\n", "\r\n")
        if rng.random() < mix.bom:
            text = "\ufeff" + text
        return text.encode("utf-8")

    def _head(self, rng: random.Random) -> list[str]:
        lines: list[str] = []
        dateline = rng.random() < self.mix.dateline
        if dateline:
            lines.append(_dateline(rng))
        if not dateline or rng.random() < 0.5:
            lines.append(self._mutate(rng, rng.choice(self.pools.titles + self.pools.headings)))
            if rng.random() < self.mix.subtitle and self.pools.subtitles:
                lines.append(self._mutate(rng, rng.choice(self.pools.subtitles)))
        return lines

    def _body(self, rng: random.Random) -> list[str]:
        target = max(1500, int(rng.gauss(self.mix.mean_chars, self.mix.mean_chars / 4)))
        headings = rng.random() < self.mix.headings
        lists = rng.random() < self.mix.lists
        lines: list[str] = [self._paragraph(rng)]
        size = len(lines[0])
        while size < target:
            section = self._section(rng, headings, lists)
            lines.extend(section)
            size += sum(len(line) + 1 for line in section)
        return lines

    def _section(self, rng: random.Random, headings: bool, lists: bool) -> list[str]:
        lines = [self._mutate(rng, rng.choice(self.pools.headings))] if headings and rng.random() < 0.5 else []
        lines.extend(self._paragraph(rng) for _ in range(rng.randint(1, 3)))
        if lists and rng.random() < 0.4:
            lines.append(self._mutate(rng, rng.choice(self.pools.intros)))
            lines.extend(self._mutate(rng, item) for item in rng.sample(self.pools.items, rng.randint(2, 4)))
        return lines

    def _paragraph(self, rng: random.Random) -> str:
        picked = [self._mutate(rng, s) for s in rng.sample(self.pools.sentences, rng.randint(2, 5))]
        if rng.random() < 0.05:
            year = rng.randint(2025, 2030)
            picked.append(f"Officials expect the review to run through the {year}–{year + 1} budget cycle.")
        return " ".join(picked)

    def _mutate(self, rng: random.Random, text: str) -> str:
        text = _NUMBER.sub(lambda m: _number(rng, m.group()), text)
        return _SWAP.sub(lambda m: rng.choice(SWAPS[m.group()]), text)

    def _tail(self, rng: random.Random, text: str) -> str:
        if rng.random() < self.mix.widget:
            return text + "\n" * rng.randint(1, 5) + WIDGET
        if rng.random() < self.mix.blank_tail:
            return text + "\n" * rng.choice((1, 2, 3, 5, 90))
        return text


def _straighten(text: str) -> str:
    """Curly quotes and apostrophes made straight (str.replace: much faster than str.translate)."""
    return text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')


def _add_sentence(rng: random.Random, body: list[str], sentence: str) -> None:
    """Append `sentence` to a random paragraph of `body` (the first line is always one)."""
    paragraphs = [i for i, line in enumerate(body) if line.endswith((".", "”", '"'))] or [0]
    at = rng.choice(paragraphs)
    body[at] = f"{body[at]} {sentence}"


def _number(rng: random.Random, digits: str) -> str:
    """A random number shaped like `digits` (same digit count, commas kept; years stay years)."""
    plain = digits.replace(",", "")
    if len(plain) == 4 and plain[:2] in ("19", "20") and "," not in digits:
        return str(rng.randint(1990, 2030))
    low = 10 ** (len(plain) - 1) if len(plain) > 1 else 1
    value = rng.randint(low, 10 ** len(plain) - 1)
    return f"{value:,}" if "," in digits else str(value)


def _dateline(rng: random.Random) -> str:
    outlet = rng.choice(OUTLETS)
    date = f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2024, 2026)}"
    return f"Published: {date}. The {outlet} Desk. The {outlet} Online"
