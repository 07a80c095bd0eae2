"""Build ``mling_dev.jsonl`` (what the multilingual ROUGE exactness test reads) from the
test ("dummy") data once committed in the huggingface/datasets repository.

The pairs are real text from WikiLingua (Ladhak et al., Findings of EMNLP 2020; the
``wiki_lingua`` loader's pickles and GEM's ``wiki_lingua_*`` line files), MLSUM (Scialom
et al., EMNLP 2020; its loader's and GEM's files), ThaiSum, pn_summary and OrangeSum, as
their loaders' ``dummy/**/dummy_data.zip`` held them. Those zips were removed from the
repository later; its history keeps them, so a full clone (not ``--depth 1``) is needed.
From the repository root::

    git clone https://github.com/huggingface/datasets ../hf-datasets
    python tests/data/build_mling.py --source ../hf-datasets --out ../shared/data/mling_dev.jsonl

The output is byte for byte the development file: 136 examples in 19 languages, each
giving two pairs (272 rows). Each row: ``lang``, ``id`` (language, the first 10 hex
digits of the SHA-1 of the stripped reference, the prediction's kind), ``reference``,
``prediction``, ``prediction_kind``, ``article`` (as released), ``source``
(``huggingface/datasets:<zip>!<member>@<commit>``) and ``dataset``. The first pair of an
example predicts the article's Lead-1 sentence (:func:`lead_sentence`); the second its
headline, or, for a source without headlines, another example's summary.

Which examples, in which order, and which other summary each unrelated prediction takes
come from ``tests/data/mling_selection.txt`` (digests only): the file was sliced by hand
and its order followed a directory listing, so no rule rebuilds them. Everything else is
read from the zips: ``zipfile`` on the blobs ``git cat-file`` gives for the pinned
commits, the pickles through ``safe_pickle`` (plain data only; nothing in the data is
run). A problem is one line ``build_mling.py: error: ...``, exit status 2, nothing written.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import pickle
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from safe_pickle import loads_plain_pickle
from write_whole import write_whole

SELECTION = Path(__file__).with_name("mling_selection.txt")
HF_COMMIT = "7951741769c872368a490b301a73844ec42bb462"
GEM_WIKI_COMMIT = "b5d01e4982fb5ab138dcf541e09cb565b9dc36da"
MLSUM_COMMIT = "612377be3fb306b1551dd5e0687f09ff2956d583"
GEM_MLSUM_COMMIT = "c657a4fb4645cd15492f262e4720b12148577a6a"
LEAD1 = "lead1_sentence_of_article (extractive Lead-1 baseline; not a neural system)"
TITLE = "human_headline_of_same_article"
OTHER = "reference_summary_of_a_different_example (unrelated; low-overlap case)"
MIN_SENTENCE = 12  # characters: a shorter first "sentence" (a fragment) is passed over
MIN_THAI_LEAD = 40  # Thai has no sentence mark: whitespace-separated runs up to 40 characters
_SENTENCE_END = re.compile(r"(?<=\D[.!?])\s+|(?<=[।])\s+|(?<=[。！？])\s*")


class ReleaseError(Exception):
    """The clone or a zip in it is not shaped as documented above."""


@dataclass(frozen=True)
class Example:
    member: str  # the file inside the zip
    reference: str  # stripped
    article: str
    title: str | None


@dataclass(frozen=True)
class Source:
    lang: str
    dataset: str
    path: str  # the zip in the repository
    commit: str
    read: Callable[[zipfile.ZipFile], list[Example]]


def digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def lead_sentence(article: str, lang: str) -> str:
    """The article's first sentence of at least MIN_SENTENCE characters (a sentence ends
    at . ! ? after a non-digit and before a space, at । before a space, or at 。！？);
    the whole text if none ends. Thai: the shortest whitespace-bounded prefix of at
    least MIN_THAI_LEAD characters."""
    text = article.strip()
    if lang == "th":
        for gap in re.finditer(r"\s+", text):
            if gap.start() >= MIN_THAI_LEAD:
                return text[:gap.start()]
        return text
    start = 0
    for end in _SENTENCE_END.finditer(text):
        sentence = text[start:end.start()].strip()
        if len(sentence) >= MIN_SENTENCE:
            return sentence
        start = end.end()
    return text[start:].strip()


def _files(archive: zipfile.ZipFile, suffix: str) -> list[str]:
    return [name for name in archive.namelist() if name.endswith(suffix)]


def _text(archive: zipfile.ZipFile, name: str) -> str:
    return archive.read(name).decode("utf-8")


def read_wiki_lingua(archive: zipfile.ZipFile) -> list[Example]:
    """The loader's pickle: {url: {section: {"summary", "document", ...}}}."""
    examples = []
    for name in [n for n in archive.namelist() if not n.endswith("/")]:
        data = loads_plain_pickle(archive.read(name))
        if not isinstance(data, dict):
            raise ReleaseError(f"{name}: not a mapping of article URLs")
        for sections in data.values():
            for section in sections.values():
                examples.append(Example(name, section["summary"].strip(), section["document"], None))
    return examples


