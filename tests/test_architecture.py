"""The rooms keep their rules, checked on the import graph of the source tree (issue 19,
acceptance 3), and ARCHITECTURE.md names every module by its path.

The graph is read with :mod:`ast` from the checkout (``eval/``, ``summarize/``,
``sumbench/``, mapped to their import names as ``package-dir`` maps them), relative
imports resolved, imports inside functions included and marked as such.  Each rule is a
function of the graph that returns its violations, so the tests below also show each
rule failing on a graph with one deliberately added bad edge.

The rules:

- layers: ``sumbench.common`` imports nothing from ``sumbench.eval`` or
  ``sumbench.summarize``; ``sumbench.summarize`` imports nothing from ``sumbench.eval``;
  only ``sumbench`` and ``sumbench.api`` (the top) may import ``sumbench.api``;
- the command layer (``sumbench.eval.commands``, ``sumbench.eval.cli`` and the entry
  point ``sumbench.__main__``) is imported by nothing but itself;
- no import cycle among module-level imports (a package's ``__init__`` importing its
  submodules is an edge like any other);
- ``argparse`` is imported only by the command layer;
- the metric families are private to ``sumbench.eval.metrics``, except for the modules of
  ``METRIC_FAMILY_USERS`` (each says why in a comment beside the import);
- eval/ imports no torch or transformers at module level.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEXT = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
#: source folder -> the import name it installs as (pyproject.toml's package-dir)
FOLDERS = {"sumbench": "sumbench", "eval": "sumbench.eval", "summarize": "sumbench.summarize"}

COMMANDS = ("sumbench.eval.commands", "sumbench.eval.cli", "sumbench.__main__")
METRIC_FAMILIES = tuple(f"sumbench.eval.metrics.{f}"
                        for f in ("rouge", "rouge155", "bertscore", "faithfulness", "judge"))
#: the modules outside sumbench.eval.metrics allowed to import a metric family: the
#: extractive oracle maximises ROUGE itself; the version-1 reader rebuilds a ROUGE metric
METRIC_FAMILY_USERS = frozenset({"sumbench.eval.oracle", "sumbench.eval.runs.v1"})

#: Violations in today's tree that issue 19's other changes remove; the lead empties this
#: set once they are merged.  Each entry is exactly the line the checker reports.
KNOWN_VIOLATIONS: frozenset[str] = frozenset()  # none: every rule holds


@dataclass(frozen=True)
class Edge:
    source: str  # the importing module
    target: str  # the imported module (the deepest module the statement names)
    module_level: bool  # False: inside a function or under ``if TYPE_CHECKING:``


def module_name(path: Path) -> str:
    relative = path.relative_to(ROOT)
    parts = [FOLDERS[relative.parts[0]], *relative.parts[1:-1]]
    if path.name != "__init__.py":
        parts.append(path.stem)
    return ".".join(parts)


def source_files() -> dict[str, Path]:
    return {module_name(p): p for folder in FOLDERS for p in sorted((ROOT / folder).rglob("*.py"))}


def _resolve(source: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = source.split(".") if is_package else source.split(".")[:-1]
    base = package[:len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _not_run_on_import(tree: ast.Module) -> set[int]:
    """ids of the import nodes that do not run when the module is imported: inside a
    function body, or under ``if TYPE_CHECKING:``."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        typing_only = isinstance(node, ast.If) and (
            (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
            or (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING"))
        if typing_only or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            inside |= {id(n) for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom))}
    return inside


def import_graph(files: dict[str, Path] | None = None) -> set[Edge]:
    """Every import of every module, including third-party ones (targets outside
    sumbench keep their full dotted name)."""
    files = source_files() if files is None else files
    edges: set[Edge] = set()
    for source, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        inside = _not_run_on_import(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(source, path.name == "__init__.py", node)
                # ``from package import module`` names the module; ``from module import
                # name`` names the module
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in files else base
                           for a in node.names]
            else:
                continue
            edges |= {Edge(source, t, id(node) not in inside) for t in targets}
    return edges


def _under(name: str, prefixes: str | tuple[str, ...]) -> bool:
    prefixes = (prefixes,) if isinstance(prefixes, str) else prefixes
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def layer_violations(edges: set[Edge]) -> list[str]:
    forbidden = {"sumbench.common": ("sumbench.eval", "sumbench.summarize", "sumbench.api"),
                 "sumbench.summarize": ("sumbench.eval", "sumbench.api"),
                 "sumbench.eval": ("sumbench.api",)}
    return [f"layers: {e.source} imports {e.target}" for e in edges
            for room, below in forbidden.items()
            if _under(e.source, room) and _under(e.target, below)]


def command_violations(edges: set[Edge]) -> list[str]:
    return [f"commands: {e.source} imports {e.target}" for e in edges
            if _under(e.target, COMMANDS) and not _under(e.source, COMMANDS)]


