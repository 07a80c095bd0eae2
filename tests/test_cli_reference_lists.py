"""One rule for list-valued reference fields on every path (issue 20, acceptance 1).

A SummEval-shaped long file (one row per document and system: ``doc_id``, ``model_id``,
``decoded``, ``text`` and a ``references`` list of several references) scored through
the real CLI: each system's ROUGE-1 F is rouge-score's ``score_multi`` (the best F over
the references, ``--multi-ref-rule max``), the same list under another field name is
refused naming both flags, and ``--reference-sentences`` reads the list as the sentences
of one reference.  The sentences are made up.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rouge_score import rouge_scorer

from cli_util import one_error_line, sumbench

DOCUMENTS = {
    "d1": ("The harbour board approved a new ferry timetable on Monday. Boats will leave "
           "every hour. Fares stay the same.",
           ["The harbour board approved an hourly ferry timetable.",
            "Ferries will now leave every hour at unchanged fares.",
            "A new timetable brings hourly boats."]),
    "d2": ("A bakery in the old town won a regional bread prize. Its rye loaf impressed the "
           "judges. The owner plans to hire two bakers.",
           ["An old town bakery won a bread prize for its rye loaf.",
            "The judges praised a rye loaf; the bakery will hire two bakers.",
            "Regional prize goes to a small bakery."]),
    "d3": ("Volunteers planted four hundred trees along the river path. The council gave the "
           "saplings. More planting is set for spring.",
           ["Volunteers planted 400 trees by the river.",
            "The council supplied saplings for a riverside planting, with more in spring.",
            "Four hundred trees now line the river path."]),
}
SYSTEMS = {
    "M1": {"d1": "The harbour board approved a new ferry timetable.",
           "d2": "A bakery won a regional bread prize.",
           "d3": "Volunteers planted trees along the river path."},
    "M2": {"d1": "Boats will leave every hour and fares stay the same.",
           "d2": "The owner plans to hire two bakers after the prize.",
           "d3": "More planting is set for spring by the council."},
    "M3": {"d1": "Monday brought news.",
           "d2": "The judges liked rye.",
           "d3": "Trees were planted."},
}


def write_long_file(path: Path, field: str = "references") -> Path:
    rows = [{"doc_id": doc, "model_id": system, "decoded": outputs[doc], "text": text,
             field: references}
            for system, outputs in SYSTEMS.items() for doc, (text, references) in DOCUMENTS.items()]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def score_long(path: Path, *extra: str):
    return sumbench("score", "-r", path, "--id-field", "doc_id", "--prediction-field",
                    "decoded", "--system-field", "model_id", "--metrics", "rouge",
                    "--rouge-types", "rouge1", "--format", "json", *extra)


def rouge1_means(stdout: str) -> dict[str, float]:
    runs = json.loads(stdout)["runs"]
    return {name: results["metrics"]["rouge"]["scores"]["rouge1"]["fmeasure"]["mid"]
            for name, results in runs.items()}


def expected_means(one_reference_of_sentences: bool) -> dict[str, float]:
    scorer = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True)
    out = {}
    for system, outputs in SYSTEMS.items():
        values = []
        for doc, (_, references) in DOCUMENTS.items():
            if one_reference_of_sentences:
                score = scorer.score("\n".join(references), outputs[doc])
            else:
                score = scorer.score_multi(references, outputs[doc])
            values.append(score["rouge1"].fmeasure)
        out[system] = sum(values) / len(values)
    return out


def test_a_references_list_in_the_long_format_is_several_references(tmp_path: Path) -> None:
    path = write_long_file(tmp_path / "summeval.jsonl")
    done = score_long(path)
    assert done.code == 0, done.err
    got = rouge1_means(done.out)
    assert got == pytest.approx(expected_means(False), rel=1e-12, abs=0)
    # the rule's name and the default are the same thing
    ruled = score_long(path, "--multi-ref-rule", "max")
    assert ruled.code == 0, ruled.err
    assert rouge1_means(ruled.out) == got
    assert got != pytest.approx(expected_means(True))  # the two readings differ here


def test_the_reader_path_gives_the_same_numbers(tmp_path: Path) -> None:
    path = write_long_file(tmp_path / "summeval.jsonl")
    refs = tmp_path / "refs.jsonl"
    refs.write_text("".join(json.dumps({"id": doc, "article": text, "references": references}) + "\n"
                            for doc, (text, references) in DOCUMENTS.items()), encoding="utf-8")
    preds = tmp_path / "M1.jsonl"
    preds.write_text("".join(json.dumps({"id": doc, "prediction": text}) + "\n"
                             for doc, text in SYSTEMS["M1"].items()), encoding="utf-8")
    one = sumbench("score", "-r", refs, "-p", preds, "--metrics", "rouge", "--rouge-types",
                   "rouge1", "--format", "json")
    assert one.code == 0, one.err
    mean = json.loads(one.out)["metrics"]["rouge"]["scores"]["rouge1"]["fmeasure"]["mid"]
    assert mean == rouge1_means(score_long(path).out)["M1"]


def test_a_list_under_another_name_is_refused_naming_both_flags(tmp_path: Path) -> None:
    path = write_long_file(tmp_path / "other.jsonl", field="refs")
    line = one_error_line(score_long(path, "--reference-field", "refs"), "other.jsonl:1",
                          "'refs'", "--multi-reference", "--reference-sentences")
    assert "Traceback" not in line
    refs = tmp_path / "refs.jsonl"
    refs.write_text(json.dumps({"id": "d1", "article": "A.", "refs": ["One.", "Two."]}) + "\n",
                    encoding="utf-8")
    one_error_line(sumbench("run", "-r", refs, "--reference-field", "refs"), "refs.jsonl:1",
                   "--multi-reference", "--reference-sentences")


def test_the_flags_say_what_a_list_is(tmp_path: Path) -> None:
    other = write_long_file(tmp_path / "other.jsonl", field="refs")
    several = score_long(other, "--reference-field", "refs", "--multi-reference")
    assert several.code == 0, several.err
    assert rouge1_means(several.out) == pytest.approx(expected_means(False), rel=1e-12, abs=0)
    sentences = score_long(other, "--reference-field", "refs", "--reference-sentences")
    assert sentences.code == 0, sentences.err
    assert rouge1_means(sentences.out) == pytest.approx(expected_means(True), rel=1e-12, abs=0)
    # --reference-sentences overrides the field name 'references'
    named = score_long(write_long_file(tmp_path / "summeval.jsonl"), "--reference-sentences")
    assert named.code == 0, named.err
    assert rouge1_means(named.out) == rouge1_means(sentences.out)


def test_the_two_flags_exclude_each_other(tmp_path: Path) -> None:
    path = write_long_file(tmp_path / "summeval.jsonl")
    one_error_line(score_long(path, "--multi-reference", "--reference-sentences"),
                   "--reference-sentences", "--multi-reference")


def test_the_old_rule_spelling_still_works_with_one_warning(tmp_path: Path) -> None:
    path = write_long_file(tmp_path / "summeval.jsonl")
    old = score_long(path, "--multi-ref", "mean")
    new = score_long(path, "--multi-ref-rule", "mean")
    assert old.code == 0 and new.code == 0, (old.err, new.err)
    assert rouge1_means(old.out) == rouge1_means(new.out)
    warnings = [line for line in old.err.splitlines() if "--multi-ref " in line + " "]
    assert len(warnings) == 1 and "deprecated" in warnings[0] and "--multi-ref-rule" in warnings[0]
    assert "deprecated" not in new.err


def test_the_old_and_new_rule_spellings_together_are_refused(tmp_path: Path) -> None:
    path = write_long_file(tmp_path / "summeval.jsonl")
    one_error_line(score_long(path, "--multi-ref", "mean", "--multi-ref-rule", "max"),
                   "--multi-ref is the old spelling of --multi-ref-rule")
    shown = sumbench("score", "--help").out
    assert "--multi-ref-rule" in shown and "--multi-ref " not in shown.replace("--multi-ref-rule", "")
    assert "--reference-sentences" in shown


def test_the_api_takes_the_old_option_name_with_a_deprecation_warning() -> None:
    import sumbench

    with pytest.warns(DeprecationWarning, match="multi_ref_rule"):
        old = sumbench.get_metric("rouge", {"multi_ref": "mean"})
    new = sumbench.get_metric("rouge", {"multi_ref_rule": "mean"})
    assert str(old.signature()) == str(new.signature()) and "refs:mean" in str(new.signature())