def read_line_pairs(source_suffix: str, target_suffix: str) -> Callable[[zipfile.ZipFile], list[Example]]:
    """Line-aligned files: ``X<source_suffix>`` (articles) beside ``X<target_suffix>``."""
    def read(archive: zipfile.ZipFile) -> list[Example]:
        examples = []
        for name in _files(archive, target_suffix):
            targets = _text(archive, name).split("\n")
            sources = _text(archive, name[:-len(target_suffix)] + source_suffix).split("\n")
            if len(sources) != len(targets):
                raise ReleaseError(f"{name}: {len(targets)} lines, its articles {len(sources)}")
            examples += [Example(name, t.strip(), s, None) for s, t in zip(sources, targets)]
        return examples
    return read


def read_mlsum(archive: zipfile.ZipFile) -> list[Example]:
    """MLSUM's JSON lines (text, summary, title) and GEM's JSON lists (text, target, title)."""
    examples = []
    for name in _files(archive, ".jsonl"):
        for line in _text(archive, name).splitlines():
            record = json.loads(line)
            examples.append(Example(name, record["summary"].strip(), record["text"], record["title"]))
    for name in _files(archive, ".json"):
        records = json.loads(_text(archive, name))
        if isinstance(records, list):
            examples += [Example(name, r["target"].strip(), r["text"], r["title"]) for r in records]
    return examples


def read_csv(delimiter: str, article: str) -> Callable[[zipfile.ZipFile], list[Example]]:
    def read(archive: zipfile.ZipFile) -> list[Example]:
        examples = []
        for name in _files(archive, ".csv"):
            for record in csv.DictReader(io.StringIO(_text(archive, name)), delimiter=delimiter):
                examples.append(Example(name, record["summary"].strip(), record[article], record["title"]))
        return examples
    return read


def _sources() -> dict[str, Source]:
    wiki = {"arabic": "ar", "chinese": "zh", "czech": "cs", "dutch": "nl", "english": "en",
            "french": "fr", "german": "de", "hindi": "hi", "indonesian": "id", "italian": "it",
            "japanese": "ja", "korean": "ko", "portuguese": "pt", "russian": "ru",
            "spanish": "es", "thai": "th", "turkish": "tr", "vietnamese": "vi"}
    sources = {}
    for name, lang in wiki.items():
        sources[f"wiki_lingua/{name}"] = Source(
            lang, "WikiLingua (HF wiki_lingua dummy)",
            f"datasets/wiki_lingua/dummy/{name}/1.1.1/dummy_data.zip", HF_COMMIT, read_wiki_lingua)
        if lang not in ("en", "pt"):
            config = f"wiki_lingua_{name}_{lang}"
            sources[f"gem/{config}"] = Source(
                lang, "WikiLingua (GEM dummy)", f"datasets/gem/dummy/{config}/1.1.0/dummy_data.zip",
                GEM_WIKI_COMMIT, read_line_pairs(f".src.{lang}", f".tgt.{lang}"))
    for config, lang in {"de": "de", "es": "es", "fr": "fr", "ru": "ru", "tu": "tr"}.items():
        path = f"datasets/mlsum/dummy/{config}/1.0.0/dummy_data.zip"
        sources[f"mlsum/{config}"] = Source(lang, "MLSUM (HF/GEM dummy)", path, MLSUM_COMMIT, read_mlsum)
        # the later, cut-down zip: its placeholder summary ("A text") is one unrelated prediction
        sources[f"mlsum/{config}@{HF_COMMIT[:10]}"] = Source(lang, "MLSUM (HF/GEM dummy)", path,
                                                              HF_COMMIT, read_mlsum)
    for lang in ("de", "es"):
        sources[f"gem/mlsum_{lang}"] = Source(
            lang, "MLSUM (HF/GEM dummy)", f"datasets/gem/dummy/mlsum_{lang}/1.1.0/dummy_data.zip",
            GEM_MLSUM_COMMIT, read_mlsum)
    sources["pn_summary"] = Source("fa", "pn_summary (HF dummy)",
                                   "datasets/pn_summary/dummy/1.0.0/1.0.0/dummy_data.zip",
                                   "d7dfbc83d68e87ba002c5eb2555f7a932e59038a", read_csv("\t", "article"))
    sources["thaisum"] = Source("th", "ThaiSum (HF dummy)",
                                "datasets/thaisum/dummy/thaisum/1.0.0/dummy_data.zip",
                                "7cf1da1b343cf7d9d677cbe016eb50e7f452323c", read_csv(",", "body"))
    sources["orange_sum"] = Source("fr", "OrangeSum (HF dummy)",
                                   "datasets/orange_sum/dummy/abstract/1.1.0/dummy_data.zip",
                                   "d7dfbc83d68e87ba002c5eb2555f7a932e59038a",
                                   read_line_pairs(".source", ".target"))
    return sources


