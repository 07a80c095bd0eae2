"""The command line's own rules (issue 18): options are never abbreviated, a key never
comes in through a flag, a parse error is one ``sumbench: error:`` line (the usage block
is for ``--help``), and the messages the second hostile pass found misleading say what
is true.  Every case goes through the real entry point, with the README's promise as the
assertion: exit 2, one line, no traceback, the secret never echoed, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_util import Result, sumbench
from sumbench.eval.cli import build_parser, main
from sumbench.common.errors import UsageError

KEY = "sk-live-0123456789abcdefSECRET"


def only_error_line(result: Result, *fragments: str) -> str:
    """The one ``sumbench: error:`` line of a clean usage error, which names each fragment."""
    assert result.code == 2, result
    assert "Traceback" not in result.err and "usage:" not in result.err, result.err
    lines = result.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("sumbench: error: "), result.err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def assert_secret_kept(result: Result, folder: Path) -> None:
    assert KEY not in result.out and KEY not in result.err
    assert not any(folder.iterdir()), list(folder.iterdir())  # nothing written, no cache


@pytest.mark.parametrize("words", [
    ["run", "-s", "openai:gpt-x", "--api-key", KEY],          # was expanded to --api-key-env
    ["run", "-s", "openai:gpt-x", f"--api-key={KEY}"],
    ["run", "-s", "openai:gpt-x", "--api-k", KEY],             # an abbreviation of --api-key-env
    ["run", "-s", "openai:gpt-x", f"--api-k={KEY}"],
    ["score", "--metrics", "judge", "--judge-api-key", KEY],
    ["run", "--token", KEY],
    ["run", "-s", "openai:gpt-x", "--password", KEY],
    ["compare", "--secret", KEY, "a", "b"],
    ["run", "-s", "openai:gpt-x", "--api-key-env", KEY],       # a key where a name belongs
    ["score", "--metrics", "judge", "--judge-api-key-env", KEY],
])
def test_a_key_on_the_command_line_is_refused_and_never_echoed(words, tmp_path: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    cache.mkdir()
    result = sumbench(*words, "-o", out, cwd=tmp_path, env={"SUMBENCH_CACHE_DIR": str(cache)})
    line = only_error_line(result)
    assert "--api-key-env" in line or "environment variable" in line
    assert not out.exists()
    assert_secret_kept(result, cache)


def test_key_like_option_with_control_characters_is_one_line() -> None:
    line = only_error_line(sumbench("run", "--api\x1b[2Jkey\nx", KEY))
    assert "\x1b" not in line


def test_a_valid_variable_name_is_accepted_by_the_parser() -> None:
    parser, _ = build_parser("run")
    args = parser.parse_args(["run", "-s", "openai:m", "--api-key-env", "MY_KEY_2"])
    assert args.api_key_env == "MY_KEY_2"


def every_long_option() -> list[tuple[str, str]]:
    """(command, option) for every long option of every command."""
    parser, modules = build_parser()
    pairs = [("", flag) for flag in parser._option_string_actions if flag.startswith("--")]
    subparsers = parser._subparsers._group_actions[0].choices
    for command in modules:
        pairs += [(command, flag) for flag in subparsers[command]._option_string_actions
                  if flag.startswith("--")]
    return pairs


def test_no_option_of_any_command_accepts_an_abbreviation() -> None:
    """Every strict prefix of every long option (that is not itself an option) is refused:
    argparse's default would have expanded it."""
    pairs = every_long_option()
    assert len(pairs) > 100
    for command, flag in pairs:
        parser, _ = build_parser(command or None)
        known = set(parser._option_string_actions)
        if command:
            known |= set(parser._subparsers._group_actions[0].choices[command]._option_string_actions)
        for cut in range(3, len(flag)):
            prefix = flag[:cut]
            if prefix in known:
                continue
            words = ([command] if command else []) + [prefix, "1"]
            with pytest.raises(UsageError):
                parser.parse_args(words)


