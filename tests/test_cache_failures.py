"""The generation cache when its database fails (issue 11): a full disk, a lock held past
the timeout, a corrupt row or file exit 2 naming the cache file, and the summaries
committed before the failure stay."""

from __future__ import annotations

import json
import os
import resource
import sqlite3
import subprocess
from pathlib import Path

import pytest
from chat_server import ChatServer, ok
from cli_util import SUMBENCH

from sumbench.summarize.cache import CACHE_FILE, CachingSummarizer, GenerationCache
from sumbench.common.errors import CacheError
from sumbench.summarize.generation import Generated

SENTENCE = "The council voted to close the bridge for a year of repairs. "


@pytest.fixture
def server():
    chat = ChatServer()
    # About 12 KB per summary, different for every article.
    chat.script.append(ok(lambda body: body["messages"][0]["content"][-60:] + SENTENCE * 200))
    yield chat
    chat.close()


def write_refs(path: Path, count: int) -> Path:
    path.write_text("".join(json.dumps({"id": f"n{i}", "article": f"Article {i} text. More.",
                                        "highlights": "A highlight."}) + "\n"
                            for i in range(count)))
    return path


def run_cli(args: list, file_size_limit: int | None = None) -> subprocess.CompletedProcess:
    def limit() -> None:  # Python ignores SIGXFSZ: writes past the limit fail with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    return subprocess.run([str(SUMBENCH), *map(str, args)], capture_output=True, text=True,
                          timeout=300, preexec_fn=limit if file_size_limit else None,
                          env={**os.environ, "OPENAI_API_KEY": "sk-x"})


def one_error_line(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr
    errors = [l for l in done.stderr.splitlines() if l.startswith("sumbench: error:")]
    assert len(errors) == 1, done.stderr
    return errors[0]


def rows(cache_dir: Path) -> int:
    with sqlite3.connect(cache_dir / CACHE_FILE) as db:
        return db.execute("SELECT COUNT(*) FROM generations").fetchone()[0]


def openai_args(server: ChatServer, refs: Path, cache_dir: Path) -> list:
    return ["run", "--summarizer", "openai:m", "--base-url", server.base_url, "--references",
            refs, "--cache-dir", cache_dir, "--concurrency", "1"]


def test_a_full_disk_exits_2_naming_the_cache_and_keeps_what_was_committed(server,
                                                                           tmp_path) -> None:
    refs = write_refs(tmp_path / "refs.jsonl", 40)
    cache_dir = tmp_path / "cache"
    done = run_cli(openai_args(server, refs, cache_dir), file_size_limit=160 * 1024)
    line = one_error_line(done)
    assert f"generation cache {cache_dir / CACHE_FILE}: cannot write" in line
    committed = rows(cache_dir)
    assert 0 < committed < 40
    # The next run, with room, generates only what is missing.
    again = run_cli([*openai_args(server, refs, cache_dir), "--format", "json"])
    assert again.returncode == 0, again.stderr
    generation = json.loads(again.stdout)["generation"]
    assert generation["from_cache"] == committed and generation["generated"] == 40 - committed


def test_a_corrupt_row_or_file_exits_2_naming_the_cache(server, tmp_path) -> None:
    refs = write_refs(tmp_path / "refs.jsonl", 2)
    cache_dir = tmp_path / "cache"
    assert run_cli(openai_args(server, refs, cache_dir)).returncode == 0
    with sqlite3.connect(cache_dir / CACHE_FILE) as db:
        db.execute("UPDATE generations SET meta = '{not json'")
    line = one_error_line(run_cli(openai_args(server, refs, cache_dir)))
    assert f"generation cache {cache_dir / CACHE_FILE}: corrupt row" in line
    (cache_dir / CACHE_FILE).write_bytes(b"this is not a database" * 100)
    for name in ("-wal", "-shm"):
        (cache_dir / (CACHE_FILE + name)).unlink(missing_ok=True)
    line = one_error_line(run_cli(openai_args(server, refs, cache_dir)))
    assert f"generation cache {cache_dir}" in line and "not a database" in line


class Fake:
    name = "fake:upper"

    def cache_identity(self, digest=None) -> dict:
        return {"v": 1}

    def settings(self) -> dict:
        return {}

    def summarize_iter(self, articles):
        for i, article in enumerate(articles):
            yield Generated(i, article.upper())


def test_a_lock_held_past_the_timeout_is_a_cache_error(tmp_path) -> None:
    cache = GenerationCache(tmp_path, timeout=0.2)
    holder = sqlite3.connect(tmp_path / CACHE_FILE, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(CacheError, match=f"{tmp_path / CACHE_FILE}: cannot write: "
                                             "database is locked"):
            CachingSummarizer(Fake(), cache).summarize(["a", "b"])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert CachingSummarizer(Fake(), cache).summarize(["a", "b"]) == ["A", "B"]
