"""When to fetch a source next: pure functions of its outcome and the policy.

Success: the source's interval, adapted (within [min, max]) to how often it really
publishes — a fetch that finds nothing new stretches it, one that finds only new items
shrinks it — plus or minus jitter so sources configured alike don't fire together.
Failure: exponential backoff from the interval, capped, reset by the next success;
a server's Retry-After wins when it asks for longer.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class SchedulePolicy:
    jitter: float = 0.1
    min_interval: float = 300.0
    max_interval: float = 6 * 3600.0
    adaptive: bool = True
    max_backoff: float = 24 * 3600.0


def adapt_interval(configured: float, seen_ratio: float | None, policy: SchedulePolicy) -> float:
    """The interval to use, given the smoothed share of already-seen items per fetch.

    All items seen before (ratio 1) doubles the configured interval; every item new
    (ratio 0) halves it: the source publishes faster than we poll.
    """
    if not policy.adaptive or seen_ratio is None:
        return configured
    factor = 2 ** (2 * seen_ratio - 1)  # 0 → 0.5, 0.5 → 1, 1 → 2
    low = min(policy.min_interval, configured)
    return min(max(configured * factor, low), max(policy.max_interval, configured))


def smooth_ratio(
    previous: float | None, seen: int, total: int, weight: float = 0.3
) -> float | None:
    """Exponentially smoothed share of already-seen items; None until there is data."""
    if total == 0:
        return previous
    ratio = seen / total
    return ratio if previous is None else previous + weight * (ratio - previous)


def jittered(seconds: float, policy: SchedulePolicy, rng: random.Random | None = None) -> float:
    spread = seconds * policy.jitter
    return seconds + (rng or random).uniform(-spread, spread)


def after_success(
    now: datetime, interval: float, seen_ratio: float | None, policy: SchedulePolicy
) -> datetime:
    return now + timedelta(seconds=jittered(adapt_interval(interval, seen_ratio, policy), policy))


def after_failure(
    now: datetime,
    interval: float,
    error_count: int,
    policy: SchedulePolicy,
    retry_after: float | None = None,
) -> datetime:
    """``error_count`` counts this failure too (1 on the first)."""
    backoff = min(interval * 2 ** max(error_count - 1, 0), policy.max_backoff)
    wait = max(jittered(backoff, policy), retry_after or 0.0)
    return now + timedelta(seconds=wait)
