"""On-disk generation cache: never pay twice for a summary, never lose a finished one.

A SQLite file (``generations.sqlite3`` in ``$SUMBENCH_CACHE_DIR``, default
``~/.cache/sumbench``) maps a content-addressed key to a summary.  The key is the
SHA-256 of the summariser id, its *identity* (model revision or weights hash, generation
settings, prompt template...; see ``cache_identity()`` of each summariser) and the
article's SHA-256, the scheme of lm-evaluation-harness' ``CachingLM`` (``lm_eval/api/
model.py``) with SQLite in WAL mode instead of a pickled dict.  Every summary is committed
on its own the moment the summariser yields it, so a run killed with SIGKILL keeps every
finished summary and the next run generates only the rest.  A summariser whose identity
is ``None`` (sampling without a seed) is never cached.

Every failure of the database (disk full, a lock held past :data:`BUSY_TIMEOUT_S`, a
corrupt file or row) is a :class:`~sumbench.common.errors.CacheError` naming the
cache file; the summaries committed before it stay.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .base import Summarizer, get_summarizer
from sumbench.common.errors import CacheError
from .generation import Generated
from .options import CACHE, options_for, resolve_options

CACHE_FILE = "generations.sqlite3"
KEY_VERSION = 1
BUSY_TIMEOUT_S = 60.0
_SCHEMA = (
    ("CREATE TABLE IF NOT EXISTS generations (key TEXT PRIMARY KEY, summarizer TEXT NOT NULL,"
     " summary TEXT NOT NULL, meta TEXT NOT NULL)"),
    "CREATE TABLE IF NOT EXISTS settings (identity TEXT PRIMARY KEY, settings TEXT NOT NULL)",
    ("CREATE TABLE IF NOT EXISTS file_digests (path TEXT NOT NULL, size INTEGER NOT NULL,"
     " mtime_ns INTEGER NOT NULL, sha256 TEXT NOT NULL, PRIMARY KEY (path, size, mtime_ns))"),
)


def default_cache_dir() -> Path:
    """``$SUMBENCH_CACHE_DIR``, else ``~/.cache/sumbench``."""
    return Path(os.environ.get("SUMBENCH_CACHE_DIR") or Path.home() / ".cache" / "sumbench")


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def identity_key(name: str, identity: dict) -> str:
    """The hash of a summariser id and its identity (what its settings are stored under)."""
    return _sha256(json.dumps({"v": KEY_VERSION, "summarizer": name, "identity": identity},
                              sort_keys=True, ensure_ascii=False, default=str))


def cache_key(identity_hash: str, article: str) -> str:
    """The key of one summary: identity hash + article hash."""
    return _sha256(identity_hash + ":" + _sha256(article))


class GenerationCache:
    """The SQLite file; one connection, autocommit (every write is its own transaction)."""

    def __init__(self, directory: str | Path | None = None,
                 timeout: float = BUSY_TIMEOUT_S) -> None:
        self.directory = Path(directory) if directory else default_cache_dir()
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.directory / CACHE_FILE, timeout=timeout,
                                       isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode: a committed row survives the process being killed.
            self._db.execute("PRAGMA synchronous=NORMAL")
            for statement in _SCHEMA:
                self._db.execute(statement)
        except (OSError, sqlite3.Error) as exc:
            raise CacheError(f"generation cache {self.directory}: {exc}") from None

    @property
    def path(self) -> Path:
        return self.directory / CACHE_FILE

    def _run(self, what: str, action: Callable[[], Any]) -> Any:
        """``action()`` with database failures as a :class:`CacheError` naming the file."""
        try:
            return action()
        except sqlite3.Error as exc:
            raise CacheError(f"generation cache {self.path}: cannot {what}: {exc}") from None

    def _json(self, text: Any, key: str) -> Any:
        try:
            return json.loads(text)
        except (TypeError, ValueError, RecursionError):
            raise CacheError(f"generation cache {self.path}: corrupt row {key[:12]}...: not "
                             "JSON; delete the file to start afresh") from None

    def get_many(self, keys: Sequence[str]) -> dict[str, tuple[str, dict]]:
        found: dict[str, tuple[str, dict]] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 500):
            chunk = unique[start:start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._run("read", lambda: self._db.execute(
                f"SELECT key, summary, meta FROM generations WHERE key IN ({marks})",
                chunk).fetchall())
            for key, summary, meta in rows:
                meta = self._json(meta, key)
                if not isinstance(summary, str) or not isinstance(meta, dict):
                    raise CacheError(f"generation cache {self.path}: corrupt row {key[:12]}...; "
                                     "delete the file to start afresh")
                found[key] = (summary, meta)
        return found

    def put(self, key: str, summarizer: str, summary: str, meta: dict) -> None:
        row = (key, summarizer, summary, json.dumps(meta, sort_keys=True))
        self._run("write", lambda: self._db.execute(
            "INSERT OR REPLACE INTO generations VALUES (?, ?, ?, ?)", row))

    def count(self) -> int:
        return int(self._run("read", lambda: self._db.execute(
            "SELECT COUNT(*) FROM generations").fetchone()[0]))

    def get_settings(self, identity: str) -> dict | None:
        row = self._run("read", lambda: self._db.execute(
            "SELECT settings FROM settings WHERE identity = ?", (identity,)).fetchone())
        if not row:
            return None
        settings = self._json(row[0], identity)
        if not isinstance(settings, dict):
            raise CacheError(f"generation cache {self.path}: corrupt settings row; delete "
                             "the file to start afresh")
        return settings

    def put_settings(self, identity: str, settings: dict) -> None:
        row = (identity, json.dumps(settings, sort_keys=True, default=str))
        self._run("write", lambda: self._db.execute(
            "INSERT OR REPLACE INTO settings VALUES (?, ?)", row))

    def file_digest(self, path: Path) -> str:
        """SHA-256 of a file, remembered by (path, size, mtime) so big weights hash once."""
        from sumbench.common.hub import file_sha256

        stat = path.stat()
        where = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
        row = self._run("read", lambda: self._db.execute(
            "SELECT sha256 FROM file_digests WHERE path = ? AND size = ? AND mtime_ns = ?",
            where).fetchone())
        if row and isinstance(row[0], str):
            return row[0]
        digest = file_sha256(path)
        self._run("write", lambda: self._db.execute(
            "INSERT OR REPLACE INTO file_digests VALUES (?, ?, ?, ?)", (*where, digest)))
        return digest

    def close(self) -> None:
        self._db.close()


@dataclass(frozen=True)
class GenerationStats:
    """Counts of the last run: summaries generated, served from the cache, inputs truncated."""

    generated: int = 0
    from_cache: int = 0
    truncated: int = 0

    def to_dict(self) -> dict[str, int]:
        return {"generated": self.generated, "from_cache": self.from_cache,
                "truncated": self.truncated}


def _iterate(summarizer: Any, articles: Sequence[str]) -> Iterator[Generated]:
    if hasattr(summarizer, "summarize_iter"):
        yield from summarizer.summarize_iter(articles)
        return
    for i, text in enumerate(summarizer.summarize(articles)):
        yield Generated(i, text)


class CachingSummarizer:
    """Wraps any summariser: looks every article up, generates only the missing ones and
    commits each new summary at once.  ``cache=None`` (or a summariser without a
    ``cache_identity``) passes straight through, still counting in :attr:`stats`."""

    def __init__(self, inner: Summarizer, cache: GenerationCache | None) -> None:
        self.inner = inner
        self.cache = cache
        self.stats = GenerationStats()
        self._settings: dict | None = None
        identity = None
        if cache is not None and hasattr(inner, "cache_identity"):
            identity = inner.cache_identity(cache.file_digest)
        self.identity = identity_key(inner.name, identity) if identity is not None else None

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def caching(self) -> bool:
        return self.identity is not None

    def settings(self) -> dict:
        """The summariser's settings; when every summary came from the cache, the settings
        stored by the run that generated them (so the model need not be loaded)."""
        if self._settings is None and self.caching and self.stats.generated == 0:
            self._settings = self.cache.get_settings(self.identity)
        if self._settings is None:
            self._settings = self.inner.settings()
        return self._settings

    def summarize(self, articles: Sequence[str]) -> list[str]:
        summaries: list[str | None] = [None] * len(articles)
        truncated = 0
        if not self.caching:
            for item in _iterate(self.inner, articles):
                summaries[item.index] = item.text
                truncated += item.truncated
            self.stats = GenerationStats(len(articles), 0, truncated)
            return [s or "" for s in summaries]
        keys = [cache_key(self.identity, a) for a in articles]
        found = self.cache.get_many(keys)
        for i, key in enumerate(keys):
            if key in found:
                summaries[i] = found[key][0]
                truncated += bool(found[key][1].get("truncated"))
        from_cache = sum(s is not None for s in summaries)
        missing: dict[str, list[int]] = {}
        for i, key in enumerate(keys):
            if summaries[i] is None:
                missing.setdefault(key, []).append(i)
        todo = [positions[0] for positions in missing.values()]
        self._settings = None
        for item in _iterate(self.inner, [articles[i] for i in todo]) if todo else ():
            first = todo[item.index]
            self.cache.put(keys[first], self.inner.name, item.text, item.meta())
            if self._settings is None:
                self._settings = self.inner.settings()
                self.cache.put_settings(self.identity, self._settings)
            for i in missing[keys[first]]:
                summaries[i] = item.text
                truncated += item.truncated
        self.stats = GenerationStats(len(articles) - from_cache, from_cache, truncated)
        return [s or "" for s in summaries]


def build_summarizer(name: str, options: dict | None = None) -> CachingSummarizer:
    """The summariser ``name`` built with ``options``, behind the generation cache.

    The summariser checks every option, the ``cache`` ones (``no_cache``, ``cache_dir``)
    included (only the model families take them); this reads those.  Read
    :attr:`CachingSummarizer.stats` after ``summarize``.
    """
    options = dict(options or {})
    inner = get_summarizer(name, options)
    cache_options = resolve_options(CACHE, {o.name: options[o.name] for o in options_for(CACHE)
                                            if o.name in options})
    cache = None
    if not cache_options["no_cache"] and hasattr(inner, "cache_identity"):
        cache = GenerationCache(cache_options["cache_dir"])
    return CachingSummarizer(inner, cache)
