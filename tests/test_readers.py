"""Each reference-set reader on files the tests write (issue 2, acceptance 3)."""

from __future__ import annotations

import json
import tarfile
import time
from pathlib import Path

import pytest

from sumbench.eval.data import FieldMap, load_reference_set
from sumbench.eval.data.hf import parse_hub_spec
from sumbench.eval.data.registry import detect_format
from sumbench.common.errors import InputError, OfflineError, UsageError

STORY = """The first paragraph of the article.

The second paragraph, with more detail.

@highlight

First highlight

@highlight

Second highlight
"""


def test_jsonl_cnn_dailymail_fields(tmp_path: Path) -> None:
    path = tmp_path / "refs.jsonl"
    rows = [{"id": "a", "article": "Text one. More.", "highlights": "Line one.\nLine two."},
            {"id": "b", "article": "Text two.", "highlights": ["Only line."]}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n")
    refs = load_reference_set(str(path), fields=FieldMap(reference_sentences=True))
    assert refs.format == "jsonl"
    assert refs.ids == ["a", "b"]
    assert refs.examples[0].references == (("Line one.", "Line two."),)
    assert refs.examples[1].references == (("Only line.",),)


def test_jsonl_xsum_fields_and_row_ids(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps({"document": "Doc.", "summary": "Sum."}) + "\n"
                    + json.dumps({"document": "Doc 2.", "summary": "Sum 2."}) + "\n")
    refs = load_reference_set(str(path))
    assert refs.ids == ["0", "1"]
    assert refs.examples[1].article == "Doc 2."


def test_jsonl_multi_reference_field(tmp_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    path.write_text(json.dumps({"id": 1, "text": "Body.",
                                "references": ["One.\nTwo.", ["Three.", "Four."]]}) + "\n")
    example = load_reference_set(str(path)).examples[0]
    assert example.references == (("One.", "Two."), ("Three.", "Four."))


def test_json_array(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"data": [{"id": "q", "text": "T.", "summary": "S."}]}))
    assert load_reference_set(str(path)).ids == ["q"]


def test_csv_custom_fields(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text('key,body,gist\nk1,"Body, with comma.","First.\nSecond."\nk2,Body two.,Gist.\n')
    refs = load_reference_set(str(path), fields=FieldMap(article="body", reference="gist", id="key"))
    assert refs.ids == ["k1", "k2"]
    assert refs.examples[0].references == (("First.", "Second."),)
    assert refs.examples[0].article == "Body, with comma."


def test_tsv(tmp_path: Path) -> None:
    path = tmp_path / "r.tsv"
    path.write_text("id\tarticle\thighlights\nz\tAn article.\tA highlight.\n")
    refs = load_reference_set(str(path))
    assert refs.format == "tsv" and refs.ids == ["z"]


def test_parquet_custom_fields_with_list_column(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    table = pa.table({"doc": ["d1", "d2"], "story": ["Body one.", "Body two."],
                      "bullets": [["B1.", "B2."], ["B3."]]})
    path = tmp_path / "r.parquet"
    pq.write_table(table, path)
    refs = load_reference_set(str(path), fields=FieldMap(article="story", reference="bullets",
                                                          id="doc", reference_sentences=True))
    assert refs.format == "parquet"
    assert refs.examples[0].references == (("B1.", "B2."),)


def test_parquet_multi_reference_list_column(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"id": ["a"], "text": ["Body."], "refs": [["R one.", "R two."]]}),
                   tmp_path / "m.parquet")
    refs = load_reference_set(str(tmp_path / "m.parquet"),
                              fields=FieldMap(reference="refs", multi_reference=True))
    assert refs.examples[0].references == (("R one.",), ("R two.",))


def test_story_folder(tmp_path: Path) -> None:
    folder = tmp_path / "stories"
    folder.mkdir()
    (folder / "abc123.story").write_text(STORY)
    (folder / "def456.story").write_text(STORY.replace("First", "Other"))
    refs = load_reference_set(str(folder))
    assert refs.format == "story"
    assert refs.ids == ["abc123", "def456"]
    example = refs.examples[0]
    assert example.references == (("First highlight", "Second highlight"),)
    assert example.article == ("The first paragraph of the article.\n\n"
                               "The second paragraph, with more detail.")


def test_story_tgz(tmp_path: Path) -> None:
    folder = tmp_path / "cnn" / "stories"
    folder.mkdir(parents=True)
    (folder / "s1.story").write_text(STORY)
    archive = tmp_path / "cnn_stories.tgz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tmp_path / "cnn", arcname="cnn")
    refs = load_reference_set(str(archive))
    assert refs.format == "story" and refs.ids == ["s1"]
    assert refs.examples[0].reference == ("First highlight", "Second highlight")


def test_story_without_highlights_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "x.story").write_text("Just an article.\n")
    with pytest.raises(InputError, match="@highlight"):
        load_reference_set(str(tmp_path))


def test_client_plaintext_format(tmp_path: Path) -> None:
    (tmp_path / "001_a.txt").write_text("A headline\n- Bullet one.\n- Bullet two.\n"
                                        "Body first paragraph.\n\nBody second paragraph.\n")
    (tmp_path / "002_b.txt").write_text("Another\n- Only bullet.\nBody.")
    (tmp_path / "README.md").write_text("not an article")
    refs = load_reference_set(str(tmp_path))
    assert refs.format == "plaintext"
    first = refs.examples[0]
    assert first.id == "001_a" and first.title == "A headline"
    assert first.reference == ("Bullet one.", "Bullet two.")
    assert first.article == "Body first paragraph.\n\nBody second paragraph."
    assert refs.examples[1].article == "Body."


