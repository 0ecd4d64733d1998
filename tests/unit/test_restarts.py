"""The one restart back-off of supervised children and alarmapi-all's components."""

from __future__ import annotations

import pytest

from alarmapi.cmd.supervisor import MAX_BACKOFF_S, STEADY_S, Restarts


@pytest.mark.parametrize(("lives", "waits"), [
    ([0.1], [1.0]),
    ([0.1, 0.1, 0.1], [1.0, 2.0, 4.0]),
    ([0.1, 0.1, STEADY_S, 0.1], [1.0, 2.0, 0.0, 1.0]),
    ([0.1] * 8, [1.0, 2.0, 4.0, 8.0, 16.0, MAX_BACKOFF_S, MAX_BACKOFF_S, MAX_BACKOFF_S]),
    ([STEADY_S + 1], [0.0]),
])
def test_back_off_doubles_until_a_steady_run(lives: list[float], waits: list[float]) -> None:
    restarts = Restarts()
    assert [restarts.after(lived) for lived in lives] == waits
    assert restarts.count == len(lives)
