"""communique: the composition root (CLI and daemon) that wires ingest and feeds."""
