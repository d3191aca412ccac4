"""``python -m communique``."""

import sys

from communique.cli import run

# The guard matters: extraction workers are started with spawn, which imports the main
# module again in each worker; without it every worker would run the CLI.
if __name__ == "__main__":
    sys.exit(run())
