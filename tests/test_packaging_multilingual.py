"""The ``multilingual`` extra (issue 21, acceptance 4): it names every segmenter and
stemmer that multilingual ROUGE imports, never the full UniDic, and nothing that installs
a top-level ``rouge_score`` over Google's; the CI script installs it and the reference
scorer without that scorer's own requirements.

These checks need no network.  The real fresh-venv install that scores every language
offline is ``benchmarks/fresh_venv_multilingual.sh`` (it downloads the packages, so it is
a recorded manual check, not a test).
"""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
ROUGE = ROOT / "eval" / "metrics" / "rouge"
# The modules of multilingual ROUGE (the profile table and the segmenters/stemmers).
MULTILINGUAL_MODULES = ("languages.py", "multilingual.py")

# multilingual-rouge 0.0.1's requirements, as its METADATA lists them (Requires-Dist).
REFERENCE_REQUIREMENTS = ("TurkishStemmer", "absl-py", "nltk", "numpy", "six>=1.14",
                          "pythainlp", "pyonmttok", "jieba", "fugashi[unidic]")
# Import names whose distribution has another name (for environments where the package is
# not installed, so importlib.metadata cannot say).
DISTRIBUTION_OF = {"unidic_lite": "unidic-lite", "TurkishStemmer": "turkishstemmer",
                   "rouge_score": "rouge-score", "rouge_score_rs": "rouge-score-rs",
                   "yaml": "pyyaml"}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse(requirement: str) -> tuple[str, set[str]]:
    """``(normalised name, extras)`` of a requirement string."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?", requirement)
    assert match, requirement
    extras = {normalise(e) for e in (match.group(2) or "").split(",") if e.strip()}
    return normalise(match.group(1)), extras


def extra(name: str) -> dict[str, set[str]]:
    return dict(parse(r) for r in PROJECT["optional-dependencies"][name])


CORE = dict(parse(r) for r in PROJECT["dependencies"])
MULTILINGUAL = extra("multilingual")


def test_the_extra_names_every_segmenter_and_stemmer():
    assert {"pyonmttok", "jieba", "pythainlp", "fugashi", "unidic-lite", "turkishstemmer",
            "nltk", "sentencex"} <= set(MULTILINGUAL)


def test_the_extra_never_pulls_the_full_unidic_or_a_rouge_score_fork():
    assert "unidic" not in MULTILINGUAL
    assert not any("unidic" in extras for extras in MULTILINGUAL.values()), MULTILINGUAL
    # the reference scorer is a test oracle; rouge-score is the core's exact pin
    assert not {"multilingual-rouge", "rouge-score", "rouge"} & set(MULTILINGUAL)
    assert "rouge-score==0.1.2" in PROJECT["dependencies"]


def test_the_reference_scorers_requirements_come_from_the_extra_and_rouge_score():
    """What ``pip install --no-deps multilingual-rouge`` leaves out must already be there:
    the extra's packages, and six and absl-py, which rouge-score requires."""
    try:
        rouge_score = {parse(r)[0] for r in metadata.requires("rouge-score") or ()}
    except metadata.PackageNotFoundError:
        pytest.fail("rouge-score, a core dependency, is not installed")
    assert {"six", "absl-py", "nltk", "numpy"} <= rouge_score
    covered = set(MULTILINGUAL) | set(CORE) | rouge_score
    for requirement in REFERENCE_REQUIREMENTS:
        name, _ = parse(requirement)
        assert name in covered, requirement


def test_the_ci_script_installs_the_extra_and_the_oracle_without_its_requirements():
    script = (ROOT / ".ci" / "install-test-deps").read_text(encoding="utf-8")
    extras = re.search(r"pip install -q -e '\.\[([^\]]*)\]'", script)
    assert extras and "multilingual" in extras.group(1).split(",")
    assert 'python -m pip install -q --no-deps "multilingual-rouge==0.0.1"' in script


def third_party_imports(path: Path) -> set[str]:
    """Top-level names of the absolute, non-standard-library imports anywhere in ``path``
    (inside functions too: the segmenters are imported where they are used)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n != "sumbench"
            and n != "__future__"}


def distribution(import_name: str) -> str:
    if import_name in DISTRIBUTION_OF:
        return DISTRIBUTION_OF[import_name]
    found = metadata.packages_distributions().get(import_name)
    return normalise(found[0]) if found else normalise(import_name)


def test_every_import_of_multilingual_rouge_is_installed_by_the_core_or_the_extra():
    """Static: the modules of the ROUGE family (multilingual ROUGE's among them) import
    only what ``pip install 'sumbench[multilingual]'`` installs."""
    missing = [name for name in MULTILINGUAL_MODULES if not (ROUGE / name).is_file()]
    assert not missing, (
        f"eval/metrics/rouge/{' and '.join(missing)} not found: multilingual ROUGE "
        "(branch i21-core) is not merged, so its imports cannot be checked")
    allowed = set(CORE) | set(MULTILINGUAL)
    uncovered = {}
    for module in sorted(ROUGE.glob("*.py")):
        for name in third_party_imports(module):
            assert name != "multilingual_rouge", f"{module.name} imports the test oracle"
            if distribution(name) not in allowed:
                uncovered[f"{module.name}: {name}"] = distribution(name)
    assert not uncovered, uncovered


def test_the_import_check_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("import os\nfrom . import x\n\ndef f():\n    import jieba\n"
                      "    from pythainlp.tokenize import word_tokenize\n")
    assert third_party_imports(module) == {"jieba", "pythainlp"}
    assert distribution("unidic_lite") == "unidic-lite"


def test_no_installed_package_of_the_extra_shadows_rouge_score():
    """Where the extra is installed (CI installs it), none of its distributions ships a
    top-level ``rouge_score`` (XL-Sum's own scorer installs under that name)."""
    installed = []
    for name in MULTILINGUAL:
        try:
            files = metadata.files(name) or []
        except metadata.PackageNotFoundError:
            continue
        installed.append(name)
        tops = {Path(str(f)).parts[0] for f in files}
        assert "rouge_score" not in tops, name
    if len(installed) < len(MULTILINGUAL):
        pytest.skip(f"the multilingual extra is not installed here (only {installed}); "
                    ".ci/install-test-deps installs it")


def test_the_shipped_stopword_lists_are_package_data():
    """The Snowball stopword lists ship with sumbench (no NLTK download): an install that
    left them out would fail offline, so every file under the rouge family's data folders
    must match its ``package-data`` patterns."""
    from fnmatch import fnmatch

    folder = ROUGE / "stopwords"
    assert folder.is_dir(), ("eval/metrics/rouge/stopwords not found: multilingual ROUGE "
                             "(branch i21-core) is not merged")
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"] \
        .get("package-data", {})
    patterns = package_data.get("sumbench.eval.metrics.rouge", [])
    files = [p.relative_to(ROUGE).as_posix() for p in folder.rglob("*") if p.is_file()]
    assert files
    unshipped = [f for f in files if not any(fnmatch(f, pattern) for pattern in patterns)]
    assert not unshipped, unshipped
