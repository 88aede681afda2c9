"""Raw files are read whole whatever size the manifest expects (a wrong size is then reported)."""

from __future__ import annotations

from pathlib import Path

import pytest

from korea_deterrence.corpus.sources import _read_file


@pytest.mark.parametrize("actual", [0, 1, 5, 6, 7, 70_000, 200_001])
@pytest.mark.parametrize("expected", [0, 6, 70_000])
def test_the_whole_file_is_read_whatever_size_is_expected(tmp_path: Path, actual: int, expected: int) -> None:
    data = bytes(range(256)) * (actual // 256) + bytes(range(actual % 256))
    path = tmp_path / "raw.txt"
    path.write_bytes(data)
    assert _read_file(str(path), expected) == data