def test_client_format_needs_bullets(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("Headline\nNo bullets here.\n")
    with pytest.raises(InputError, match=r"x\.txt:2: expected bullet points"):
        load_reference_set(str(tmp_path))


def test_bundled_fixtures_and_client_example() -> None:
    refs = load_reference_set()
    assert refs.format == "plaintext"
    assert len(refs) >= 16
    assert refs.ids[0] == "000_01c7da40d6e1f404"
    assert refs.examples[0].title.startswith("Blinken and Lammy")
    assert len(refs.examples[0].reference) == 3
    lengths = [len(e.article.split()) for e in refs.examples]
    assert max(lengths) > 1500
    assert any(any(not c.isascii() for c in e.article if c.isalpha()) for e in refs.examples)


def test_limit_and_seeded_sample() -> None:
    assert len(load_reference_set(limit=3)) == 3
    first = load_reference_set(sample=5, seed=1).ids
    assert first == load_reference_set(sample=5, seed=1).ids
    assert first != load_reference_set(sample=5, seed=2).ids
    all_ids = load_reference_set().ids
    assert first == [i for i in all_ids if i in first]  # file order kept


def test_fingerprint_depends_on_references(tmp_path: Path) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text(json.dumps({"id": 1, "text": "T.", "summary": "S."}) + "\n")
    b.write_text(json.dumps({"id": 1, "text": "Other article.", "summary": "S."}) + "\n")
    c = tmp_path / "c.jsonl"
    c.write_text(json.dumps({"id": 1, "text": "T.", "summary": "Different."}) + "\n")
    fa, fb, fc = (load_reference_set(str(p)).fingerprint for p in (a, b, c))
    assert fa == fb  # ids and references only
    assert fa != fc


def test_hf_save_to_disk_folder(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    dd = datasets.DatasetDict({
        "train": datasets.Dataset.from_dict({"id": ["t"], "article": ["A."], "highlights": ["H."]}),
        "test": datasets.Dataset.from_dict({"id": ["x", "y"], "article": ["A one.", "A two."],
                                            "highlights": ["H one.\nH two.", "H three."]}),
    })
    dd.save_to_disk(str(tmp_path / "ds"))
    refs = load_reference_set(str(tmp_path / "ds"))
    assert refs.format == "hf" and refs.ids == ["x", "y"]
    assert load_reference_set(str(tmp_path / "ds") + ":train").ids == ["t"]


def test_hf_spec_parsing() -> None:
    assert parse_hub_spec("hf:cnn_dailymail/3.0.0:test") == \
        parse_hub_spec("hf:cnn_dailymail/3.0.0")
    spec = parse_hub_spec("hf:abisee/cnn_dailymail/3.0.0:validation")
    assert (spec.name, spec.config, spec.split) == ("abisee/cnn_dailymail", "3.0.0", "validation")
    spec = parse_hub_spec("hf:EdinburghNLP/xsum")
    assert (spec.name, spec.config, spec.split) == ("EdinburghNLP/xsum", None, "test")


def test_hf_hub_offline_fails_fast(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("datasets")
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "hf" / "datasets"))
    start = time.monotonic()
    with pytest.raises(OfflineError, match="cannot reach the Hugging Face hub"):
        load_reference_set("hf:sumbench-test/does-not-exist:test")
    assert time.monotonic() - start < 30


@pytest.mark.parametrize("name,expected", [("a.jsonl", "jsonl"), ("a.JSON", "json"),
                                           ("a.csv", "csv"), ("a.tsv", "tsv"),
                                           ("a.parquet", "parquet"), ("a.tgz", "story"),
                                           ("a.tar.gz", "story"), ("hf:xsum", "hf")])
def test_detect_format(name: str, expected: str) -> None:
    assert detect_format(name) == expected




def test_a_list_in_a_field_of_another_name_needs_a_flag(tmp_path: Path) -> None:
    """One rule for lists (issue 20): several references in a field named references or
    summaries or with multi_reference; one reference's sentences with reference_sentences
    (which overrides the name); refused in any other field; a list of lists is several
    references whatever the flags."""
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps({"id": "a", "article": "A.", "highlights": ["One.", "Two."],
                                "references": ["Three.", "Four."],
                                "nested": [["Five.", "Six."], ["Seven."]]}) + "\n")
    with pytest.raises(InputError, match=r"r\.jsonl:1: field 'highlights' holds a list.*"
                                         r"--multi-reference.*--reference-sentences"):
        load_reference_set(str(path))
    for field, flags, expected in [
            ("highlights", {"multi_reference": True}, (("One.",), ("Two.",))),
            ("highlights", {"reference_sentences": True}, (("One.", "Two."),)),
            ("references", {}, (("Three.",), ("Four.",))),
            ("references", {"reference_sentences": True}, (("Three.", "Four."),)),
            ("nested", {}, (("Five.", "Six."), ("Seven.",))),
            ("nested", {"reference_sentences": True}, (("Five.", "Six."), ("Seven.",)))]:
        refs = load_reference_set(str(path), fields=FieldMap(reference=field, **flags))
        assert refs.examples[0].references == expected, (field, flags)
    with pytest.raises(UsageError, match="--multi-reference and --reference-sentences"):
        load_reference_set(str(path), fields=FieldMap(multi_reference=True,
                                                      reference_sentences=True))
