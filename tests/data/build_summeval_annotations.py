"""Build ``summeval_annotations.jsonl`` (SummEval's summaries with their expert scores, in
the layout sumbench's ``summeval`` judgment format reads) from either public release.

SummEval: Fabbri, Kryscinski, McCann, Xiong, Socher, Radev, "SummEval: Re-evaluating
Summarization Evaluation", TACL 2021 (16 systems x 100 CNN/DailyMail test documents,
11 references per document, 3 expert and 5 crowd ratings of coherence, consistency,
fluency and relevance per summary). Two sources are read, told apart by their first
byte (a pickle starts with ``0x80``):

1. **As released** (Yale-LILY/SummEval's README, "Human annotations"): the JSON-lines file
   ``model_annotations.aligned.jsonl`` on Google Cloud storage, or the
   ``model_annotations.aligned.paired.jsonl`` that SummEval's
   ``data_processing/pair_data.py`` makes from it by adding each article as ``text``::

       curl -LO https://storage.googleapis.com/sfr-summarization-repo-research/model_annotations.aligned.jsonl
       python tests/data/build_summeval_annotations.py --source model_annotations.aligned.jsonl --out ../shared/data/summeval_annotations.jsonl

   Each line is checked (``id``, ``model_id``, ``decoded``, 11 ``references``,
   ``expert_annotations`` with the four ratings; ``turker_annotations`` and ``filepath``
   kept when present, other fields such as ``metric_scores_*`` dropped) and the rows are
   written one per (document, system).

2. **As re-packaged in neulab/BARTScore** (``SUM/SummEval/data.pkl``, or the
   ``scores.pkl`` its ``SUM/score.py`` writes from it, which adds metric scores): a
   pickle of ``{doc_id: {"src", "ref_summ", "ref_summs", "sys_summs": {system:
   {"sys_summ", "scores": {"coherence", "consistency", "fluency", "relevance", ...}}}}}``
   (the structure ``SUM/score.py`` reads), read with ``safe_pickle.load_plain_pickle``
   (no code in it is run)::

       git clone --depth 1 https://github.com/neulab/BARTScore ../BARTScore
       python tests/data/build_summeval_annotations.py --source ../BARTScore/SUM/SummEval/data.pkl --out ../shared/data/summeval_annotations.jsonl

   What differs from the release: the texts are BARTScore's (tokenized: ``Tottenham 's``),
   so ROUGE on them is close to, not equal to, ROUGE on the release; ``ref_summs`` (the
   11 references, ``ref_summ`` first) is written as ``references``, and a pickle
   without ``ref_summs`` gives ``[ref_summ]``, one reference; the expert ratings are
   stored already averaged over the 3 experts, so ``expert_annotations`` holds ONE
   entry, the mean (sumbench's meta-evaluation averages the entries, so the judgments
   are the same); there are no crowd ratings; the article (``src``) is written as
   ``text``; any other score (BARTScore's metrics) is dropped. (Checked on BARTScore's
   data.pkl at commit 248f511: 11 ``ref_summs`` per document, ``ref_summ`` equal to the
   first, only the four ratings in ``scores``; M23's ROUGE-1 F is 52.34 from it too.)

The output, one JSON object per line, ordered by document id, then system number
(``M2`` before ``M10``): ``id``, ``model_id``, ``decoded``, ``references`` (a list of
strings), ``text`` (the article: only when every row of the source has it -- never in
the unpaired release, always from BARTScore; a source that has it for some rows only is
refused), ``expert_annotations`` (a list of ``{"coherence", "consistency", "fluency",
"relevance"}``), then ``turker_annotations`` and ``filepath`` when the release has them,
and ``source`` (``"summeval-release"`` or ``"bartscore-pickle"``). sumbench reads it as a
judgment file (``sumbench meta --human``, detected as format ``summeval``) and as a
long-format reference set::

    sumbench score -r ../shared/data/summeval_annotations.jsonl --id-field id --prediction-field decoded --system-field model_id

The output holds CNN/DailyMail text: keep it outside the repository. A problem is one
line ``build_summeval_annotations.py: error: ...`` (naming the line or document), exit
status 2, and nothing written.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path
from typing import Any, Iterator

from safe_pickle import load_plain_pickle
from write_whole import write_whole

PROG = "build_summeval_annotations.py"
DIMENSIONS = ("coherence", "consistency", "fluency", "relevance")
RELEASE_REFERENCES = 11
KEPT = ("turker_annotations", "filepath")  # release fields passed through when present
RELEASE, BARTSCORE = "summeval-release", "bartscore-pickle"
_SYSTEM = re.compile(r"M(\d+)")


class ReleaseError(Exception):
    """The source is not shaped as documented above."""


def _text(value: Any, what: str, where: str) -> str:
    if not isinstance(value, str):
        raise ReleaseError(f"{where}: {what} is {type(value).__name__}, not a string")
    return value


def _name(value: Any, what: str, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ReleaseError(f"{where}: {what} is {value!r}, not a non-empty string")
    return value


def _references(value: Any, where: str, count: int | None) -> list[str]:
    if not (isinstance(value, list) and value and all(isinstance(r, str) for r in value)):
        raise ReleaseError(f"{where}: references is not a non-empty list of strings")
    if count is not None and len(value) != count:
        raise ReleaseError(f"{where}: {len(value)} references, SummEval has {count}")
    return list(value)


def _ratings(value: Any, what: str, where: str) -> list[dict[str, float]]:
    if not (isinstance(value, list) and value and all(isinstance(r, dict) for r in value)):
        raise ReleaseError(f"{where}: {what} is not a non-empty list of objects")
    ratings = []
    for rating in value:
        checked = {}
        for dimension in DIMENSIONS:
            number = rating.get(dimension)
            if (isinstance(number, bool) or not isinstance(number, (int, float))
                    or not math.isfinite(number)):
                raise ReleaseError(f"{where}: {what} has {dimension} {number!r}, not a number")
            checked[dimension] = number
        ratings.append(checked)
    return ratings


def _release_lines(path: Path) -> Iterator[tuple[str, dict]]:
    with open(path, encoding="utf-8") as stream:
        for number, line in enumerate(stream, 1):
            where = f"{path.name}, line {number}"
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ReleaseError(f"{where}: not JSON ({error.msg})") from None
            if not isinstance(record, dict):
                raise ReleaseError(f"{where}: not a JSON object")
            yield where, record


def rows_from_release(path: Path) -> list[dict]:
    """The rows from SummEval's ``model_annotations.aligned[.paired].jsonl``."""
    located = []
    for where, record in _release_lines(path):
        for field in ("id", "model_id", "decoded", "references", "expert_annotations"):
            if field not in record:
                raise ReleaseError(f"{where}: no field {field!r} (is --source SummEval's "
                                   "model_annotations.aligned.jsonl?)")
        row: dict[str, Any] = {
            "id": _name(record["id"], "id", where),
            "model_id": _name(record["model_id"], "model_id", where),
            "decoded": _text(record["decoded"], "decoded", where),
            "references": _references(record["references"], where, RELEASE_REFERENCES),
        }
        if "text" in record:
            row["text"] = _text(record["text"], "text", where)
        row["expert_annotations"] = _ratings(record["expert_annotations"], "expert_annotations", where)
        if "turker_annotations" in record:
            row["turker_annotations"] = _ratings(record["turker_annotations"],
                                                 "turker_annotations", where)
        if "filepath" in record:
            row["filepath"] = _text(record["filepath"], "filepath", where)
        row["source"] = RELEASE
        located.append((where, row))
    if not located:
        raise ReleaseError(f"{path.name}: no records")
    return _checked(located)


