"""The outlets corpus's tuning half as a regression floor, and `check` on one of its outlets.

These figures were measured on outlets the rules were tuned on: they only guard against
going back. What the rules do on outlets they never saw is bench/quality.py's held-out
column, which no test reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from communique.cli import main
from tests.outlets_support import OUTLETS, config_text, run_half, served

TUNING = OUTLETS / "tuning"


@pytest.mark.slow
def test_the_tuning_half_stays_above_its_floor(tmp_path: Path) -> None:
    scores, _, _ = run_half(TUNING, tmp_path)
    got = scores.summary()
    assert got["stored"] == got["articles"], scores.misses[:3]
    # Re-based when two held-out halves joined it (54 outlets, 1,237 articles, ninth
    # session; fresh/ joined in the twenty-second: 60 outlets, 1,387 articles; blind2 in
    # the twenty-fourth: 68 outlets, 1,551); each floor sits a little under what the rules
    # score on it, so that only a step back fails.
    floors = {
        "body F1": 0.98,  # 0.990
        "junk_tail removed": 0.99,  # 0.997
        "starts clean": 0.975,  # 0.986
        "first paragraph kept": 0.99,  # 0.997
        "last paragraph kept": 0.98,  # 0.985 (thirteenth session), 0.988 (fifteenth)
        "dateline found": 0.98,  # 0.989
        "time within 2 min": 0.99,  # 0.998
    }
    for name, floor in floors.items():
        assert got[name] >= floor, (name, got[name])
    assert got["parties P/R/F1"][2] >= 0.92, got["parties P/R/F1"]  # 0.929 (nineteenth session)
    assert got["organizations P/R/F1"][2] >= 0.97, got["organizations P/R/F1"]
    precision, recall, _ = got["diplomacy P/R/F1"]
    assert precision >= 0.97 and recall >= 0.98, got["diplomacy P/R/F1"]  # 0.981, 0.994
    # Independent reports and analyses of one event cluster less well than copies. (Eighth
    # session: 0.928/0.846 on 913 articles; with the promoted halves 0.887/0.868; with the
    # pair model adding what the thresholds refuse, 0.887/0.905, fifteenth session; with
    # bridge_share 0.8 and a 120-hour window, 0.934/0.919, twentieth; headlines whose
    # subjects name different parties kept apart, 0.953/0.915, and fresh/ promoted into the
    # half (1,387 articles), 0.956/0.895, twenty-second; blind2 joined, 0.926/0.905, and
    # answered acts read for the EU and more forms, 0.946/0.906, twenty-fourth.)
    precision, recall, _ = got["cluster pairs P/R/F1"]
    assert precision >= 0.94 and recall >= 0.88, got["cluster pairs P/R/F1"]  # 0.956, 0.895


def test_check_shows_parties_mentions_organizations_and_cuts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outlet = TUNING / "daily-buzz-world"
    half = tmp_path / "half"
    half.mkdir()
    (half / outlet.name).symlink_to(outlet)
    with served(half) as server:
        config = tmp_path / "c.toml"
        config.write_text(config_text(half, server.base, tmp_path / "s.db"))
        assert main(["--config", str(config), "check", "The Daily Buzz World"]) == 0
    out = capsys.readouterr().out
    for field in ("parties:", "mentions:", "orgs:", "acts:", "cut at start:", "cut at end:"):
        assert field in out, field
    assert "expel:ZA>RW" in out  # "South Africa Orders Two Rwandan Diplomats Out as ..."
    assert "generated question" in out and "the title repeated" in out
