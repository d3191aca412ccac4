"""``python -m communique``."""

import sys

from communique.cli import main

sys.exit(main())
