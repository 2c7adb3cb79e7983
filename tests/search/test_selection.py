from __future__ import annotations

import numpy as np
import pytest

from hytnas.search import hvi_greedy_select, hypervolume


def plain_greedy(C: np.ndarray, P: np.ndarray, ref: float, k: int) -> list[int]:
    """Reference implementation: recompute every candidate's HVI at every step."""
    chosen: list[int] = []
    for _ in range(k):
        current = np.vstack([P, C[chosen]]) if chosen else P
        base = hypervolume(current, ref)
        gains = [(-1.0 if i in chosen else hypervolume(np.vstack([current, C[i]]), ref) - base) for i in range(len(C))]
        best = int(np.argmax(gains))
        if gains[best] <= 0:
            break
        chosen.append(best)
    return chosen


def test_picks_the_point_adding_the_most_hypervolume() -> None:
    front = np.array([[0.0, 1.0], [1.0, 0.0]])
    candidates = np.array(
        [
            [0.9, 0.9],  # adds 0.1 x 0.1 = 0.01
            [1.5, 1.5],  # dominated: adds nothing
            [0.5, 0.5],  # adds 0.5 x 0.5 = 0.25: the best
            [0.2, 0.95],  # adds 0.8 x 0.05 = 0.04
        ]
    )
    assert hvi_greedy_select(candidates, front, ref=2.0, k=1).tolist() == [2]
    # After (0.5, 0.5), (0.9, 0.9) is dominated and (0.2, 0.95) still adds 0.3 x 0.05.
    assert hvi_greedy_select(candidates, front, ref=2.0, k=2).tolist() == [2, 3]
    # The rest are ordered by how far they are from adding volume.
    assert hvi_greedy_select(candidates, front, ref=2.0, k=4).tolist() == [2, 3, 0, 1]


def test_lazy_greedy_equals_plain_greedy() -> None:
    rng = np.random.default_rng(0)
    for m in (2, 3):
        for _ in range(5):
            P = rng.uniform(0.2, 1.0, size=(8, m))
            C = rng.uniform(0.0, 1.2, size=(30, m))
            expected = plain_greedy(C, P, 1.1, 6)
            got = hvi_greedy_select(C, P, 1.1, 6).tolist()
            assert got[: len(expected)] == expected


def test_edge_cases() -> None:
    C = np.array([[0.5, 0.5], [0.4, 0.6]])
    assert hvi_greedy_select(C, np.empty((0, 2)), 1.0, 5).tolist() == [0, 1]
    assert hvi_greedy_select(C, np.empty((0, 2)), 1.0, 0).tolist() == []
    assert hvi_greedy_select(np.empty((0, 2)), C, 1.0, 3).tolist() == []
    # All candidates outside the reference box: still k distinct indices.
    far = np.array([[3.0, 3.0], [2.0, 5.0], [2.5, 2.5]])
    assert sorted(hvi_greedy_select(far, C, 1.0, 3).tolist()) == [0, 1, 2]
    assert hvi_greedy_select(far, C, 1.0, 1).tolist() == [2]


@pytest.mark.parametrize("ref", [1.1, [1.1, 1.1]])
def test_reference_point_forms(ref: float | list[float]) -> None:
    C = np.array([[0.5, 0.5], [0.1, 0.1]])
    assert hvi_greedy_select(C, np.array([[0.3, 0.3]]), ref, 1).tolist() == [1]
