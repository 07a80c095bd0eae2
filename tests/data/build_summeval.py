"""Build ``summeval_rouge155_examples.json`` (what the SummEval ROUGE-1.5.5 exactness tests
read) from the public SummEval repository.

SummEval: Fabbri, Kryscinski, McCann, Xiong, Socher, Radev, "SummEval: Re-evaluating
Summarization Evaluation", TACL 2021; code MIT License. Its ROUGE test
(``evaluation/summ_eval/test_util.py``) stores the full output of the original
ROUGE-1.5.5 Perl script, flags ``-c 95 -2 -1 -U -r 1000 -n 4 -w 1.2 -a -m`` (the default
of ``RougeMetric`` in ``evaluation/summ_eval/rouge_metric.py``), for one summary
(``CAND_R`` / ``REF_R`` -> ``rouge_output``), three summaries scored together
(``CANDS`` / ``REFS`` -> ``rouge_output_batch``) and empty input (``rouge_empty``).
Get it and run, from the repository root::

    git clone https://github.com/Yale-LILY/SummEval ../SummEval
    python tests/data/build_summeval.py --source ../SummEval --out ../shared/data/summeval_rouge155_examples.json

The tests then find the file at ``../shared/data/summeval_rouge155_examples.json``. The
single pair is CNN/DailyMail text: keep the output outside the repository.

``test_util.py`` is never imported or run: it is parsed with ``ast`` and only the
literal values of those seven assignments are read (``ast.literal_eval``). The output is
a JSON object: ``source``, ``rouge155_flags``, ``note``, ``single_pair`` (``prediction``,
``reference``, ``rouge155``), ``batch`` (``predictions``, ``references``, ``rouge155``)
and ``empty`` (``rouge155``). A problem is one line ``build_summeval.py: error: ...``,
exit status 2, and nothing written.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from pathlib import Path

from write_whole import write_whole

TEST_UTIL = Path("evaluation") / "summ_eval" / "test_util.py"
FLAGS = "-c 95 -2 -1 -U -r 1000 -n 4 -w 1.2 -a -m"
SOURCE = ("Yale-LILY/SummEval evaluation/summ_eval/test_util.py "
          "(MIT License, Copyright (c) 2021 Fabbri et al.)")
NOTE = ("Outputs of the original ROUGE-1.5.5 Perl script. '_cb'/'_ce' are the bootstrap 95% "
        "confidence bounds. Sentences are separated by newline in single_pair.")
NAMES = ("CAND_R", "REF_R", "CANDS", "REFS", "rouge_output", "rouge_output_batch", "rouge_empty")


class ReleaseError(Exception):
    """test_util.py is not shaped as documented above."""


def literal_assignments(path: Path) -> dict[str, object]:
    """The literal values of NAMES assigned at the top level of ``path`` (never run)."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except SyntaxError as error:
        raise ReleaseError(f"{path}: not Python ({error.msg}, line {error.lineno})") from None
    values: dict[str, object] = {}
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and node.targets[0].id in NAMES):
            try:
                values[node.targets[0].id] = ast.literal_eval(node.value)
            except (ValueError, TypeError, RecursionError):  # e.g. a call, or {[]: 1}
                raise ReleaseError(f"{path}, line {node.lineno}: "
                                   f"{node.targets[0].id} is not a literal") from None
    missing = [name for name in NAMES if name not in values]
    if missing:
        raise ReleaseError(f"{path}: no assignment of {', '.join(missing)}")
    return values


def _typed(values: dict[str, object]) -> None:
    for name in ("CAND_R", "REF_R"):
        if not isinstance(values[name], str):
            raise ReleaseError(f"{name} is not a string")
    for name in ("CANDS", "REFS"):
        texts = values[name]
        if not (isinstance(texts, list) and all(isinstance(t, str) for t in texts)):
            raise ReleaseError(f"{name} is not a list of strings")
    for name in ("rouge_output", "rouge_output_batch", "rouge_empty"):
        scores = values[name]
        if not (isinstance(scores, dict) and scores
                and all(isinstance(k, str) and isinstance(v, (int, float)) for k, v in scores.items())):
            raise ReleaseError(f"{name} is not a mapping of score names to numbers")
    if len(values["CANDS"]) != len(values["REFS"]):  # type: ignore[arg-type]  (lists, checked above)
        raise ReleaseError("CANDS and REFS differ in length")


def build(source: Path) -> dict:
    """The content of ``summeval_rouge155_examples.json`` from a SummEval checkout."""
    path = source / TEST_UTIL
    if not path.is_file():
        raise ReleaseError(f"{path} not found (is --source a clone of Yale-LILY/SummEval?)")
    values = literal_assignments(path)
    _typed(values)
    return {
        "source": SOURCE,
        "rouge155_flags": FLAGS,
        "note": NOTE,
        "single_pair": {"prediction": values["CAND_R"], "reference": values["REF_R"],
                        "rouge155": values["rouge_output"]},
        "batch": {"predictions": values["CANDS"], "references": values["REFS"],
                  "rouge155": values["rouge_output_batch"]},
        "empty": {"rouge155": values["rouge_empty"]},
    }


def write_json(document: dict, out: Path) -> None:
    """Write ``document`` to ``out`` whole or not at all (a regular file is replaced)."""
    write_whole(out, json.dumps(document, indent=1), ReleaseError)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build_summeval.py", allow_abbrev=False,
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, required=True, help="a clone of Yale-LILY/SummEval")
    parser.add_argument("--out", type=Path, required=True,
                        help="where to write (the tests read ../shared/data/summeval_rouge155_examples.json)")
    args = parser.parse_args(argv)
    try:
        write_json(build(args.source), args.out)
    except (ReleaseError, OSError, UnicodeDecodeError) as error:
        print(f"build_summeval.py: error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
