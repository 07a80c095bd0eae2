"""The README's command-line examples run (issue 20, acceptance 6), through the real
``sumbench`` entry point; ``tests/test_readme_api.py`` runs its Python examples.

The rule, so that a new example is tested without touching this file:

* Every ```` ```bash ```` block of README.md is read in order; a *command* is a logical
  line (backslash continuations joined, ``# comments`` dropped), split at ``&&``.
* A command that starts with ``sumbench`` (after optional ``NAME=value`` assignments) is
  an example and runs, unless a row of :data:`SKIPS` matches it (each row says why).
  A heredoc (``cat > FILE <<'TAG'`` ... ``TAG``) runs as written: it is how the README
  gives an input.  Other commands (``pip``, ``python``, ``venv``) install things and are
  not run here.
* All commands run in one fresh folder, in README order, as a reader would type them,
  with bash (globs expand) and this environment's ``sumbench`` first on ``PATH``.  Before
  the first, the folder holds the stand-in inputs the examples name
  (:data:`STAND_INS`: ``refs.jsonl``, ``preds.jsonl``... made from the bundled
  fixtures); an example naming another input writes it in its block or adds a stand-in
  here.  Where several examples are alternatives writing the same output (``-o study``),
  the output a command names (``-o``/``--output-dir``/``--output``) is removed before it
  runs, as if each ran alone.
* Each command exits 0 with no traceback, or with the status a trailing ``# exit N``
  comment states.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# (pattern, reason): each must match at least one README command (no dead rows).
SKIPS: tuple[tuple[str, str], ...] = (
    (r"\b(hf|openai):", "needs a model from the hub or a running server; the hf: and "
                        "openai: paths are tested with tiny models and a fake server "
                        "(test_hf_summarizer.py, test_openai_summarizer.py, test_judge.py)"),
    (r"--metrics \S*(bertscore|faithfulness-nli)",
     "loads roberta-large or an NLI checkpoint; tested with tiny models "
     "(test_cli_bertscore.py, test_faithfulness_nli.py)"),
    (r"realsumm|model_annotations|judgments\.jsonl",
     "reads a released data set (REALSumm, SummEval) or human judgments the repository "
     "does not ship; test_score_realsumm.py and test_cli_meta.py run these paths"),
    (r"^sumbench \S+ \.\.\.", "a placeholder ('...'), not a command"),
)

STAND_INS = ("refs.jsonl", "preds.jsonl", "bart.jsonl", "pegasus.jsonl", "outputs.csv",
             "runs/bart", "runs/pegasus")
OUTPUT_FLAGS = ("-o", "--output-dir", "--output")
HEREDOC = re.compile(r"<<-?\s*'?\"?(\w+)'?\"?")
EXPECTED_EXIT = re.compile(r"#\s*exit\s+(\d+)\s*$")


def bash_blocks() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^```bash\n(.*?)^```", readme, re.S | re.M)


def commands(block: str) -> list[tuple[str, int]]:
    """``(command, expected exit status)`` of every command of ``block`` (see the
    module docstring): sumbench commands and heredocs."""
    out: list[tuple[str, int]] = []
    lines = block.split("\n")
    k = 0
    while k < len(lines):
        line = lines[k]
        k += 1
        heredoc = HEREDOC.search(line)
        if heredoc:  # the heredoc's lines, up to its tag, belong to it
            body = [line]
            while k < len(lines) and lines[k].strip() != heredoc.group(1):
                body.append(lines[k])
                k += 1
            body.append(lines[k] if k < len(lines) else heredoc.group(1))
            k += 1
            out.append(("\n".join(body), 0))
            continue
        while line.rstrip().endswith("\\") and k < len(lines):
            line = line.rstrip()[:-1] + " " + lines[k].strip()
            k += 1
        expected = EXPECTED_EXIT.search(line)
        code = line.split(" #", 1)[0] if not line.lstrip().startswith("#") else ""
        for part in code.split("&&"):
            part = " ".join(part.split())
            words = part.split()
            while words and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=\S*", words[0]):
                words.pop(0)
            if words and words[0] == "sumbench":
                out.append((part, int(expected.group(1)) if expected else 0))
    return out


def readme_commands() -> list[tuple[str, int]]:
    return [c for block in bash_blocks() for c in commands(block)]


def skip_reason(command: str) -> str | None:
    for pattern, reason in SKIPS:
        if re.search(pattern, command):
            return reason
    return None


def write_stand_ins(folder: Path) -> None:
    """The inputs the examples name, from the bundled fixtures: a reference set, one
    predictions file per "system", a long CSV of two systems, two run folders."""
    import sumbench

    refs = sumbench.load_references()
    with (folder / "refs.jsonl").open("w", encoding="utf-8") as out:
        for e in refs.examples:
            out.write(json.dumps({"id": e.id, "article": e.article,
                                  "highlights": "\n".join(e.references[0])}) + "\n")
    articles = [e.article for e in refs.examples]
    systems = {name: sumbench.get_summarizer(summarizer).summarize(articles)
               for name, summarizer in (("preds", "lead-3"), ("bart", "lead-2"),
                                        ("pegasus", "lead-1"))}
    for name, summaries in systems.items():
        with (folder / f"{name}.jsonl").open("w", encoding="utf-8") as out:
            for e, summary in zip(refs.examples, summaries):
                out.write(json.dumps({"id": e.id, "prediction": summary}) + "\n")
    import csv

    with (folder / "outputs.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "model", "prediction"])
        for name in ("bart", "pegasus"):
            writer.writerows([e.id, name, s] for e, s in zip(refs.examples, systems[name]))
    for name in ("bart", "pegasus"):
        sumbench.score(refs, systems[name], name=name).save(folder / "runs" / name)


def outputs_named(command: str) -> list[str]:
    words = shlex.split(command)
    return [words[i + 1] for i, w in enumerate(words[:-1]) if w in OUTPUT_FLAGS]


def test_extraction_finds_the_examples_and_every_skip_row_is_used() -> None:
    found = readme_commands()
    runnable = [c for c, _ in found if skip_reason(c) is None]
    assert len(runnable) >= 15, runnable
    assert "sumbench run" in runnable  # the set-up's `... && sumbench run`
    assert any(c.startswith("cat > my_refs.jsonl") for c in runnable)
    assert any("\\" not in c and "--system-field group --system-field system" in c
               for c, _ in found)  # continuation lines joined
    for pattern, reason in SKIPS:
        assert any(re.search(pattern, c) for c, _ in found), f"unused skip row: {reason}"


@pytest.mark.slow
def test_readme_cli_examples_run(tmp_path: Path) -> None:
    folder = tmp_path / "work"
    (folder / "runs").mkdir(parents=True)
    write_stand_ins(folder)
    assert all((folder / name).exists() for name in STAND_INS)
    env = dict(os.environ, HF_HUB_OFFLINE="1",
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    failures = []
    for command, expected in readme_commands():
        if skip_reason(command) is not None:
            continue
        if command.startswith("sumbench"):
            for output in outputs_named(command):
                target = folder / output
                if target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target)
                elif target.exists():
                    target.unlink()
        done = subprocess.run(["bash", "-e", "-c", command], cwd=folder, env=env,
                              capture_output=True, text=True, timeout=600)
        if done.returncode != expected or "Traceback" in done.stderr:
            failures.append(f"{command}\n  exit {done.returncode} (expected {expected}): "
                            f"{done.stderr.strip()[-600:]}")
    assert not failures, "\n".join(failures)


def test_the_printed_table_of_sumbench_run_is_what_it_prints(tmp_path: Path) -> None:
    """The README's "`sumbench run` prints:" block is the command's stdout."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = re.search(r"`sumbench run` prints:\n\n```\n(.*?)```", readme, re.S)
    assert shown, "README.md lost its `sumbench run` prints: block"
    done = subprocess.run([str(Path(sys.executable).with_name("sumbench")), "run"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout == shown.group(1)
