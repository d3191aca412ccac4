"""The next-fetch policy: jitter, adaptive intervals, backoff and Retry-After."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ingest.schedule import (
    SchedulePolicy,
    adapt_interval,
    after_failure,
    after_success,
    jittered,
    smooth_ratio,
)

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
STILL = SchedulePolicy(jitter=0.0)


def wait(moment: datetime) -> float:
    return (moment - NOW).total_seconds()


def test_jitter_stays_within_its_share_and_spreads_sources():
    policy = SchedulePolicy(jitter=0.1)
    rng = random.Random(7)
    waits = [jittered(900.0, policy, rng) for _ in range(200)]
    assert all(810.0 <= w <= 990.0 for w in waits)
    assert len({round(w) for w in waits}) > 50  # sources configured alike don't fire together


def test_without_data_the_configured_interval_holds():
    assert adapt_interval(900.0, None, SchedulePolicy()) == 900.0
    assert wait(after_success(NOW, 900.0, None, STILL)) == 900.0


def test_a_source_that_repeats_itself_is_polled_less_often():
    assert adapt_interval(900.0, 1.0, SchedulePolicy()) == 1800.0
    assert adapt_interval(900.0, 0.5, SchedulePolicy()) == 900.0


def test_a_source_with_only_new_items_is_polled_more_often_but_not_below_the_minimum():
    assert adapt_interval(900.0, 0.0, SchedulePolicy(min_interval=300.0)) == 450.0
    assert adapt_interval(900.0, 0.0, SchedulePolicy(min_interval=600.0)) == 600.0


def test_adaptive_stays_within_max_and_can_be_turned_off():
    policy = SchedulePolicy(max_interval=1000.0)
    assert adapt_interval(900.0, 1.0, policy) == 1000.0
    assert adapt_interval(900.0, 1.0, SchedulePolicy(adaptive=False)) == 900.0


def test_an_interval_configured_outside_the_bounds_is_respected():
    # The operator's explicit interval wins over the global bounds.
    assert adapt_interval(60.0, 0.5, SchedulePolicy(min_interval=300.0)) == 60.0
    assert adapt_interval(86400.0, 0.5, SchedulePolicy(max_interval=3600.0)) == 86400.0


def test_the_seen_ratio_is_smoothed_and_ignores_empty_fetches():
    assert smooth_ratio(None, 3, 4) == 0.75
    assert smooth_ratio(0.5, 0, 0) == 0.5
    assert smooth_ratio(None, 0, 0) is None
    assert abs(smooth_ratio(1.0, 0, 10) - 0.7) < 1e-9  # one burst moves it, not flips it


def test_backoff_doubles_per_error_up_to_the_cap():
    policy = SchedulePolicy(jitter=0.0, max_backoff=4000.0)
    waits = [wait(after_failure(NOW, 600.0, n, policy)) for n in (1, 2, 3, 4)]
    assert waits == [600.0, 1200.0, 2400.0, 4000.0]


def test_retry_after_wins_when_longer_than_the_backoff():
    assert wait(after_failure(NOW, 60.0, 1, STILL, retry_after=1800.0)) == 1800.0
    assert wait(after_failure(NOW, 600.0, 1, STILL, retry_after=30.0)) == 600.0


@given(
    interval=st.floats(min_value=1.0, max_value=1e6),
    ratio=st.one_of(st.none(), st.floats(min_value=0.0, max_value=1.0)),
)
def test_the_next_fetch_is_always_in_the_future(interval: float, ratio: float | None):
    policy = SchedulePolicy()
    assert after_success(NOW, interval, ratio, policy) > NOW
    assert after_failure(NOW, interval, 3, policy) > NOW


def test_next_fetch_moves_by_whole_timedelta():
    assert after_success(NOW, 900.0, None, STILL) == NOW + timedelta(seconds=900)
