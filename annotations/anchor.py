"""Re-anchoring spans from the text a task was annotated on to the article's current text, exactly or not at all."""

from __future__ import annotations

from bisect import bisect_right
from difflib import SequenceMatcher


class Anchor:
    """Maps a span of `old` to the same characters in `new`, only where they are unchanged."""

    def __init__(self, old: str, new: str) -> None:
        self.identity = old == new
        if not self.identity:
            blocks = SequenceMatcher(None, old, new, autojunk=False).get_matching_blocks()
            self._blocks = [b for b in blocks if b.size]
            self._starts = [b.a for b in self._blocks]

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """The span in the new text, or None when any of its characters changed or moved apart."""
        if self.identity:
            return start, end
        i = bisect_right(self._starts, start) - 1
        if i < 0:
            return None
        block = self._blocks[i]
        if end <= block.a + block.size:
            shift = block.b - block.a
            return start + shift, end + shift
        return None
