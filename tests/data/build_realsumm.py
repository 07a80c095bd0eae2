"""Build ``realsumm_dev.jsonl`` (what the REALSumm exactness tests read) from the public
REALSumm release.

REALSumm: Bhandari et al., "Re-evaluating Evaluation in Text Summarization", EMNLP 2020;
data CC BY 4.0. Get the release and run, from the repository root::

    git clone https://github.com/neulab/REALSumm ../REALSumm
    python tests/data/build_realsumm.py --source ../REALSumm --out ../shared/data/realsumm_dev.jsonl

The tests then find the file at ``../shared/data/realsumm_dev.jsonl`` (beside the
checkout). The output holds CNN/DailyMail text: keep it outside the repository.

What is read from the release:

- ``scores_dicts/abs.pkl`` and ``scores_dicts/ext.pkl`` (14 abstractive and 11
  extractive systems): ``{doc_id: {"doc_id", "ref_summ", "system_summaries":
  {"<system>.txt": {"system_summary", "scores": {...}}}}}``. They are read with
  ``safe_pickle.load_plain_pickle`` (no code in them is run).
- ``selected_docs_for_human_eval/{abs,ext}/<folder>/ref.txt``: the reference as that
  system scored it, one document per line (line ``doc_id``). ``<folder>`` is the system
  name up to ``_out`` (``pnbert_out_bert_tf_pn`` -> ``pnbert``); ``abs/`` is looked in
  first: the extractive ``neusumm`` lives only under ``abs/``, and the extractive copy of
  ``bart`` was scored against ``abs/bart/ref.txt``.

One JSON object per line, documents 0-19, ordered by document, then group (abs, ext),
then system name: ``doc_id``, ``group``, ``system`` (file name without ``.txt``),
``system_summary``, ``ref_summ_doc`` (the document's ``ref_summ``), ``ref_summ_system``,
``litepyramid_recall``, ``rouge155_scores`` (the ``rouge_*`` scores, in the release's
order) and ``other_metric_scores`` (the remaining scores). Sentences stay wrapped in
``<t> ... </t>`` as released. A problem is one line ``build_realsumm.py: error: ...``,
exit status 2, and nothing written.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from safe_pickle import load_plain_pickle
from write_whole import write_whole

GROUPS = ("abs", "ext")
DOCS = range(20)
FIELDS = ("doc_id", "group", "system", "system_summary", "ref_summ_doc", "ref_summ_system",
          "litepyramid_recall", "rouge155_scores", "other_metric_scores")
HUMAN = "litepyramid_recall"


class ReleaseError(Exception):
    """The release is not shaped as documented above."""


def _reference_lines(source: Path, system: str, cache: dict[Path, list[str]]) -> list[str]:
    folder = system.split("_out")[0]
    for group in GROUPS:
        path = source / "selected_docs_for_human_eval" / group / folder / "ref.txt"
        if path.is_file():
            if path not in cache:
                cache[path] = path.read_text(encoding="utf-8").split("\n")
            return cache[path]
    raise ReleaseError(f"no selected_docs_for_human_eval/{{abs,ext}}/{folder}/ref.txt for system {system}")


def _row(group: str, doc_id: int, document: dict, file_name: str, entry: dict,
         references: list[str]) -> dict:
    if doc_id >= len(references):
        raise ReleaseError(f"{file_name}: ref.txt has no line {doc_id}")
    scores = entry["scores"]
    return {
        "doc_id": doc_id,
        "group": group,
        "system": file_name.removesuffix(".txt"),
        "system_summary": entry["system_summary"],
        "ref_summ_doc": document["ref_summ"],
        "ref_summ_system": references[doc_id],
        "litepyramid_recall": scores[HUMAN],
        "rouge155_scores": {k: v for k, v in scores.items() if k.startswith("rouge_")},
        "other_metric_scores": {k: v for k, v in scores.items()
                                if not k.startswith("rouge_") and k != HUMAN},
    }


def build_rows(source: Path) -> list[dict]:
    """The rows of ``realsumm_dev.jsonl`` from a REALSumm checkout at ``source``."""
    cache: dict[Path, list[str]] = {}
    by_group = {}
    for group in GROUPS:
        path = source / "scores_dicts" / f"{group}.pkl"
        if not path.is_file():
            raise ReleaseError(f"{path} not found (is --source a clone of neulab/REALSumm?)")
        try:
            by_group[group] = load_plain_pickle(path)
        except Exception as error:  # a pickle can fail in many ways; none of them runs code
            raise ReleaseError(f"{path}: {error}") from None
    rows = []
    for doc_id in DOCS:
        for group in GROUPS:
            document = by_group[group].get(doc_id)
            if not isinstance(document, dict) or document.get("doc_id") != doc_id:
                raise ReleaseError(f"scores_dicts/{group}.pkl has no document {doc_id}")
            try:
                for file_name in sorted(document["system_summaries"]):
                    entry = document["system_summaries"][file_name]
                    references = _reference_lines(source, file_name.removesuffix(".txt"), cache)
                    rows.append(_row(group, doc_id, document, file_name, entry, references))
            except (KeyError, TypeError, AttributeError) as error:
                raise ReleaseError(f"scores_dicts/{group}.pkl, document {doc_id}: "
                                   f"unexpected structure ({type(error).__name__}: {error})") from None
    return rows


def write_jsonl(rows: list[dict], out: Path) -> None:
    """Write ``rows`` to ``out`` whole or not at all (a regular file is replaced)."""
    write_whole(out, "".join(json.dumps(row) + "\n" for row in rows), ReleaseError)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build_realsumm.py", allow_abbrev=False,
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, required=True, help="a clone of neulab/REALSumm")
    parser.add_argument("--out", type=Path, required=True,
                        help="where to write (the tests read ../shared/data/realsumm_dev.jsonl)")
    args = parser.parse_args(argv)
    try:
        rows = build_rows(args.source)
        write_jsonl(rows, args.out)
    except (ReleaseError, OSError, ValueError) as error:  # ValueError: undecodable, or a cycle
        print(f"build_realsumm.py: error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {len(rows)} rows to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
