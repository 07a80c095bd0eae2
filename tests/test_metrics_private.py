"""Metrics are private to the metrics package: nothing outside ``eval/metrics/`` imports
a metric family, except the oracle (it maximises ROUGE) and the version-1 run reader (it
rebuilds the ROUGE metric to sign an old run), each with a comment saying why."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAMILY = re.compile(r"(^|\.)metrics\.(rouge|rouge155|bertscore|faithfulness|judge)(\.|$)")
ALLOWED = {"eval/oracle.py", "eval/runs/v1.py"}


def family_imports(source: str, package: str) -> list[str]:
    """The metric-family modules ``source`` imports (relative imports resolved against
    ``package``, e.g. ``sumbench.eval.report``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[:len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            names = [module] + [f"{module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found += [n for n in names if FAMILY.search(n)][:1]
    return found


def _package(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts[:-1]
    prefix = {"eval": "sumbench.eval", "summarize": "sumbench.summarize", "sumbench": "sumbench"}
    return ".".join([prefix[parts[0]], *parts[1:]])


def test_nothing_outside_the_metrics_package_imports_a_metric_family():
    offenders = {}
    for top in ("eval", "summarize", "sumbench"):
        for path in (ROOT / top).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if rel.startswith("eval/metrics/") or rel in ALLOWED:
                continue
            imported = family_imports(path.read_text(encoding="utf-8"), _package(path))
            if imported:
                offenders[rel] = imported
    assert offenders == {}


def test_the_exceptions_say_why():
    for rel in ALLOWED:
        text = (ROOT / rel).read_text(encoding="utf-8")
        assert family_imports(text, _package(ROOT / rel)), f"{rel} no longer needs its exception"
        assert "allowed to import a" in text and "metric family" in text


def test_the_check_finds_a_deliberate_family_import():
    # the check can fail: a report module importing the ROUGE engine, relatively or not
    assert family_imports("from ..metrics.rouge.engine import score_pairs\n",
                          "sumbench.eval.report") == ["sumbench.eval.metrics.rouge.engine"]
    assert family_imports("import sumbench.eval.metrics.judge.calls\n", "sumbench.eval")
    assert family_imports("from ..metrics import judge\n", "sumbench.eval.report")
    assert not family_imports("from ..metrics.base import MetricInfo\n", "sumbench.eval.report")
