"""The sync SDK never loads aiohttp: only ``import b2kit.aio`` does."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
import b2kit, b2kit.sync, b2kit.server
from b2kit import B2Api, Bucket
assert "aiohttp" not in sys.modules, "the sync SDK imported aiohttp"
assert not [m for m in sys.modules if m.startswith("b2kit.aio")], "the sync SDK imported b2kit.aio"
import b2kit.aio
assert "aiohttp" in sys.modules
"""


def test_only_b2kit_aio_imports_aiohttp():
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
