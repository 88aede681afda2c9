"""The scan's compact per-entry state agrees with plain sets and dicts."""

from __future__ import annotations

import hashlib
import os

from hypothesis import given, strategies as st

from korea_deterrence.corpus.compact import Digests, RawListing

NAMES = st.lists(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00/"), min_size=1,
                         max_size=6), max_size=20)


@given(NAMES, NAMES, st.lists(st.booleans(), max_size=20), st.integers(1, 5), st.booleans())
def test_listing_matches_sets(present: list[str], mentioned: list[str], required: list[bool], chunk: int,
                              as_bytes: bool) -> None:
    """Names listed as str or as bytes (what os.scandir of a bytes path gives) behave the same; names
    mentioned in chunks, required or not, on lines 10, 11, ..."""
    listing = RawListing({os.fsencode(n) if as_bytes else n for n in present})
    flags = [required[i] if i < len(required) else True for i in range(len(mentioned))]
    lines = list(range(10, 10 + len(mentioned)))
    for at in range(0, len(mentioned), chunk):
        for must in (True, False):
            part = [i for i in range(at, min(at + chunk, len(mentioned))) if flags[i] == must]
            listing.mention([mentioned[i] for i in part], [lines[i] for i in part], must)
    assert listing.missing() == sorted((line, name) for line, name, must in zip(lines, mentioned, flags)
                                       if must and name not in set(present))
    assert listing.unlisted() == sorted(set(present) - set(mentioned), key=lambda n: n.encode())


def test_a_block_of_names_is_mentioned_line_by_line() -> None:
    listing = RawListing([b"a.txt", b"c.txt", b"d.txt"])
    listing.mention_block(b"a.txt\nb.txt\nc.txt", 7)
    listing.mention_block(b"e.txt", 10, required=False)
    assert listing.missing() == [(8, "b.txt")] and listing.unlisted() == ["d.txt"]


def test_empty_listing() -> None:
    listing = RawListing(())
    listing.mention(["a.txt"], [1], True)
    assert listing.missing() == [(1, "a.txt")] and listing.unlisted() == []


@given(st.lists(st.sampled_from(["00" * 32, "00" * 31 + "01", "01" + "00" * 31, "ab" * 32]), max_size=12),
       st.sets(st.integers(3, 14)))
def test_repeats_match_a_dict(digests: list[str], excluded: set[int]) -> None:
    """Excluded lines count as not listed: the first of the others is the one repeated."""
    log, first, expected = Digests(), {}, []
    for line, digest in enumerate(digests, start=3):
        log.add(digest, line)
        if line in excluded:
            continue
        if digest in first:
            expected.append((line, first[digest]))
        first.setdefault(digest, line)
    assert log.repeats(excluded) == expected


def test_digests_that_differ_only_in_trailing_zero_bytes_are_different() -> None:
    log = Digests()
    real = hashlib.sha256(b"x").hexdigest()
    log.add(real[:-2] + "00", 1)
    log.add(real[:-4] + "0000", 2)
    log.add(real[:-2] + "00", 3)
    assert log.repeats() == [(3, 1)]
