"""b2kit.fs is built on the public SDK only: it imports ``b2kit``, ``b2kit.constants`` and itself."""

from __future__ import annotations

import ast
from pathlib import Path

FS_PACKAGE = Path(__file__).resolve().parents[2] / "src" / "b2kit" / "fs"
ALLOWED = ("b2kit", "b2kit.constants")


def _b2kit_imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("b2kit"):
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names if alias.name.startswith("b2kit"))
    return names


def test_fs_imports_only_public_b2kit_names():
    wrong = {
        f"{path.name}: {name}"
        for path in sorted(FS_PACKAGE.glob("*.py"))
        for name in _b2kit_imports(path)
        if name not in ALLOWED and not name.startswith("b2kit.fs")
    }
    assert wrong == set()
