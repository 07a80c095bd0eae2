"""``parse_flags``: ROUGE-1.5.5.pl option strings -> ``Rouge155Config``, and its metric keys."""

from __future__ import annotations

import dataclasses

import pytest

from sumbench.common.errors import UsageError
from sumbench.eval.metrics.rouge155 import FlagError, Rouge155Config, parse_flags


def test_defaults_are_the_scripts():
    config = parse_flags("")
    assert config == Rouge155Config()
    assert config.rouge_types == ("rougeL",)  # no -n: the script computes ROUGE-L only
    assert (config.alpha, config.confidence, config.resamples, config.scoring_formula) == (0.5, 95.0, 1000, "A")


def test_typical_command_line():
    config = parse_flags("-c 95 -r 1000 -n 2 -m -a")
    assert (config.max_n, config.stem, config.confidence, config.resamples) == (2, True, 95.0, 1000)
    assert config.rouge_types == ("rouge1", "rouge2", "rougeL")


def test_summeval_flags_and_key_names():
    config = parse_flags("-c 95 -2 -1 -U -r 1000 -n 4 -w 1.2 -a -m")
    assert config.rouge_types == ("rouge1", "rouge2", "rouge3", "rouge4", "rougeL", "rougeW-1.2", "rougeS*", "rougeSU*")


@pytest.mark.parametrize(
    "flags, types",
    [
        ("-n 2 -2 4 -u", ("rouge1", "rouge2", "rougeL", "rougeSU4")),
        ("-n 1 -2 4 -U -x", ("rouge1", "rougeS4", "rougeSU4")),
        ("-2 0", ("rougeL", "rougeS0")),
        ("-2 -3 -x", ("rougeS*",)),
        ("-u -x -n 1", ("rouge1",)),  # -u without -2 computes nothing (as the script)
        ("-w 1.50 -x", ("rougeW-1.5",)),
    ],
)
def test_metric_keys(flags, types):
    assert parse_flags(flags).rouge_types == types


def test_bundled_and_attached_values():
    assert parse_flags("-mas -n2 -l100") == parse_flags("-m -a -s -n 2 -l 100")
    assert parse_flags("-n4 -2-1 -U").skip_distance == -1
    assert parse_flags("-mf B").scoring_formula == "B"


@pytest.mark.parametrize("flags", ["-d", "-v", "-a", "-e /some/ROUGE/data", "-t 0"])
def test_options_without_effect_are_accepted(flags):
    assert parse_flags(flags) == parse_flags("")


@pytest.mark.parametrize(
    "flags, message",
    [
        ("-q", "unknown ROUGE-1.5.5 option -q"),
        ("-n", "needs a value"),
        ("-n two", "expects a number"),
        ("-t 1", "-t 1"),
        ("-3 HM", "basic-element"),
        ("-z SPL", "-z"),
        ("-h", "usage"),
        ("-l 10 -b 75", "cannot be used together"),
        ("-f C", "'A' or 'B'"),
        ("-p 1.5", "alpha"),
        ("-c 101", "confidence"),
        ("-r 0", "resamples"),
        ("-l 0", "word_limit"),
        ("config.xml", "unexpected argument"),
    ],
)
def test_errors_are_clear(flags, message):
    with pytest.raises(FlagError, match=message.replace("(", r"\(").replace("*", r"\*")) as caught:
        parse_flags(flags)
    assert isinstance(caught.value, UsageError) and isinstance(caught.value, ValueError)


def test_exception_table_choice():
    assert parse_flags("-m", exceptions="none").exceptions == "none"
    with pytest.raises(ValueError, match="exceptions"):
        parse_flags("-m", exceptions="wordnet-3.0")


def test_config_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        parse_flags("-n 2").max_n = 3  # type: ignore[misc]
