"""The import graph stays as designed: one direction (cli → library → spec), no cycles, and no
module reaching into another's private names."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "dhtt_batch"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(imported module, names) for every import of the package's own modules in `path`."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.startswith("dhtt_batch"):
                found.append((target, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names if a.name.startswith("dhtt_batch")]
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for target, names in _imports(path):
            for imported in names or [""]:
                full = f"{target}.{imported}"
                graph[name].add(full if full in modules else target)
    return graph


def test_no_module_imports_another_modules_private_names() -> None:
    offenders = [
        f"{_module_name(path)} imports {target}.{name}"
        for path in PACKAGE.rglob("*.py")
        for target, names in _imports(path)
        for name in names
        if name.startswith("_") and name != "__version__"
    ]
    assert offenders == []


def test_the_import_graph_has_no_cycles() -> None:
    graph = _graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph.get(node, ())):
            if target == node or target not in graph:
                continue
            if state.get(target) == 1:
                cycles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def _in_cli(module: str) -> bool:
    return module == "dhtt_batch.cli" or module.startswith("dhtt_batch.cli.")


def test_imports_flow_one_way_from_cli_to_spec() -> None:
    graph = _graph()
    # The command line (the dhtt_batch.cli package) sits on top: only its own modules import it.
    library = {name: targets for name, targets in graph.items() if not _in_cli(name)}
    assert {name for name, targets in library.items() if any(map(_in_cli, targets))} == set()
    assert any(_in_cli(name) for name in graph)  # the rule is about a package that exists
    assert graph["dhtt_batch.spec"] == set()
    assert graph["dhtt_batch.spec_loader"] == {"dhtt_batch.spec"}  # YAML → the spec's model
    assert graph["dhtt_batch.textkey"] == set()  # the one comparison form of fixed text
    # The bottom layer only ever imports the spec (and the comparison form of text).
    for bottom in ("dhtt_batch.states", "dhtt_batch.xlsx.cells", "dhtt_batch.collation"):
        assert graph[bottom] <= {"dhtt_batch.spec", "dhtt_batch.textkey"}, bottom