def test_abbreviation_through_the_entry_point(tmp_path: Path) -> None:
    only_error_line(sumbench("run", "--lim", "3", "-o", tmp_path / "o"), "unknown option --lim")
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("words,fragments", [
    (["run", "--limit", "0"], ["--limit", "positive integer", "sumbench run --help"]),
    (["run", "--no-such-option"], ["unknown option --no-such-option"]),
    (["score", "stray"], ["unexpected argument 'stray'"]),
    (["compare"], ["required"]),
    (["meta", "--format", "pdf", "--human", "x"], ["--format", "invalid choice"]),
    ([], ["name a command"]),
    (["frobnicate"], ["invalid choice"]),
])
def test_parse_errors_are_one_line_without_usage(words, fragments) -> None:
    only_error_line(sumbench(*words), *fragments)


def test_help_still_prints_usage() -> None:
    result = sumbench("score", "--help")
    assert result.code == 0 and result.out.startswith("usage: sumbench score")


def test_main_returns_2_in_process(capsys) -> None:
    assert main(["run", "--lim", "3"]) == 2
    assert capsys.readouterr().err.startswith("sumbench: error: unknown option --lim")


def test_stream_with_a_metric_that_cannot_stream_says_so(tmp_path: Path) -> None:
    """Not "the hub cannot be reached": the metric is refused before it looks for a model."""
    predictions = tmp_path / "p.jsonl"
    predictions.write_text('{"id": "a", "prediction": "x"}\n')
    out = tmp_path / "out"
    result = sumbench("score", "-p", predictions, "--stream", "-o", out, "--metrics", "rouge,bertscore",
                      env={"HF_HUB_OFFLINE": "1"})
    line = only_error_line(result, "--stream", "bertscore", "cannot stream")
    assert "hub" not in line
    assert not out.exists()


def test_score_without_references_uses_the_bundled_fixtures(tmp_path: Path) -> None:
    """``--help`` says --references defaults to the bundled fixtures; score now does."""
    run = tmp_path / "lead"
    assert sumbench("run", "-o", run).code == 0
    predictions = tmp_path / "lead3.jsonl"
    predictions.write_bytes((run / "predictions.jsonl").read_bytes())
    result = sumbench("score", "-p", predictions)
    assert result.code == 0, result.err
    assert "the bundled fixtures (19 examples)" in result.out
    assert "45.03" in result.out  # Lead-3's rouge1 F, as `sumbench run` prints it
    streamed = sumbench("score", "-p", predictions, "--stream", "-o", tmp_path / "s")
    only_error_line(streamed, "--stream needs --references", "cannot be streamed")


def test_meta_with_huge_judgments_is_one_line_and_no_numpy_warning(tmp_path: Path) -> None:
    human = tmp_path / "h.jsonl"
    rows = [{"doc_id": d, "system": s, "m": 0.1 * d + 0.01 * k, "h": (1e308, -1e308, 3.0)[(d + k) % 3]}
            for d in range(4) for k, s in enumerate("ABC")]
    human.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = sumbench("meta", "--human", human, "--metric-field", "m", "--judgment", "h")
    only_error_line(result, "h.jsonl:1", "'h'", "rescale")
    assert "RuntimeWarning" not in result.err


def test_numpy_float_warnings_never_reach_stderr(tmp_path: Path) -> None:
    """Large but allowed values: the statistics overflow nowhere the user sees."""
    human = tmp_path / "h.jsonl"
    rows = [{"doc_id": d, "system": s, "m": 0.1 * d + 0.01 * k, "h": (1e149, -1e149, 3.0)[(d + k) % 3]}
            for d in range(4) for k, s in enumerate("ABC")]
    human.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = sumbench("meta", "--human", human, "--metric-field", "m", "--judgment", "h",
                      "--samples", "50")
    assert result.code == 0, result.err
    assert "Warning" not in result.err and "encountered" not in result.err
