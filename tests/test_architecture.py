"""Pins the dependency rules of docs/architecture.md, read from the source with ``ast`` (nothing imported).

- the server imports only the standard library, ``b2kit._protocol`` and itself: never client or CLI code;
- the client never imports the server or the CLI; ``_protocol`` imports nothing from b2kit;
- the CLI imports only public names (``__all__`` of a module without a private path segment);
- no import cycle anywhere in b2kit at run time;
- the server has no import cycle, not even through ``if TYPE_CHECKING:`` imports; nor has the SDK layer and
  its asyncio twin (``b2kit._api``, ``b2kit.aio``), nor b2kit as a whole;
- the server's SQL lives in its state layer (``b2kit.server._state``) only;
- the server's layers point one way: the state layer imports no rule, HTTP or handler code; the rules import
  only the state layer's records; the HTTP layer never imports a handler or the route table;
- endpoint handler modules (those the route table names) never import one another.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
SQL_METHODS = frozenset({"execute", "executemany", "executescript"})


@dataclass(frozen=True)
class Import:
    """One import statement of a b2kit module: what it names and whether only type checkers see it."""

    source: str
    target: str
    type_checking: bool


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted((SRC / "b2kit").rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _targets(module: str, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    """Dotted names an import loads (``from pkg import sub`` names ``pkg.sub`` when that is a module)."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = node.module or ""
    if node.level:
        package = module.split(".") if MODULES[module].name == "__init__.py" else module.split(".")[:-1]
        package = package[: len(package) - node.level + 1]
        base = ".".join([*package, base] if base else package)
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        yield submodule if submodule in MODULES else base


