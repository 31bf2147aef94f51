"""``python -m orbrowse``: the same entry point as the ``orbrowse`` command."""

import sys

from orbrowse.cli import main

sys.exit(main())