SOURCES = _sources()


def read_zip(clone: Path, commit: str, path: str) -> zipfile.ZipFile:
    """The zip at ``commit:path`` in the git clone ``clone`` (read as a blob, never checked out)."""
    done = subprocess.run(["git", "-C", str(clone), "cat-file", "blob", f"{commit}:{path}"],
                          capture_output=True, timeout=120)
    if done.returncode != 0:
        raise ReleaseError(f"{clone}: no {path} at commit {commit} (is --source a full clone of "
                           "huggingface/datasets, not --depth 1?)")
    try:
        return zipfile.ZipFile(io.BytesIO(done.stdout))
    except zipfile.BadZipFile:
        raise ReleaseError(f"{clone}: {path} at {commit} is not a zip") from None


Entry = tuple[str, str, str, str | None]  # language, source key, digest, other digest


def read_selection(lines: Iterable[str], sources: dict[str, Source]) -> list[Entry]:
    """The entries of ``mling_selection.txt`` (comments and blank lines skipped)."""
    entries = []
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split()
        if len(fields) not in (3, 4) or fields[1] not in sources or sources[fields[1]].lang != fields[0]:
            raise ReleaseError(f"{SELECTION.name}, line {number}: not 'lang source digest [other digest]'")
        entries.append((fields[0], fields[1], fields[2], fields[3] if len(fields) == 4 else None))
    return entries


def build(clone: Path, selection: Iterable[str], sources: dict[str, Source] = SOURCES) -> list[dict]:
    """The rows of ``mling_dev.jsonl`` from a clone of huggingface/datasets."""
    entries = read_selection(selection, sources)
    loaded: dict[str, list[Example]] = {}
    for key in sorted({key for _, key, _, _ in entries}
                      | {key for key, s in sources.items() if s.lang in {e[0] for e in entries}}):
        source = sources[key]
        try:
            loaded[key] = source.read(read_zip(clone, source.commit, source.path))
        except (KeyError, ValueError, AttributeError, TypeError) as error:
            raise ReleaseError(f"{source.path} at {source.commit}: unexpected layout ({error!r})") from None
    rows = []
    for lang, key, wanted, other in entries:
        source = sources[key]
        found = [e for e in loaded[key] if digest(e.reference) == wanted]
        if not found:
            raise ReleaseError(f"{source.path} at {source.commit}: no summary with digest {wanted}")
        example = found[0]
        origin = f"huggingface/datasets:{source.path}!{example.member}@{source.commit}"
        pair = {"lang": lang, "reference": example.reference, "article": example.article,
                "source": origin, "dataset": source.dataset}
        second: tuple[str, str, str]
        if other is None:
            if example.title is None:
                raise ReleaseError(f"{SELECTION.name}: {key} has no headlines: name another summary")
            second = ("title", example.title.strip(), TITLE)
        else:
            texts = {e.reference for k, s in sources.items() if s.lang == lang
                     for e in loaded[k] if digest(e.reference) == other}
            if len(texts) != 1:
                raise ReleaseError(f"{len(texts)} {lang} summaries with digest {other}")
            second = ("other", texts.pop(), OTHER)
        for suffix, prediction, kind in (("lead1", lead_sentence(example.article, lang), LEAD1), second):
            rows.append({"lang": lang, "id": f"{lang}-{wanted}-{suffix}", "reference": pair["reference"],
                         "prediction": prediction, "prediction_kind": kind, "article": pair["article"],
                         "source": pair["source"], "dataset": pair["dataset"]})
    return rows


def write_jsonl(rows: list[dict], out: Path) -> None:
    """Write ``rows`` to ``out`` whole or not at all (a regular file is replaced)."""
    write_whole(out, "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows),
                ReleaseError)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build_mling.py", allow_abbrev=False,
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, required=True,
                        help="a full clone of huggingface/datasets (its history has the dummy zips)")
    parser.add_argument("--out", type=Path, required=True,
                        help="where to write (the tests read ../shared/data/mling_dev.jsonl)")
    args = parser.parse_args(argv)
    try:
        if not args.source.is_dir():
            raise ReleaseError(f"{args.source} is not a folder (a clone of huggingface/datasets)")
        rows = build(args.source, SELECTION.read_text(encoding="utf-8").splitlines())
        write_jsonl(rows, args.out)
    except (ReleaseError, OSError, UnicodeDecodeError, json.JSONDecodeError, zipfile.BadZipFile,
            pickle.UnpicklingError, subprocess.SubprocessError) as error:
        print(f"build_mling.py: error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {args.out} ({len(rows)} pairs in {len({r['lang'] for r in rows})} languages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
