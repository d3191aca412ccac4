"""Logging set-up: plain lines for people, one JSON object per line by config."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from ingest.shown import shown

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class ShownFilter(logging.Filter):
    """Every record as an operator may see it: remote text in messages and ``extra`` fields
    loses its control characters (no escape sequences in a terminal, no forged lines) and
    URLs their credentials. The message is rendered here, once."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = shown(record.getMessage())
        record.args = ()
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD and isinstance(value, str):
                setattr(record, key, shown(value))
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record, with any ``extra=`` fields (source, url, ...) kept."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        out |= {k: v for k, v in record.__dict__.items() if k not in _STANDARD}
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str)


def configure(section: Any, verbose: bool = False) -> None:
    """Configure the root logger from ``[log]`` (level, json)."""
    handler = logging.StreamHandler(sys.stderr)
    if section.json:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(ShownFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel("DEBUG" if verbose else section.level.upper())
    for noisy in ("httpx", "httpcore", "apscheduler", "trafilatura", "urllib3", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
