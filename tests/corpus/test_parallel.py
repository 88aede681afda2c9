"""ordered_map: results in input order, in worker processes or in this one."""

from __future__ import annotations

import os

from korea_deterrence.corpus.parallel import batched, ordered_map


def test_results_come_back_in_order_from_the_pool() -> None:
    items = [-5, 3, -1, 8, -13, 2, -7]
    assert list(ordered_map(abs, items, jobs=2)) == [5, 3, 1, 8, 13, 2, 7]


def test_one_item_or_one_job_runs_here() -> None:
    assert list(ordered_map(_pid, [0], jobs=2)) == [os.getpid()]
    assert set(ordered_map(_pid, range(3), jobs=1)) == {os.getpid()}
    assert os.getpid() not in set(ordered_map(_pid, range(4), jobs=2))


def test_batched() -> None:
    assert list(batched(range(5), 2)) == [[0, 1], [2, 3], [4]] and list(batched([], 3)) == []


def _pid(_: int) -> int:
    return os.getpid()
