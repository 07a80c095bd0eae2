"""Meta-evaluation: correlating metrics with human judgments (``sumbench meta``).

* :mod:`~sumbench.eval.meta.table` -- :class:`ScoreTable`, one number per
  ``(system, input)``;
* :mod:`~sumbench.eval.meta.runs` -- metric tables from a list of runs (one per system);
* :mod:`~sumbench.eval.meta.formats` -- judgment (or score) tables from a file: the
  SummEval and REALSumm layouts and generic rows, read by :mod:`~sumbench.eval.meta.rows`
  with fields named by :mod:`~sumbench.eval.meta.fields`;
* :mod:`~sumbench.eval.meta.align` -- complete matrices, every exclusion reported;
* :mod:`~sumbench.eval.meta.evaluate` -- correlations, intervals and tests;
* :mod:`~sumbench.eval.meta.metric_tests` -- the tests between metrics as one family:
  the permutation count chosen from its size, and its correction (Holm by default);
* :mod:`~sumbench.eval.meta.inputs` -- from files, fields and runs to a result (what the
  CLI and :func:`sumbench.meta` call).

The statistics live in :mod:`sumbench.eval.stats` and the presentation in
:mod:`sumbench.eval.report.meta`.  Nothing is imported here, so building the CLI parser
stays cheap.
"""
