"""``python -m b2kit.server``: the same as ``b2kit server`` (options, banner, clean stops).

The command lives in the CLI and the server package imports no CLI code, so this launcher replaces its own
process with ``python -m b2kit server`` (same pid: signals sent to it reach the server).
"""

import os
import sys

if __name__ == "__main__":
    os.execv(sys.executable, [sys.executable, "-m", "b2kit", "server", *sys.argv[1:]])
