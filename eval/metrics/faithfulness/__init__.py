"""The ``faithfulness-nli`` metric: SummaC-ZS (Laban et al. 2022), NLI entailment of
each summary sentence by the article; see :mod:`.metric`."""
