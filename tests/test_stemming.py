"""The Porter stemmer loaded without NLTK's package start-up (issue 15) is NLTK's own:
the same stems as ``nltk.stem.porter.PorterStemmer``, and NLTK imports as usual after it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_the_stemmer_is_nltks_and_nltk_still_imports_after_it() -> None:
    # A fresh interpreter: this test process may have imported nltk already.
    code = textwrap.dedent(f"""
        import re, sys
        from pathlib import Path
        from sumbench.eval.metrics.rouge.stemming import porter_module
        ours = porter_module().PorterStemmer()
        assert "nltk" not in sys.modules, "the package nltk was started"
        words = sorted({{w for p in Path({str(FIXTURES)!r}).glob("*.txt")
                        for w in re.findall("[a-z0-9]+", p.read_text(encoding="utf-8").lower())}})
        assert len(words) > 1000, len(words)
        import nltk
        from nltk.stem.porter import PorterStemmer
        theirs = PorterStemmer()
        assert type(theirs) is not type(ours)  # NLTK's own, loaded afresh
        different = [w for w in words if ours.stem(w) != theirs.stem(w)]
        assert not different, different[:10]
        print(len(words))
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 1000
