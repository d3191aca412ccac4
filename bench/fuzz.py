"""A time-bounded mutational fuzzer for the feed readers, the normalizer and the renderers.

    python bench/fuzz.py --minutes 60 [--seed N]

Starts from the feed fixtures and hostile samples, mutates them (byte flips, splices of
markup, entities, dates and control characters, truncation, duplication of items), and checks
each input against the property in ``tests/fuzz_support.py``. Every input that breaks it is
written to ``tests/fixtures/fuzz/<hash>.bin``, which ``tests/test_fuzz.py`` replays forever
after. Prints the number of inputs tried, their rate and the failures found.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fuzz_support import check_feed_bytes  # noqa: E402

SEEDS = ROOT / "tests" / "fixtures" / "feeds"
FOUND = ROOT / "tests" / "fixtures" / "fuzz"
TOKENS = [
    b"<", b">", b"&", b"&amp;", b"&#xD800;", b"&#0;", b"&#x110000;", b"]]>", b"<![CDATA[",
    b"\x00", b"\x1b[2J", b"\xe2\x80\xae", b"\xff\xfe", b"\xc3", b"<script>alert(1)</script>",
    b'<a href="javascript:alert(1)">x</a>', b'<img src=x onerror="alert(1)">', b"<item>",
    b"</item>", b"<entry>", b"</entry>", b"<title>", b"</title>", b"<pubDate>0001-01-01",
    b"9999-12-31T23:59:59+14:00", b'<?xml version="1.0" encoding="x-bogus"?>', b"<!DOCTYPE x [",
    b'<!ENTITY e SYSTEM "file:///etc/passwd">', b"&e;", b"/etc/passwd", b"\r\n", b"\t",
    b'{"version": "https://jsonfeed.org/version/1.1", "items": [', b'"date_published": 1e999',
]  # fmt: skip


def mutate(data: bytes, rng: random.Random) -> bytes:
    for _ in range(rng.randint(1, 4)):
        at = rng.randint(0, len(data))
        choice = rng.random()
        if choice < 0.35:
            data = data[:at] + rng.choice(TOKENS) + data[at:]
        elif choice < 0.55 and data:
            end = min(len(data), at + rng.randint(1, 64))
            data = data[:at] + data[end:]
        elif choice < 0.75 and data:
            flip = bytes([rng.randrange(256)])
            data = data[:at] + flip + data[at + 1 :]
        elif choice < 0.85:
            data = data[:at]
        else:
            a = rng.randint(0, len(data))
            data = data[:at] + data[a : a + rng.randint(1, 400)] + data[at:]
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    corpus = [p.read_bytes() for p in sorted(SEEDS.iterdir())]
    corpus += [p.read_bytes() for p in sorted(FOUND.glob("*.bin"))]
    FOUND.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + args.minutes * 60
    tried = failures = 0
    seen: set[str] = set()
    started = time.monotonic()
    while time.monotonic() < deadline:
        data = mutate(rng.choice(corpus), rng)
        tried += 1
        try:
            check_feed_bytes(data)
        except Exception as e:  # the property failed: keep the input once per cause
            cause = f"{type(e).__name__}:{traceback.extract_tb(e.__traceback__)[-1].lineno}"
            if cause in seen:
                continue
            seen.add(cause)
            failures += 1
            name = hashlib.sha256(data).hexdigest()[:16] + ".bin"
            (FOUND / name).write_bytes(data)
            print(f"FAIL {name}: {type(e).__name__}: {str(e)[:200]}", flush=True)
        if tried % 1000 == 0:
            corpus.append(data)  # let mutations compound
            print(f"{tried} inputs, {tried / (time.monotonic() - started):.0f}/s", flush=True)
    elapsed = time.monotonic() - started
    print(f"seed {args.seed}: {tried} inputs in {elapsed:.0f} s, {failures} distinct failures")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
