"""Normalized text kept as segments of the raw text, so every character traces back to the raw file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from korea_deterrence.corpus.records import Edit

Change = tuple[int, int, str, str]  # (start, end, replacement, kind) in current output offsets


@dataclass(frozen=True, slots=True)
class Segment:
    """raw[raw_start:raw_end] copied verbatim (no kinds) or replaced by `text` (kinds say why)."""

    raw_start: int
    raw_end: int
    text: str
    kinds: tuple[str, ...] = ()


class EditedText:
    """The raw text with a growing list of recorded edits; `text` is the current output."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.segments: list[Segment] = [Segment(0, len(raw), raw)] if raw else []
        self.text = raw

    def apply(self, changes: Iterable[Change]) -> None:
        """Replace output ranges (sorted, non-overlapping, non-empty) and record why."""
        changes = list(changes)
        if not changes:
            return
        cuts = sorted({p for start, end, _, _ in changes for p in (start, end)})
        self.segments = _merge(_split(self.segments, cuts), changes)
        self.text = "".join(s.text for s in self.segments)

    def edits(self) -> list[Edit]:
        """The recorded edits with raw char, raw byte and output offsets."""
        edits, out, byte, raw_pos = [], 0, 0, 0  # byte: UTF-8 length of raw[:raw_pos]
        for seg in self.segments:
            if seg.kinds:
                byte += _utf8_len(self.raw[raw_pos:seg.raw_start])
                raw_text = self.raw[seg.raw_start:seg.raw_end]
                end_byte = byte + _utf8_len(raw_text)
                edits.append(Edit(tuple(seg.kinds), seg.raw_start, seg.raw_end, byte, end_byte,
                                  out, out + len(seg.text), raw_text, seg.text))
                byte, raw_pos = end_byte, seg.raw_end
            out += len(seg.text)
        return edits


def _utf8_len(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _split(segments: list[Segment], cuts: list[int]) -> list[Segment]:
    """Split verbatim segments at every cut point that falls strictly inside them."""
    result: list[Segment] = []
    pos, ci = 0, 0
    for seg in segments:
        start, end = pos, pos + len(seg.text)
        pos = end
        while ci < len(cuts) and cuts[ci] <= start:
            ci += 1
        if seg.kinds:
            result.append(seg)
            continue
        at = start
        while ci < len(cuts) and cuts[ci] < end:
            result.append(_verbatim(seg, at - start, cuts[ci] - start))
            at, ci = cuts[ci], ci + 1
        result.append(_verbatim(seg, at - start, end - start))
    return result


def _verbatim(seg: Segment, lo: int, hi: int) -> Segment:
    return Segment(seg.raw_start + lo, seg.raw_start + hi, seg.text[lo:hi])


def _merge(segments: list[Segment], changes: list[Change]) -> list[Segment]:
    """Replace the segments each change covers by one edited segment."""
    result: list[Segment] = []
    starts = _starts(segments)
    i, n = 0, len(segments)
    for start, end, replacement, kind in changes:
        while i < n and (starts[i] + len(segments[i].text) <= start if segments[i].text else starts[i] <= start):
            result.append(segments[i])
            i += 1
        first = i
        while i < n and starts[i] < end:
            i += 1
        covered = segments[first:i]
        head = covered[0].text[: start - starts[first]]
        tail = covered[-1].text[end - starts[i - 1]:]
        kinds = tuple(dict.fromkeys(k for s in covered for k in s.kinds)) + (kind,)
        result.append(Segment(covered[0].raw_start, covered[-1].raw_end, head + replacement + tail,
                              tuple(dict.fromkeys(kinds))))
    result.extend(segments[i:])
    return result


def _starts(segments: list[Segment]) -> list[int]:
    starts, pos = [], 0
    for seg in segments:
        starts.append(pos)
        pos += len(seg.text)
    return starts
