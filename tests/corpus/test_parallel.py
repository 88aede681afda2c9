"""ordered_map: results in input order, in worker processes or in this one; InOrder: calls in a
thread, in order, with their errors raised in the caller."""

from __future__ import annotations

import os
import threading

import pytest

from korea_deterrence.corpus.parallel import InOrder, batched, ordered_map


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


def test_in_order_calls_run_in_one_other_thread_in_order() -> None:
    seen: list[tuple[int, int]] = []
    with InOrder(backlog=2) as calls:
        for i in range(50):
            calls.call(lambda i: seen.append((i, threading.get_ident())), i)
    assert [i for i, _ in seen] == list(range(50))
    assert {ident for _, ident in seen} != {threading.get_ident()} and len({ident for _, ident in seen}) == 1


def test_in_order_raises_a_call_s_error_here() -> None:
    def fail(i: int) -> None:
        if i == 3:
            raise ValueError("call 3 failed")

    with pytest.raises(ValueError, match="call 3 failed"):
        with InOrder(backlog=100) as calls:  # (raised on leaving the block)
            for i in range(5):
                calls.call(fail, i)
    with pytest.raises(ValueError, match="call 3 failed"):
        with InOrder(backlog=1) as calls:  # (raised at a later call, once the backlog is full)
            for i in range(100):
                calls.call(fail, i)
