"""``python -m orbrowse.emulator [serve options]``: the same as ``orbrowse serve``."""

import sys

from orbrowse.emulator.server import serve_main

if __name__ == "__main__":
    sys.exit(serve_main(sys.argv[1:]))
