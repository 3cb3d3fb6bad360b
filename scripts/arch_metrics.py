#!/usr/bin/env python3
"""Architecture figures for b2kit, read from the source with ``ast`` (stdlib only, nothing imported).

Prints: files and lines per layer (client subpackages, server, CLI), functions over 8 parameters,
``execute(`` calls outside the server's state layer, import cycles inside ``src/b2kit`` with and without
``TYPE_CHECKING`` imports, and how many places declare the public API.

    python3 scripts/arch_metrics.py [REPO_ROOT]

Issue 10 quotes these figures before and after the redesign; run it on any commit's checkout.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "b2kit"
STATE_LAYER = ("b2kit.server._state",)
"""Module prefixes that count as the server's state layer (SQL may live only there)."""
MAX_PARAMETERS = 8
SQL_METHODS = frozenset({"execute", "executemany", "executescript"})
PUBLIC_API_SHARE = 0.5
"""A literal collection or import block naming at least this share of ``__all__`` declares the public API."""


@dataclass
class Module:
    """One source file: dotted name, path, line count and parsed tree."""

    name: str
    path: Path
    lines: int
    tree: ast.Module
    is_package: bool


@dataclass
class Imports:
    """Import edges of one module, split by whether they sit under ``if TYPE_CHECKING:``."""

    runtime: set[str] = field(default_factory=set)
    type_checking: set[str] = field(default_factory=set)


