"""``[dedupe]``: the clustering's parameters, apart from the clustering itself.

The settings and the pipeline need the parameters at start-up; ``ingest.dedupe`` needs
numpy and the tagger, which a run that stores nothing (every feed answered 304) never uses.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.errors import ConfigError


@dataclass(frozen=True, slots=True)
class DedupeParams:
    """``[dedupe]`` in the config. Defaults measured on tests/fixtures/clusters and the demo
    web (see the comments in config/communique.toml and ``bench/dedupe_quality.py``)."""

    shingle_size: int = 3
    num_perm: int = 128
    bands: int = 32
    near_duplicate: float = 0.5  # estimated text Jaccard above which a copy joins a cluster
    event_similarity: float = 0.15  # content-word Jaccard needed for a level-5 event match
    actor_similarity: float = 0.15  # and Jaccard of the names (actors, places, numbers)
    window_hours: float = 120.0  # stories further apart in time are never one event
    # The width of the event index's time buckets: the store's layout, not a tuning knob
    # (stories stored under other widths are not found until the window has passed).
    bucket_hours: float = 72.0
    duplicate_window_hours: float = 720.0  # a near-verbatim copy may come this much later
    event_perm: int = 128  # permutations of the event signature
    event_bands: int = 64  # its LSH bands (must divide event_perm)
    actor_coverage: float = 0.3  # share of each story's lead actors the other must name
    # A story that is one event with two clusters merges them when their closest members
    # meet this share of the three event thresholds (see ``corroborates``).
    bridge_share: float = 0.8
    max_candidates: int = 64  # candidates scored per story, best by shared bands first
    # Reports the three thresholds keep apart are one event all the same when the learned
    # pair model (``ingest.pair_model``) gives them at least ``event_probability``.
    event_model: bool = True
    event_probability: float = 0.75

    def __post_init__(self) -> None:
        if self.bands <= 0 or self.num_perm % self.bands:
            raise ConfigError("dedupe.bands", f"must divide num_perm ({self.num_perm})")
        if self.event_bands <= 0 or self.event_perm % self.event_bands:
            raise ConfigError("dedupe.event_bands", f"must divide event_perm ({self.event_perm})")
        if self.bucket_hours <= 0:
            raise ConfigError("dedupe.bucket_hours", "must be positive")
        if self.shingle_size < 1:
            raise ConfigError("dedupe.shingle_size", "must be at least 1")
        for key in ("bridge_share", "event_probability"):
            if not 0 <= getattr(self, key) <= 1:
                raise ConfigError(f"dedupe.{key}", "must be between 0 and 1")
