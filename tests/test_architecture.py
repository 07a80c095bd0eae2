"""ARCHITECTURE.md tells the same story as the code (issue 10, acceptance 8), and the
rooms keep their rules: summarize/ never imports eval/; eval/ imports no torch or
transformers at module level."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEXT = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
ROOMS = ("sumbench", "eval", "summarize")


def modules() -> list[Path]:
    return [p for room in ROOMS for p in (ROOT / room).rglob("*.py")
            if "data" not in p.relative_to(ROOT).parts[2:] or p.name != "build_data.py"]


def test_every_path_named_exists():
    named = set(re.findall(r"`((?:eval|summarize|sumbench|tests|fixtures|benchmarks)/[\w./]*)`", TEXT))
    assert named, "ARCHITECTURE.md names no paths"
    for path in named:
        assert (ROOT / path).exists(), path


def test_every_package_and_module_is_placed():
    for init in (p for room in ROOMS for p in (ROOT / room).rglob("__init__.py")):
        folder = init.parent.relative_to(ROOT).as_posix()
        if folder.endswith("rouge155/data"):
            continue  # data files and their build script, described in rouge155/README.md
        assert f"`{folder}/`" in TEXT or f"`{folder.split('/')[-1]}/`" in TEXT, folder
    for module in modules():
        if module.name == "__init__.py" or "rouge155" in module.parts:
            continue  # rouge155's modules are listed in its own README
        assert re.search(rf"\b{module.stem}\b", TEXT), module.relative_to(ROOT)


def imported(path: Path, top_level_only: bool) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    names = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_summarize_never_imports_eval():
    for path in (ROOT / "summarize").rglob("*.py"):
        assert not any(n.startswith("sumbench.eval") for n in imported(path, False)), path


def test_eval_has_no_heavy_import_at_module_level():
    for path in (ROOT / "eval").rglob("*.py"):
        heavy = {n for n in imported(path, True) if n.split(".")[0] in ("torch", "transformers")}
        assert not heavy, (path, heavy)