def load_modules(src: Path) -> dict[str, Module]:
    modules: dict[str, Module] = {}
    for path in sorted((src / PACKAGE).rglob("*.py")):
        relative = path.relative_to(src).with_suffix("")
        parts = list(relative.parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        text = path.read_text(encoding="utf-8")
        name = ".".join(parts)
        modules[name] = Module(name, path, len(text.splitlines()), ast.parse(text, str(path)), is_package)
    return modules


# --- layers ----------------------------------------------------------------------------------------------


def layer_of(name: str) -> str:
    """The layer a module belongs to: ``server``, ``cli``, ``shared`` or ``client:<subpackage>``."""
    parts = name.split(".")
    if len(parts) == 1:
        return "package (__init__)"
    if parts[1] == "_protocol":
        return "shared (_protocol)"
    if parts[1] in ("server", "cli"):
        return parts[1] if len(parts) <= 3 else f"{parts[1]}:{parts[2]}"
    if len(parts) == 2:
        return "client: top-level modules"
    return f"client:{parts[1]}"


def print_layers(modules: dict[str, Module]) -> None:
    files: dict[str, int] = defaultdict(int)
    lines: dict[str, int] = defaultdict(int)
    for module in modules.values():
        layer = layer_of(module.name)
        files[layer] += 1
        lines[layer] += module.lines
    print("== files and lines per layer")
    for family in ("client", "server", "cli", "shared", "package"):
        members = sorted(layer for layer in files if layer.split(":")[0].split(" ")[0] == family)
        for layer in members:
            print(f"  {layer:42} {files[layer]:4} files {lines[layer]:7} lines")
        if len(members) > 1:
            total_files = sum(files[layer] for layer in members)
            total_lines = sum(lines[layer] for layer in members)
            print(f"  {family + ' (total)':42} {total_files:4} files {total_lines:7} lines")
    print(f"  {'all':42} {sum(files.values()):4} files {sum(lines.values()):7} lines")


# --- long parameter lists ------------------------------------------------------------------------------


def functions(tree: ast.AST) -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """Every function with its qualified name inside the module."""

    def walk(node: ast.AST, prefix: str) -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                yield prefix + child.name, child
                yield from walk(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                yield from walk(child, f"{prefix}{child.name}.")
            else:
                yield from walk(child, prefix)

    yield from walk(tree, "")


def parameter_count(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Parameters a caller can pass (``self``/``cls`` not counted; ``*args``/``**kwargs`` count one each)."""
    arguments = function.args
    named = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    if named and named[0].arg in ("self", "cls"):
        named = named[1:]
    return len(named) + (arguments.vararg is not None) + (arguments.kwarg is not None)


def print_long_signatures(modules: dict[str, Module]) -> None:
    found = [
        (count, f"{module.name}.{qualified}")
        for module in modules.values()
        for qualified, function in functions(module.tree)
        if (count := parameter_count(function)) > MAX_PARAMETERS
    ]
    print(f"== functions over {MAX_PARAMETERS} parameters: {len(found)}")
    for count, name in sorted(found, key=lambda item: (-item[0], item[1])):
        print(f"  {count:3}  {name}")


# --- SQL outside the state layer ------------------------------------------------------------------------


def sql_calls(tree: ast.AST) -> int:
    return sum(
        1
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in SQL_METHODS
    )


def in_state_layer(name: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in STATE_LAYER)


def print_sql(modules: dict[str, Module]) -> None:
    server = {name: module for name, module in modules.items() if name.startswith(f"{PACKAGE}.server")}
    outside = {
        module.name: count
        for module in server.values()
        if not in_state_layer(module.name) and (count := sql_calls(module.tree))
    }
    inside = sum(sql_calls(module.tree) for module in server.values() if in_state_layer(module.name))
    print(
        f"== server: execute()/executemany()/executescript() calls outside the state layer "
        f"({', '.join(STATE_LAYER)}): {sum(outside.values())} in {len(outside)} modules "
        f"(inside it: {inside})"
    )
    for name, count in sorted(outside.items(), key=lambda item: (-item[1], item[0])):
        print(f"  {count:3}  {name}")
    client = {
        name: count
        for name, module in modules.items()
        if name not in server and (count := sql_calls(module.tree))
    }
    where = ", ".join(sorted(client)) or "no module"
    print(f"   (client side, for reference: {sum(client.values())} in {where})")


# --- import graph ---------------------------------------------------------------------------------------


def is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def resolve(module: Module, node: ast.Import | ast.ImportFrom, known: dict[str, Module]) -> set[str]:
    """The b2kit modules an import statement loads (a ``from package import name`` names a submodule
    when one exists, else the package itself)."""
    targets: set[str] = set()
    if isinstance(node, ast.Import):
        for alias in node.names:
            targets.add(alias.name)
        return {target for target in targets if target in known}
    base = node.module or ""
    if node.level:
        anchor = module.name.split(".") if module.is_package else module.name.split(".")[:-1]
        anchor = anchor[: len(anchor) - (node.level - 1)]
        base = ".".join([*anchor, base]) if base else ".".join(anchor)
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        targets.add(submodule if submodule in known else base)
    return {target for target in targets if target in known}


def import_edges(module: Module, known: dict[str, Module]) -> Imports:
    imports = Imports()

    def visit(node: ast.AST, guarded: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and is_type_checking(child.test):
                for statement in child.body:
                    visit_statement(statement, True)
                for statement in child.orelse:
                    visit_statement(statement, guarded)
                continue
            visit_statement(child, guarded)

    def visit_statement(statement: ast.AST, guarded: bool) -> None:
        if isinstance(statement, ast.Import | ast.ImportFrom):
            edges = imports.type_checking if guarded else imports.runtime
            edges.update(resolve(module, statement, known) - {module.name})
        else:
            visit(statement, guarded)

    visit(module.tree, False)
    return imports


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def connect(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(found)


def print_cycles(modules: dict[str, Module]) -> None:
    edges = {name: import_edges(module, modules) for name, module in modules.items()}
    runtime = {name: imports.runtime for name, imports in edges.items()}
    everything = {name: imports.runtime | imports.type_checking for name, imports in edges.items()}
    for title, graph in (
        ("without TYPE_CHECKING imports", runtime),
        ("with TYPE_CHECKING imports", everything),
    ):
        found = cycles(graph)
        print(f"== import cycles in src/{PACKAGE} {title}: {len(found)}")
        for component in found:
            short = [name.removeprefix(PACKAGE + ".") for name in component]
            print(f"  {len(component)} modules: {' '.join(short)}")


# --- public API declarations ------------------------------------------------------------------------------


def public_names(module: Module) -> set[str]:
    """The names of ``__all__``: a literal, or ``sorted(X)`` / ``list(X)`` of a literal dict ``X``."""
    literals: dict[str, set[str]] = {}
    for node in module.tree.body:
        target, value = None, None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        if isinstance(target, ast.Name) and value is not None:
            names = literal_strings(value)
            if names:
                literals[target.id] = names
            elif (
                target.id == "__all__"
                and isinstance(value, ast.Call)
                and value.args
                and isinstance(value.args[0], ast.Name)
            ):
                literals["__all__"] = literals.get(value.args[0].id, set())
    return literals.get("__all__", set())


def literal_strings(node: ast.AST) -> set[str]:
    """The strings a list/tuple/set literal holds, or a dict literal's string keys."""
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        items: list[ast.expr | None] = list(node.elts)
    elif isinstance(node, ast.Dict):
        items = list(node.keys)
    else:
        return set()
    return {item.value for item in items if isinstance(item, ast.Constant) and isinstance(item.value, str)}


def imported_names(block: list[ast.stmt]) -> set[str]:
    return {
        alias.asname or alias.name
        for statement in block
        if isinstance(statement, ast.ImportFrom)
        for alias in statement.names
    }


def declarations(tree: ast.AST, names: set[str]) -> list[tuple[int, str]]:
    """(line, what) for each literal collection or TYPE_CHECKING import block naming most of ``names``."""
    found: list[tuple[int, str]] = []
    threshold = PUBLIC_API_SHARE * len(names)
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and is_type_checking(node.test):
            if len(imported_names(node.body) & names) >= threshold:
                found.append((node.lineno, "TYPE_CHECKING import block"))
            continue
        if len(literal_strings(node) & names) >= threshold:
            kind = "dict literal" if isinstance(node, ast.Dict) else "list/tuple/set literal"
            found.append((getattr(node, "lineno", 0), kind))
    return sorted(found)


def print_public_api(root: Path, modules: dict[str, Module]) -> None:
    init = modules[PACKAGE]
    names = public_names(init) or largest_declaration(init.tree)
    if not names:
        print("== public API: no __all__ names found")
        return
    places: list[str] = []
    candidates = [init.path, *sorted((root / "tests").rglob("*.py"))]
    for path in candidates:
        tree = init.tree if path == init.path else ast.parse(path.read_text(encoding="utf-8"), str(path))
        for line, what in declarations(tree, names):
            places.append(f"{path.relative_to(root)}:{line} {what}")
    print(f"== public API: {len(names)} names in __all__, declared in {len(places)} places")
    for place in places:
        print(f"  {place}")


def largest_declaration(tree: ast.Module) -> set[str]:
    """When ``__all__`` is computed: the largest literal collection or TYPE_CHECKING import block."""
    found: list[set[str]] = [set()]
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and is_type_checking(node.test):
            found.append(imported_names(node.body))
        else:
            found.append(literal_strings(node))
    return max(found, key=len)


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    modules = load_modules(root / "src")
    print_layers(modules)
    print_long_signatures(modules)
    print_sql(modules)
    print_cycles(modules)
    print_public_api(root, modules)


if __name__ == "__main__":
    main()
