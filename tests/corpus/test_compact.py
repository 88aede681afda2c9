"""The scan's compact per-entry state agrees with plain sets and dicts."""

from __future__ import annotations

import hashlib
import os

from hypothesis import given, strategies as st

from korea_deterrence.corpus.compact import Digests, RawListing

NAMES = st.lists(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00/"), min_size=1,
                         max_size=6), max_size=20)


@given(NAMES, NAMES, st.booleans())
def test_listing_matches_sets(present: list[str], mentioned: list[str], as_bytes: bool) -> None:
    """Names listed as str or as bytes (what os.scandir of a bytes path gives) behave the same."""
    listing = RawListing({os.fsencode(n) if as_bytes else n for n in present})
    assert listing.mention(mentioned) == [name in set(present) for name in mentioned]
    assert listing.unlisted() == sorted(set(present) - set(mentioned), key=lambda n: n.encode())


def test_empty_listing() -> None:
    listing = RawListing(())
    assert listing.mention(["a.txt"]) == [False] and listing.unlisted() == []


@given(st.lists(st.sampled_from(["00" * 32, "00" * 31 + "01", "01" + "00" * 31, "ab" * 32]), max_size=12))
def test_repeats_match_a_dict(digests: list[str]) -> None:
    log, first, expected = Digests(), {}, []
    for line, digest in enumerate(digests, start=3):
        log.add(digest, line)
        if digest in first:
            expected.append((line, first[digest]))
        first.setdefault(digest, line)
    assert log.repeats() == expected


def test_digests_that_differ_only_in_trailing_zero_bytes_are_different() -> None:
    log = Digests()
    real = hashlib.sha256(b"x").hexdigest()
    log.add(real[:-2] + "00", 1)
    log.add(real[:-4] + "0000", 2)
    log.add(real[:-2] + "00", 3)
    assert log.repeats() == [(3, 1)]
