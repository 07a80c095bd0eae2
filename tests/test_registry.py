"""The one registry type (issue 19): ``sumbench.common.registry.Registry`` behind the
metrics, summarisers, reference readers, ROUGE backends and judgment formats -- lazy
``"module:object"`` targets, entry points with built-ins winning a clash, an unknown-name
error that lists what exists, a load error that names the target."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cli_util import one_error_line, sumbench
from sumbench.common.registry import Registry, RegistryLoadError


class Refused(Exception):
    """The error a table passes in."""


@pytest.fixture
def package(tmp_path, monkeypatch) -> Path:
    """A module ``regtarget`` on sys.path (not imported yet) and a distribution whose
    entry points, in the group ``regtest.things``, name ``extra`` and ``alpha``."""
    (tmp_path / "regtarget.py").write_text("class Alpha:\n    name = 'alpha'\n\n"
                                           "class Extra:\n    name = 'extra'\n\n"
                                           "class Misnamed:\n    name = 'other'\n")
    dist = tmp_path / "regtest_plugin-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: regtest-plugin\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[regtest.things]\nextra = regtarget:Extra\n"
                                           "alpha = regtarget:Misnamed\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "regtarget", raising=False)
    return tmp_path


def test_a_target_module_is_imported_only_by_get(package):
    table: Registry[type] = Registry("thing", {"alpha": "regtarget:Alpha"}, error=Refused)
    assert table.names() == ["alpha"] and "alpha" in table and list(table) == ["alpha"]
    assert "regtarget" not in sys.modules
    cls = table.get("alpha")
    assert "regtarget" in sys.modules and cls.__name__ == "Alpha"


def test_objects_are_registered_as_themselves():
    marker = object()
    table: Registry[object] = Registry("thing", {"one": marker}, error=Refused)
    assert table.get("one") is marker


def test_an_unknown_name_is_the_tables_error_listing_what_exists():
    table: Registry[type] = Registry("widget", {"a": "x:A", "b": "x:B"}, error=Refused)
    with pytest.raises(Refused, match=r"^unknown widget 'c'; known: a, b$"):
        table.get("c")
    assert "c" not in table


def test_patterns_match_whole_names_and_list_their_labels():
    table: Registry[type] = Registry("thing", {r"lead-\d+": "x:A"}, patterns=True,
                                     labels={r"lead-\d+": "lead-k"}, error=Refused)
    assert "lead-3" in table and table.key("lead-12") == r"lead-\d+"
    for bad in ("lead-", "lead-3x", "xlead-3"):
        with pytest.raises(Refused, match=r"known: lead-k$"):
            table.key(bad)


def test_entry_points_are_added_and_a_builtin_wins_a_clash(package):
    table: Registry[type] = Registry("thing", {"alpha": "regtarget:Alpha"},
                                     group="regtest.things", error=Refused, check_name=True)
    assert table.names() == ["alpha", "extra"]
    assert table.get("alpha").__name__ == "Alpha"  # not the plug-in's Misnamed
    assert table.get("extra").__name__ == "Extra"


def test_a_loaded_objects_name_must_match(package):
    table: Registry[type] = Registry("thing", {"other": "regtarget:Alpha"}, error=Refused,
                                     load_error=Refused, check_name=True)
    with pytest.raises(Refused, match=r"^thing 'other': regtarget:Alpha is named 'alpha'$"):
        table.get("other")


@pytest.mark.parametrize("target", ["regtarget:Missing", "no_such_module_xyz:A", "no-colon"])
def test_a_target_that_cannot_be_loaded_is_named(package, target):
    table: Registry[type] = Registry("thing", {"a": target}, error=Refused)
    with pytest.raises(RegistryLoadError, match=f"thing 'a': .*{target}"):
        table.get("a")
    assert issubclass(RegistryLoadError, ImportError)
    custom: Registry[type] = Registry("thing", {"a": target}, error=Refused, load_error=Refused)
    with pytest.raises(Refused, match=f"^thing 'a': .*{target}"):
        custom.get("a")


def test_every_table_is_one_registry():
    from sumbench.eval.data import registry as readers
    from sumbench.eval.meta import formats
    from sumbench.eval import metrics
    from sumbench.eval.metrics.rouge import engine
    from sumbench.summarize import base

    tables = [metrics.METRIC_REGISTRY, base.SUMMARIZER_REGISTRY, readers.READER_REGISTRY,
              engine.BACKEND_REGISTRY, formats.FORMAT_REGISTRY]
    assert all(isinstance(t, Registry) for t in tables)
    assert metrics.available_metrics()[:5] == list(metrics.METRICS)
    assert readers.READER_REGISTRY.names() == list(readers.READERS)
    assert engine.BACKEND_REGISTRY.names() == list(engine.BACKENDS)
    assert formats.get_format("summeval") is formats.FORMATS["summeval"]


def test_listing_the_tables_imports_no_target():
    """Names come from strings: listing every table imports no metric, reader, backend
    or summariser module."""
    code = ("import sys\n"
            "from sumbench.eval.metrics import available_metrics\n"
            "from sumbench.eval.data.registry import READER_REGISTRY\n"
            "from sumbench.eval.metrics.rouge.engine import BACKEND_REGISTRY\n"
            "from sumbench.summarize import available_summarizers\n"
            "available_metrics(); READER_REGISTRY.names(); BACKEND_REGISTRY.names()\n"
            "available_summarizers()\n"
            "bad = [m for m in sys.modules if m.startswith(('sumbench.eval.metrics.rouge.metric',\n"
            "       'sumbench.eval.metrics.bertscore', 'sumbench.eval.data.tabular',\n"
            "       'sumbench.eval.metrics.rouge.fast', 'sumbench.summarize.hf',\n"
            "       'sumbench.summarize.baselines'))]\n"
            "assert not bad, bad\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_api_unknown_names_keep_their_messages():
    from sumbench.common.errors import InputError, UsageError
    from sumbench.eval.data.registry import reader_class
    from sumbench.eval.meta.formats import get_format
    from sumbench.eval.metrics import metric_class
    from sumbench.eval.metrics.rouge.engine import RougeConfig, score_pairs
    from sumbench.summarize.base import UnknownSummarizerError, get_summarizer

    with pytest.raises(UsageError, match=r"unknown metric 'nope'; known: rouge, rouge155, "):
        metric_class("nope")
    with pytest.raises(InputError, match=r"unknown reference format 'nope'; known: jsonl, "):
        reader_class("nope")
    with pytest.raises(UsageError, match=r"unknown judgment format 'nope'; known: summeval, "):
        get_format("nope")
    with pytest.raises(ValueError, match=r"unknown ROUGE backend 'nope'; known: reference, "):
        score_pairs(["a"], [["a"]], RougeConfig(), backend="nope")
    with pytest.raises(UnknownSummarizerError, match=r"unknown summarizer 'nope'; known: lead-k, "):
        get_summarizer("nope")


def test_cli_unknown_metric_is_one_line_listing_the_metrics(tmp_path):
    result = sumbench("score", "--metrics", "rouge,nope", "--references", "x.jsonl",
                      "--predictions", "y.jsonl", cwd=tmp_path)
    one_error_line(result, "unknown metric 'nope'", "known: rouge, rouge155, bertscore")
    assert list(tmp_path.iterdir()) == []


def test_cli_a_plugin_cannot_take_a_builtin_name(tmp_path):
    """An entry point named ``rouge`` does not replace the built-in metric."""
    dist = tmp_path / "sumbench_clash-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: sumbench-clash\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[sumbench.metrics]\nrouge = no_such_module_xyz:Rouge\n")
    result = sumbench("list", env={"PYTHONPATH": str(tmp_path)})
    assert result.code == 0 and "rouge" in result.out and "Traceback" not in result.err
