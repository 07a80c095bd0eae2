"""The generation cache (issue 7): content-addressed keys, per-summary commits, stats,
stored settings, no caching of unseeded sampling, options and cache folder."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from tiny_models import fixture_articles

from sumbench.summarize import cache as cache_module
from sumbench.summarize.cache import (
    CachingSummarizer,
    GenerationCache,
    GenerationStats,
    build_summarizer,
    cache_key,
    identity_key,
)
from sumbench.common.errors import SummarizerOptionError
from sumbench.summarize.generation import Generated

ARTICLES = fixture_articles()


class FakeSummarizer:
    """Upper-cases the first 20 characters; records what it was asked to generate."""

    def __init__(self, identity: dict | None = None, fail_after: int | None = None) -> None:
        self.name = "fake:upper"
        self.identity = identity if identity is not None else {"version": 1}
        self.calls: list[list[str]] = []
        self.settings_calls = 0
        self.fail_after = fail_after

    def cache_identity(self, digest=None) -> dict | None:
        return self.identity

    def settings(self) -> dict:
        self.settings_calls += 1
        return {"identity": self.identity, "calls": self.settings_calls}

    def summarize_iter(self, articles: Sequence[str]) -> Iterator[Generated]:
        self.calls.append(list(articles))
        for i, article in enumerate(articles):
            if self.fail_after is not None and i == self.fail_after:
                raise RuntimeError("model crashed")
            yield Generated(i, article[:20].upper(), truncated=len(article) > 3000)

    def summarize(self, articles: Sequence[str]) -> list[str]:
        return [g.text for g in self.summarize_iter(articles)]


class Unseeded(FakeSummarizer):
    def cache_identity(self, digest=None) -> dict | None:
        return None


def test_second_run_is_served_from_the_cache(tmp_path) -> None:
    inner = FakeSummarizer()
    first = CachingSummarizer(inner, GenerationCache(tmp_path))
    expected = [a[:20].upper() for a in ARTICLES]
    assert first.summarize(ARTICLES) == expected
    truncated = sum(len(a) > 3000 for a in ARTICLES)
    assert first.stats == GenerationStats(len(ARTICLES), 0, truncated)
    assert first.settings() == {"identity": {"version": 1}, "calls": 1}

    again = FakeSummarizer()
    second = CachingSummarizer(again, GenerationCache(tmp_path))
    assert second.summarize(ARTICLES) == expected
    assert again.calls == []
    assert second.stats.to_dict() == {"generated": 0, "from_cache": len(ARTICLES),
                                      "truncated": truncated}
    assert second.settings() == {"identity": {"version": 1}, "calls": 1}  # stored, not recomputed
    assert again.settings_calls == 0


def test_only_missing_articles_are_generated_and_duplicates_once(tmp_path) -> None:
    store = GenerationCache(tmp_path)
    CachingSummarizer(FakeSummarizer(), store).summarize(ARTICLES[:5])
    inner = FakeSummarizer()
    wrapped = CachingSummarizer(inner, store)
    articles = ARTICLES[3:8] + [ARTICLES[6]]
    assert wrapped.summarize(articles) == [a[:20].upper() for a in articles]
    assert inner.calls == [ARTICLES[5:8]]
    assert wrapped.stats.generated == 4 and wrapped.stats.from_cache == 2


def test_identity_and_name_change_the_key(tmp_path) -> None:
    store = GenerationCache(tmp_path)
    CachingSummarizer(FakeSummarizer({"beams": 4}), store).summarize(ARTICLES[:3])
    other = FakeSummarizer({"beams": 5})
    CachingSummarizer(other, store).summarize(ARTICLES[:3])
    assert len(other.calls) == 1
    assert identity_key("a", {"x": 1}) != identity_key("b", {"x": 1})
    ident = identity_key("a", {"x": 1})
    assert cache_key(ident, "article") != cache_key(ident, "article ")
    assert cache_key(ident, "article") == cache_key(identity_key("a", {"x": 1}), "article")


def test_finished_summaries_survive_a_crash(tmp_path) -> None:
    store = GenerationCache(tmp_path)
    with pytest.raises(RuntimeError, match="model crashed"):
        CachingSummarizer(FakeSummarizer(fail_after=4), store).summarize(ARTICLES[:10])
    # A fresh connection (another process would see the same) finds the 4 finished ones.
    with sqlite3.connect(tmp_path / cache_module.CACHE_FILE) as db:
        assert db.execute("SELECT COUNT(*) FROM generations").fetchone()[0] == 4
    inner = FakeSummarizer()
    wrapped = CachingSummarizer(inner, GenerationCache(tmp_path))
    wrapped.summarize(ARTICLES[:10])
    assert inner.calls == [ARTICLES[4:10]] and wrapped.stats.from_cache == 4


def test_unseeded_sampling_is_never_cached(tmp_path) -> None:
    store = GenerationCache(tmp_path)
    for _ in range(2):
        inner = Unseeded()
        wrapped = CachingSummarizer(inner, store)
        assert not wrapped.caching
        wrapped.summarize(ARTICLES[:3])
        assert wrapped.stats.generated == 3 and len(inner.calls) == 1
    assert store.count() == 0


def test_cache_is_wal_and_unicode_safe(tmp_path) -> None:
    store = GenerationCache(tmp_path)
    mode = store._db.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    store.put("k", "fake", "Bäckerei „Genossenschaft“ 🍞", {"truncated": False})
    assert GenerationCache(tmp_path).get_many(["k", "missing"]) == {
        "k": ("Bäckerei „Genossenschaft“ 🍞", {"truncated": False})}


def test_file_digest_is_remembered_until_the_file_changes(tmp_path, monkeypatch) -> None:
    import sumbench.common.hub

    calls: list[Path] = []
    real = sumbench.common.hub.file_sha256
    monkeypatch.setattr(sumbench.common.hub, "file_sha256", lambda p: calls.append(p) or real(p))
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(b"abc")
    store = GenerationCache(tmp_path / "cache")
    first = store.file_digest(weights)
    assert GenerationCache(tmp_path / "cache").file_digest(weights) == first and len(calls) == 1
    weights.write_bytes(b"abcd")
    assert store.file_digest(weights) != first and len(calls) == 2


def test_build_summarizer_options_and_cache_dir(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SUMBENCH_CACHE_DIR", str(tmp_path / "env"))
    assert cache_module.default_cache_dir() == tmp_path / "env"
    lead = build_summarizer("lead-3", {})
    assert not lead.caching  # baselines are cheaper to recompute than to look up
    assert lead.summarize(ARTICLES[:2])[0].count("\n") == 2
    assert lead.stats == GenerationStats(2, 0, 0)
    assert not (tmp_path / "env").exists()
    # The cache options belong to the model summarisers: given to a baseline they are
    # refused, never ignored.
    with pytest.raises(SummarizerOptionError, match="--no-cache does not apply to lead-3"):
        build_summarizer("lead-3", {"no_cache": False})
    with pytest.raises(SummarizerOptionError, match="--cache-dir"):
        build_summarizer("lead-3", {"cache_dir": 3})


@pytest.fixture()
def tiny_bart(tiny_seq2seq):
    pytest.importorskip("transformers")
    return tiny_seq2seq


def test_model_run_twice_second_never_loads_the_model(tiny_bart, tmp_path) -> None:
    options = {"max_new_tokens": 6, "cache_dir": str(tmp_path)}
    first = build_summarizer(f"hf:{tiny_bart}", options)
    first.inner.progress = False
    predictions = first.summarize(ARTICLES)
    assert first.caching and first.stats.generated == len(ARTICLES)
    assert first.stats.truncated > 0 and first.inner.load_count == 1

    second = build_summarizer(f"hf:{tiny_bart}", options)
    assert second.summarize(ARTICLES) == predictions
    assert second.stats == GenerationStats(0, len(ARTICLES), first.stats.truncated)
    assert second.inner.load_count == 0
    assert second.settings() == json.loads(json.dumps(first.settings()))
    assert second.inner.load_count == 0

    changed = build_summarizer(f"hf:{tiny_bart}", {**options, "max_new_tokens": 5})
    changed.inner.progress = False
    changed.summarize(ARTICLES[:2])
    assert changed.stats.generated == 2

    uncached = build_summarizer(f"hf:{tiny_bart}", {**options, "no_cache": True})
    uncached.inner.progress = False
    assert uncached.cache is None
    assert uncached.summarize(ARTICLES[:3]) == predictions[:3]
    assert uncached.stats.generated == 3


def test_changed_weights_change_the_fingerprint(tiny_bart, tmp_path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(tiny_bart, copy)
    a = build_summarizer(f"hf:{copy}", {"cache_dir": str(tmp_path / "c")})
    config = json.loads((copy / "config.json").read_text())
    config["dropout"] = 0.3
    (copy / "config.json").write_text(json.dumps(config))
    b = build_summarizer(f"hf:{copy}", {"cache_dir": str(tmp_path / "c")})
    assert a.identity != b.identity