def argparse_violations(edges: set[Edge]) -> list[str]:
    return [f"argparse: {e.source} imports argparse" for e in edges
            if _under(e.target, "argparse") and not _under(e.source, COMMANDS)]


def metric_family_violations(edges: set[Edge]) -> list[str]:
    return [f"metric family: {e.source} imports {e.target}" for e in edges
            if _under(e.target, METRIC_FAMILIES) and not _under(e.source, "sumbench.eval.metrics")
            and e.source not in METRIC_FAMILY_USERS]


def cycles(edges: set[Edge]) -> list[list[str]]:
    """The module-level import cycles: Tarjan's strongly connected components of more
    than one module (or a module importing itself), each sorted."""
    graph: dict[str, set[str]] = {}
    for e in edges:
        if e.module_level and e.target.startswith("sumbench"):
            graph.setdefault(e.source, set()).add(e.target)
            graph.setdefault(e.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:  # recursion depth is bounded by the module count
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1 or node in graph[node]:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def cycle_violations(edges: set[Edge]) -> list[str]:
    return [f"cycle: {' <-> '.join(c)}" for c in cycles(edges)]


def violations(edges: set[Edge]) -> list[str]:
    return sorted({*layer_violations(edges), *command_violations(edges), *cycle_violations(edges),
                   *argparse_violations(edges), *metric_family_violations(edges)})


GRAPH = import_graph()


# -- the rules hold on the source tree ------------------------------------------------

def test_the_graph_sees_relative_and_function_level_imports():
    assert Edge("sumbench.eval.runs.v1", "sumbench.eval.runs.run", True) in GRAPH
    assert Edge("sumbench.eval.oracle", "sumbench.summarize.base", True) in GRAPH
    assert Edge("sumbench.eval.runs.v1", "sumbench.eval.metrics.base", False) in GRAPH
    assert len({e for e in GRAPH if e.target.startswith("sumbench")}) > 120


def test_no_import_breaks_a_rule():
    found = set(violations(GRAPH))
    new = sorted(found - KNOWN_VIOLATIONS)
    fixed = sorted(KNOWN_VIOLATIONS - found)
    assert not new, "import rules broken:\n  " + "\n  ".join(new)
    assert not fixed, "fixed; remove from KNOWN_VIOLATIONS:\n  " + "\n  ".join(fixed)


def test_the_allowed_metric_family_users_say_why():
    files = source_files()
    for module in METRIC_FAMILY_USERS:
        lines = files[module].read_text(encoding="utf-8").splitlines()
        imports = [i for i, line in enumerate(lines)
                   if re.search(r"from \.+metrics\.(rouge|rouge155|bertscore|faithfulness|judge)\b", line)]
        assert imports, module
        first = imports[0]
        assert lines[first - 1].strip().startswith("#") or "#" in lines[first], \
            f"{module}: no comment beside its metric-family import saying why"


def test_eval_has_no_heavy_import_at_module_level():
    heavy = [e for e in GRAPH if e.module_level and _under(e.source, "sumbench.eval")
             and _under(e.target, ("torch", "transformers"))]
    assert not heavy, heavy


# -- each rule fails on a deliberately added bad edge ---------------------------------

def with_edge(source: str, target: str, module_level: bool = True) -> set[Edge]:
    return GRAPH | {Edge(source, target, module_level)}


def added(edges: set[Edge]) -> set[str]:
    return set(violations(edges)) - set(violations(GRAPH))


def test_a_back_edge_from_common_is_reported():
    assert added(with_edge("sumbench.common.sentences", "sumbench.eval.pipeline")) == {
        "layers: sumbench.common.sentences imports sumbench.eval.pipeline"}


def test_a_back_edge_from_summarize_is_reported_even_inside_a_function():
    assert added(with_edge("sumbench.summarize.cache", "sumbench.eval.files", False)) == {
        "layers: sumbench.summarize.cache imports sumbench.eval.files"}


def test_the_library_importing_a_command_is_reported():
    assert added(with_edge("sumbench.eval.pipeline", "sumbench.eval.commands.options", False)) == {
        "commands: sumbench.eval.pipeline imports sumbench.eval.commands.options"}
    assert added(with_edge("sumbench.api", "sumbench.eval.cli")) == {
        "commands: sumbench.api imports sumbench.eval.cli"}


def test_argparse_in_a_library_module_is_reported():
    assert added(with_edge("sumbench.eval.gate", "argparse")) == {
        "argparse: sumbench.eval.gate imports argparse"}


def test_a_private_metric_family_import_is_reported():
    assert added(with_edge("sumbench.eval.report.tables", "sumbench.eval.metrics.bertscore.metric")) == {
        "metric family: sumbench.eval.report.tables imports sumbench.eval.metrics.bertscore.metric"}


def test_a_module_level_cycle_is_reported_and_a_function_level_one_is_not():
    edge = ("sumbench.eval.stats.interval", "sumbench.eval.stats.resampling")
    assert Edge(*reversed(edge), True) in GRAPH
    assert added(with_edge(*edge)) == {
        "cycle: sumbench.eval.stats.interval <-> sumbench.eval.stats.resampling"}
    assert added(with_edge(*edge, module_level=False)) == set()


def test_a_package_importing_its_submodule_is_an_edge_of_a_cycle():
    assert Edge("sumbench.eval.stats", "sumbench.eval.stats.resampling", True) in GRAPH
    assert added(with_edge("sumbench.eval.stats.resampling", "sumbench.eval.stats")) == {
        "cycle: sumbench.eval.stats <-> sumbench.eval.stats.resampling"}


def test_a_back_edge_written_into_a_copy_of_the_tree_is_reported(tmp_path):
    """The same through a module file on disk: a relative import read by the parser."""
    module = tmp_path / "eval" / "stats" / "backdoor.py"
    module.parent.mkdir(parents=True)
    module.write_text("from ..commands.options import emit\nimport argparse\n"
                      "from . import resampling\n", encoding="utf-8")
    files = {**source_files(), "sumbench.eval.stats.backdoor": module}
    graph = import_graph(files)
    assert Edge("sumbench.eval.stats.backdoor", "sumbench.eval.stats.resampling", True) in graph
    assert set(violations(graph)) - set(violations(GRAPH)) == {
        "commands: sumbench.eval.stats.backdoor imports sumbench.eval.commands.options",
        "argparse: sumbench.eval.stats.backdoor imports argparse"}


def test_imports_for_type_checking_only_are_not_module_level(tmp_path):
    module = tmp_path / "eval" / "stats" / "typed.py"
    module.parent.mkdir(parents=True)
    module.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                      "    from ..runs.run import Run\n", encoding="utf-8")
    graph = import_graph({"sumbench.eval.stats.typed": module})
    assert Edge("sumbench.eval.stats.typed", "sumbench.eval.runs.run", False) in graph
    assert Edge("sumbench.eval.stats.typed", "sumbench.eval.runs.run", True) not in graph


