"""sumbench's progress line (issue 20, progress and output hygiene): a redrawn ``\\r``
line on a terminal, a few plain lines when stderr is a file, and no third-party bars
(transformers' "Loading weights", huggingface_hub's downloads) -- checked with a fake
clock, and once through the real entry point with a tiny model (one model load)."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest

from cli_util import SUMBENCH
from sumbench.common.progress import Progress, clock_text, loading


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_when_stderr_is_a_file() -> None:
    out, clock = io.StringIO(), FakeClock()
    with Progress("generating with hf:m", 100, stream=out, clock=clock) as bar:
        for _ in range(100):
            clock.now += 1.0  # one example a second: 100 s in all
            bar.update(1)
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    # the first example, then one line every 15 s at most, then the last
    assert lines[0] == "generating with hf:m: 1/100 examples, 1.0/s, ETA 1:39"
    assert lines[1] == "generating with hf:m: 16/100 examples, 1.0/s, ETA 1:24"
    assert len(lines) == 1 + 6 + 1
    assert lines[-1] == "generating with hf:m: 100/100 examples in 1:40 (1.0/s)"


def test_one_line_when_the_first_update_finishes_and_none_when_off_or_failed() -> None:
    out, clock = io.StringIO(), FakeClock()
    with Progress("nli", 8, "pairs", stream=out, clock=clock) as bar:
        clock.now += 2.0
        bar.update(8)
    assert out.getvalue() == "nli: 8/8 pairs in 0:02 (4.0/s)\n"
    quiet = io.StringIO()
    with Progress("nli", 8, stream=quiet, enabled=False) as bar:
        bar.update(8)
    failed = io.StringIO()
    with pytest.raises(RuntimeError):
        with Progress("nli", 8, stream=failed, clock=clock):
            raise RuntimeError("the server went away")
    assert quiet.getvalue() == failed.getvalue() == ""


def test_an_unknown_total_counts_without_an_eta() -> None:
    """``score --stream`` does not know how many examples are coming."""
    out, clock = io.StringIO(), FakeClock()
    with Progress("scoring preds.jsonl", None, stream=out, clock=clock) as bar:
        for _ in range(3):
            clock.now += 10.0
            bar.update(10_000)
    assert out.getvalue().splitlines() == [
        "scoring preds.jsonl: 10000 examples, 1000.0/s",  # then not before 15 s later
        "scoring preds.jsonl: 30000 examples, 1000.0/s",
        "scoring preds.jsonl: 30000 examples in 0:30 (1000.0/s)"]


def test_a_terminal_gets_one_redrawn_line_and_escaped_names() -> None:
    out, clock = Terminal(), FakeClock()
    with Progress("generating with hf:\x1b[31mx", 3, stream=out, clock=clock) as bar:
        for _ in range(3):
            clock.now += 0.5
            bar.update(1)
        bar.note("waiting 2 s before retry 1/3")
    text = out.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n")
    last = text.rsplit("\r", 1)[1].rstrip()
    assert last == "generating with hf:\\u001b[31mx: 3/3 examples in 0:02 (2.0/s)"
    assert text.startswith("\rgenerating with hf:\\u001b[31mx: 1/3 examples, 2.0/s, ETA 0:01")
    assert "(waiting 2 s before retry 1/3)" in text
    assert "\x1b" not in text


def test_loading_says_loaded_only_after_success() -> None:
    out = io.StringIO()
    with loading("hf:./m", stream=out):
        pass
    assert out.getvalue().startswith("loaded hf:./m in ") and out.getvalue().count("\n") == 1
    failed = Terminal()
    with pytest.raises(OSError):
        with loading("hf:./m", stream=failed):
            raise OSError("no weights")
    assert failed.getvalue().replace(" ", "").replace("\r", "") == "loadinghf:./m..."


def test_clock_text() -> None:
    assert [clock_text(s) for s in (0, 29.4, 725, 3723)] == ["0:00", "0:29", "12:05", "1:02:03"]


def test_generation_to_a_redirected_stderr_has_no_bars_only_sumbench_lines(
        tiny_seq2seq: Path, tmp_path: Path) -> None:
    """``sumbench run -s hf:...`` with stderr redirected to a file: the load and the
    generation each leave sumbench's plain lines, and no ``\\r`` redraw or tqdm bar
    (transformers' "Loading weights" included) reaches the file."""
    log = tmp_path / "stderr.txt"
    with log.open("w", encoding="utf-8") as stderr:
        done = subprocess.run([str(SUMBENCH), "run", "-s", f"hf:{tiny_seq2seq}", "--limit", "3",
                               "--max-new-tokens", "8", "--batch-size", "1", "-o",
                               tmp_path / "run"], stdout=subprocess.PIPE, stderr=stderr,
                              text=True, cwd=tmp_path, timeout=600)
    err = log.read_text(encoding="utf-8")
    assert done.returncode == 0, err
    assert "\r" not in err and "Loading weights" not in err and "it/s" not in err
    lines = err.splitlines()
    assert any(line.startswith(f"loaded hf:{tiny_seq2seq} in ") for line in lines), err
    assert f"generating with hf:{tiny_seq2seq}: 1/3 examples, " in err  # the first item
    assert lines[-1].startswith(f"generating with hf:{tiny_seq2seq}: 3/3 examples in "), err
    assert all(line.startswith(("loaded ", "generating with ", "sumbench: warning: "))
               for line in lines), err