def rows_from_bartscore(path: Path) -> list[dict]:
    """The rows from BARTScore's ``SUM/SummEval/data.pkl`` (or ``scores.pkl``)."""
    try:
        data = load_plain_pickle(path)
    except Exception as error:  # a pickle can fail in many ways; none of them runs code
        raise ReleaseError(f"{path.name}: {error}") from None
    if not isinstance(data, dict) or not data:
        raise ReleaseError(f"{path.name}: not a non-empty dict of documents")
    located = []
    for doc_id, document in data.items():
        where = f"{path.name}, document {doc_id!r}"
        _name(doc_id, "the document id", where)
        if not isinstance(document, dict):
            raise ReleaseError(f"{where}: not a dict")
        for field in ("src", "ref_summ", "sys_summs"):
            if field not in document:
                raise ReleaseError(f"{where}: no key {field!r} (is --source BARTScore's "
                                   "SUM/SummEval/data.pkl?)")
        if "ref_summs" in document:
            references = _references(document["ref_summs"], where, None)
        else:
            references = [_text(document["ref_summ"], "ref_summ", where)]
        article = _text(document["src"], "src", where)
        systems = document["sys_summs"]
        if not isinstance(systems, dict) or not systems:
            raise ReleaseError(f"{where}: sys_summs is not a non-empty dict")
        for system, entry in systems.items():
            at = f"{where}, system {system!r}"
            if not (isinstance(entry, dict) and "sys_summ" in entry
                    and isinstance(entry.get("scores"), dict)):
                raise ReleaseError(f"{at}: not a dict with sys_summ and scores")
            located.append((at, {
                "id": doc_id,
                "model_id": _name(system, "the system name", at),
                "decoded": _text(entry["sys_summ"], "sys_summ", at),
                "references": references,
                "text": article,
                "expert_annotations": _ratings([entry["scores"]], "scores", at),
                "source": BARTSCORE,
            }))
    return _checked(located)


