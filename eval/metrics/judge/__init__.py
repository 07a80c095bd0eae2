"""The ``judge`` metric: an LLM rates summaries on rubrics (G-Eval, Liu et al. 2023);
see :mod:`.metric`."""
