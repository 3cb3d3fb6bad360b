"""Pins the public surface of ``b2kit`` and the import boundary between server and client."""

import subprocess
import sys

import b2kit


def test_all_is_sorted_and_matches_exports() -> None:
    assert b2kit.__all__ == sorted(b2kit.__all__)
    assert set(b2kit.__all__) == set(b2kit._EXPORTS)


def test_every_public_name_resolves() -> None:
    for name in b2kit.__all__:
        assert getattr(b2kit, name) is not None, name


def test_server_package_imports_no_client_module() -> None:
    code = (
        "import sys, b2kit.server\n"
        "bad = sorted(m for m in sys.modules if m.startswith('b2kit.') and not "
        "(m.startswith('b2kit.server') or m == 'b2kit._protocol'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == ""