def _system_order(name: str) -> tuple[int, str]:
    match = _SYSTEM.fullmatch(name)
    return (int(match.group(1)), name) if match else (sys.maxsize, name)


def _checked(located: list[tuple[str, dict]]) -> list[dict]:
    """One row per (document, system), sorted; ``text`` in every row or in none."""
    seen: dict[tuple[str, str], str] = {}
    for where, row in located:
        key = (row["id"], row["model_id"])
        if key in seen:
            raise ReleaseError(f"{where}: a second row for document {key[0]!r}, system "
                               f"{key[1]!r} (the first is at {seen[key]})")
        seen[key] = where
    with_text = [where for where, row in located if "text" in row]
    if with_text and len(with_text) != len(located):
        without = next(where for where, row in located if "text" not in row)
        raise ReleaseError(f"{without}: no text, where {with_text[0]} has one (pair every "
                           "row with its article, or none)")
    rows = [row for _, row in located]
    rows.sort(key=lambda row: (row["id"], _system_order(row["model_id"])))
    return rows


def build_rows(source: Path) -> list[dict]:
    """The rows of ``summeval_annotations.jsonl`` from either source (see above)."""
    if not source.is_file():
        raise ReleaseError(f"{source} not found (give SummEval's model_annotations.aligned"
                           ".jsonl or BARTScore's SUM/SummEval/data.pkl)")
    with open(source, "rb") as handle:
        first = handle.read(1)
    return rows_from_bartscore(source) if first == b"\x80" else rows_from_release(source)


def write_jsonl(rows: list[dict], out: Path) -> None:
    """Write ``rows`` to ``out`` whole or not at all (a regular file is replaced)."""
    write_whole(out, "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows),
                ReleaseError)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=PROG, allow_abbrev=False,
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, required=True,
                        help="SummEval's model_annotations.aligned[.paired].jsonl, or "
                             "BARTScore's SUM/SummEval/data.pkl (or scores.pkl)")
    parser.add_argument("--out", type=Path, required=True,
                        help="where to write (the tests read ../shared/data/summeval_annotations.jsonl)")
    args = parser.parse_args(argv)
    try:
        rows = build_rows(args.source)
        write_jsonl(rows, args.out)
    except (ReleaseError, OSError, UnicodeDecodeError) as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
    documents = len({row["id"] for row in rows})
    systems = len({row["model_id"] for row in rows})
    print(f"wrote {len(rows)} rows ({documents} documents, {systems} systems, from the "
          f"{rows[0]['source']}) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
