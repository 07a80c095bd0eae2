"""A pure-Python ROUGE-1.5.5: the original Perl script's numbers without Perl.

    from . import parse_flags, score_rouge155, corpus_scores
    config = parse_flags("-c 95 -r 1000 -n 2 -m -a")
    per_example = score_rouge155(predictions, references, config)  # {key: (n, 3) P, R, F}
    corpus = corpus_scores(per_example, config)                     # {key: Rouge155Average}

Modules: ``flags`` (option parsing), ``text`` (length limits, tokens), ``stemmer`` (the
script's Porter variant and WordNet exceptions), ``measures`` (ROUGE-N, L, W, S, SU
statistics), ``scorer`` (per summary, multi-reference), ``bootstrap`` (the script's
corpus averages and intervals), ``oracle`` (runs the Perl script itself; tests only).
"""

from .flags import FlagError, Rouge155Config, parse_flags
from .scorer import Rouge155Average, corpus_scores, score_rouge155

__all__ = ["FlagError", "Rouge155Average", "Rouge155Config", "corpus_scores", "parse_flags", "score_rouge155"]
