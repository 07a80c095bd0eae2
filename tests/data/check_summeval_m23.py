"""SummEval's released summaries through the long-format score path: issue 20's command
gives M23's ROUGE-1 F of 52.34.  A check to run by hand once the data is built
(``python tests/data/check_summeval_m23.py``: prints the number, exit 0 when it is 52.34);
it is not a pytest test, because CI's ``../shared`` lacks the file and a test there would
only ever skip.  ``tests/test_data_converters.py`` runs :func:`rouge1_f` on a made-up
release converted the same way.

The file is ``../shared/data/summeval_annotations.jsonl``, built by
``tests/data/build_summeval_annotations.py`` from SummEval's
``model_annotations.aligned.jsonl`` (or BARTScore's ``SUM/SummEval/data.pkl``, which
gives the same 52.34).  Issue 20
measured 52.34 with rouge-score (max over the 11 references) in an independent script,
where reading the ``references`` list as one reference of 11 sentences gave 17.41.

Only M23's 100 rows are scored, with ROUGE-1 and one bootstrap resample (the number
compared is the mean, which the resampling does not change): about a second.
"""

from __future__ import annotations

import json
from pathlib import Path

import subprocess
import sys
import tempfile

SUMMEVAL_ANNOTATIONS = (Path(__file__).resolve().parents[3] / "shared" / "data"
                        / "summeval_annotations.jsonl")

SYSTEM = "M23"
ROUGE1_F = "52.34"  # issue 20: M23's ROUGE-1 F (points, as printed)
COMMAND = ("--id-field", "id", "--prediction-field", "decoded", "--system-field", "model_id")


def rouge1_f(path: Path, system: str, scratch: Path) -> str:
    """``system``'s ROUGE-1 F (points, 2 decimals) from issue 20's ``sumbench score``
    command on ``path``, given only that system's rows."""
    rows = [line for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and json.loads(line)["model_id"] == system]
    assert rows, f"{path} has no rows of {system}"
    one_system = scratch / f"{system}.jsonl"
    one_system.write_text("".join(row + "\n" for row in rows), encoding="utf-8")
    result = subprocess.run([Path(sys.executable).with_name("sumbench"), "score", "-r", one_system,
                             *COMMAND, "--metrics", "rouge", "--rouge-types", "rouge1",
                             "--bootstrap-samples", "1", "--format", "json"],
                            capture_output=True, text=True, cwd=scratch)
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)["metrics"]["rouge"]["scores"]["rouge1"]["fmeasure"]
    return f"{100 * scores['mid']:.2f}"


def main() -> int:
    if not SUMMEVAL_ANNOTATIONS.exists():
        print(f"{SUMMEVAL_ANNOTATIONS} not found: build it with tests/data/"
              "build_summeval_annotations.py (README: Tests that need data)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        value = rouge1_f(SUMMEVAL_ANNOTATIONS, SYSTEM, Path(scratch))
    print(f"{SYSTEM} ROUGE-1 F: {value} (issue 20: {ROUGE1_F})")
    return 0 if value == ROUGE1_F else 1


if __name__ == "__main__":
    sys.exit(main())