def _imports(module: str) -> Iterator[Import]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))

    def walk(node: ast.AST, guarded: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for statement in child.body:
                    yield from walk_one(statement, True)
                for statement in child.orelse:
                    yield from walk_one(statement, guarded)
            else:
                yield from walk_one(child, guarded)

    def walk_one(node: ast.AST, guarded: bool) -> Iterator[Import]:
        if isinstance(node, ast.Import | ast.ImportFrom):
            for target in _targets(module, node):
                yield Import(module, target, guarded)
        else:
            yield from walk(node, guarded)

    yield from walk(tree, False)


IMPORTS = [edge for module in MODULES for edge in _imports(module)]


def _inside(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _is_client(name: str) -> bool:
    return _inside(name, "b2kit") and not any(
        _inside(name, package)
        # ``python -m b2kit`` (the CLI's entry point) and the pytest plugin (fixtures that start a local
        # server and authorize a B2Api against it) join the two sides, as the CLI does: not client code
        for package in (
            "b2kit.server",
            "b2kit.cli",
            "b2kit._protocol",
            "b2kit.__main__",
            "b2kit.pytest_plugin",
        )
    )


def _cycles(edges: list[Import], package: str) -> list[list[str]]:
    """Strongly connected components (more than one module) of the import graph inside ``package``."""
    graph: dict[str, set[str]] = {}
    for edge in edges:
        if _inside(edge.source, package) and _inside(edge.target, package) and edge.source != edge.target:
            graph.setdefault(edge.source, set()).add(edge.target)
            graph.setdefault(edge.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = stack[stack.index(node) :]
            del stack[stack.index(node) :]
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_the_server_imports_only_the_stdlib_protocol_and_itself():
    wrong = [
        f"{edge.source} -> {edge.target}"
        for edge in IMPORTS
        if _inside(edge.source, "b2kit.server")
        and _inside(edge.target, "b2kit")
        and not (_inside(edge.target, "b2kit.server") or edge.target == "b2kit._protocol")
    ]
    assert wrong == []


def test_the_client_never_imports_the_server_or_the_cli():
    wrong = [
        f"{edge.source} -> {edge.target}"
        for edge in IMPORTS
        if _is_client(edge.source)
        and (_inside(edge.target, "b2kit.server") or _inside(edge.target, "b2kit.cli"))
    ]
    assert wrong == []


def test_protocol_imports_nothing_from_b2kit():
    assert [
        edge.target for edge in IMPORTS if edge.source == "b2kit._protocol" and _inside(edge.target, "b2kit")
    ] == []


@pytest.mark.parametrize("with_type_checking", [False, True], ids=["runtime", "with-TYPE_CHECKING"])
def test_the_server_has_no_import_cycle(with_type_checking):
    edges = [edge for edge in IMPORTS if with_type_checking or not edge.type_checking]
    assert _cycles(edges, "b2kit.server") == []


def test_the_cycle_finder_finds_a_cycle():
    edges = [
        Import("b2kit.server._app", "b2kit.server._http._server", False),
        Import("b2kit.server._http._server", "b2kit.server._app", True),
    ]
    assert _cycles(edges, "b2kit.server") == [["b2kit.server._app", "b2kit.server._http._server"]]


def _sql_calls(module: str) -> int:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    return sum(
        1
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in SQL_METHODS
    )


def test_server_sql_lives_only_in_the_state_layer():
    outside = {
        module: count
        for module in MODULES
        if _inside(module, "b2kit.server")
        and not _inside(module, "b2kit.server._state")
        and (count := _sql_calls(module))
    }
    assert outside == {}
    assert sum(_sql_calls(module) for module in MODULES if _inside(module, "b2kit.server._state")) > 0


def _handler_modules() -> set[str]:
    """The modules the route table takes handlers from."""
    return {
        edge.target
        for edge in IMPORTS
        if edge.source == "b2kit.server._routes" and _inside(edge.target, "b2kit.server._handlers")
    }


def _server_imports_of(package: str) -> set[str]:
    """The server modules that modules of ``package`` import (outside ``package`` itself)."""
    return {
        edge.target
        for edge in IMPORTS
        if _inside(edge.source, package)
        and _inside(edge.target, "b2kit.server")
        and not _inside(edge.target, package)
    }


def test_the_state_layer_imports_only_errors_and_ids():
    # _group_fsync: a stdlib-only helper the database shares with the blob store (one fsync for many commits)
    allowed = {"b2kit.server._errors", "b2kit.server._ids", "b2kit.server._group_fsync"}
    assert _server_imports_of("b2kit.server._state") <= allowed


def test_the_rules_import_only_the_state_records():
    allowed = {"b2kit.server._errors", "b2kit.server._state"}
    assert _server_imports_of("b2kit.server._rules") <= allowed


def test_the_http_layer_imports_no_handler_and_no_route_table():
    imported = _server_imports_of("b2kit.server._http")
    assert [name for name in imported if _inside(name, "b2kit.server._handlers")] == []
    assert "b2kit.server._routes" not in imported
    assert "b2kit.server._local" not in imported


def test_handler_modules_do_not_import_each_other():
    handlers = _handler_modules()
    assert len(handlers) > 10
    crossing = [
        f"{edge.source} -> {edge.target}"
        for edge in IMPORTS
        if edge.source in handlers and edge.target in handlers and edge.source != edge.target
    ]
    assert crossing == []


def _cli_imports() -> Iterator[tuple[str, str, str]]:
    """(CLI module, imported b2kit module, imported name) for every ``from b2kit... import name`` of the CLI
    that reaches outside the CLI (``import b2kit.x`` counts with the name ``*``)."""
    for module, path in MODULES.items():
        if not _inside(module, "b2kit.cli"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module is not None:
                if _inside(node.module, "b2kit") and not _inside(node.module, "b2kit.cli"):
                    yield from ((module, node.module, alias.name) for alias in node.names)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if _inside(alias.name, "b2kit") and not _inside(alias.name, "b2kit.cli"):
                        yield module, alias.name, "*"


def test_the_cli_imports_only_public_names():
    wrong = []
    for source, target, name in _cli_imports():
        private_path = any(part.startswith("_") for part in target.split(".")[1:])
        public = () if private_path else getattr(importlib.import_module(target), "__all__", ())
        if name not in public:
            wrong.append(f"{source}: from {target} import {name}")
    assert wrong == []
    assert len(list(_cli_imports())) > 10


def test_b2kit_has_no_import_cycle_at_run_time():
    runtime = [edge for edge in IMPORTS if not edge.type_checking]
    assert _cycles(runtime, "b2kit") == []


@pytest.mark.parametrize("package", ["b2kit.fs", "b2kit.cli"])
def test_fs_and_cli_have_no_import_cycle_even_through_type_checking(package):
    assert _cycles(IMPORTS, package) == []


@pytest.mark.parametrize("package", ["b2kit._api", "b2kit.aio", "b2kit"])
def test_the_sdk_twins_and_b2kit_have_no_import_cycle_even_through_type_checking(package):
    """A bucket knows its API only as a Protocol (``_api/_owner.py``, ``aio/_owner.py``)."""
    assert _cycles(IMPORTS, package) == []