# -- ARCHITECTURE.md names every module by its path -----------------------------------

def rooms() -> dict[str, str]:
    """The rooms table: each folder its first cell names (``eval/runs/``) -> its row."""
    section = TEXT.split("## Rooms", 1)[1].split("\n## ", 1)[0]
    table: dict[str, str] = {}
    for row in (line for line in section.splitlines() if line.startswith("| `")):
        first = row.split("|")[1]
        for folder in re.findall(r"`([\w/]+/)`", first):
            table[folder] = table.get(folder, "") + row
    return table


def unnamed(paths: list[str], table: dict[str, str]) -> list[str]:
    """The paths (``eval/runs/folder.py``, ``eval/runs/`` for a package) that no row
    names: a row names a path under its folder as a code span relative to that folder
    (``folder.py`` or ``runs/folder.py`` in the row of ``eval/``), or by its whole path."""
    missing = []
    for path in paths:
        named = path in table or any(f"`{path}`" in row for row in table.values()) or any(
            f"`{path[len(folder):]}`" in row for folder, row in table.items()
            if path.startswith(folder) and path != folder)
        if not named:
            missing.append(path)
    return missing


def module_paths() -> list[str]:
    paths = []
    for path in source_files().values():
        relative = path.relative_to(ROOT)
        paths.append(relative.parent.as_posix() + "/" if path.name == "__init__.py"
                     else relative.as_posix())
    return sorted(set(paths) - {"sumbench/", "eval/", "summarize/"})


def test_every_module_is_named_by_its_path():
    missing = unnamed(module_paths(), rooms())
    assert not missing, "ARCHITECTURE.md's rooms table does not name:\n  " + "\n  ".join(missing)


def test_an_unnamed_module_is_reported():
    table = rooms()
    assert unnamed(["eval/runs/folder.py", "eval/runs/backdoor.py", "eval/report/escape/html.py"],
                   table) == ["eval/runs/backdoor.py"]
    # a bare stem is not a path: the row of eval/runs/ naming `folder` would not do
    assert unnamed(["eval/runs/folder.py"], {"eval/runs/": "| `eval/runs/` | `folder` |"}) == [
        "eval/runs/folder.py"]


def test_every_path_named_exists():
    named = set(re.findall(r"`((?:eval|summarize|sumbench|tests|fixtures|benchmarks)/[\w./]*)`", TEXT))
    assert named, "ARCHITECTURE.md names no paths"
    for path in named:
        assert (ROOT / path).exists(), path
    for folder, row in rooms().items():
        for span in re.findall(r"`([\w/]+\.py|[\w/]+/)`", row):
            assert (ROOT / folder / span).exists() or (ROOT / span).exists(), (folder, span)
