"""Score ROUGE on several processes: contiguous chunks, results identical to one process.

The pairs are cut into contiguous chunks; each worker process scores its chunks with
:func:`sumbench.eval.metrics.rouge.fast.score_serial` and sends back only the ``(chunk, 3)`` score arrays,
which are concatenated in input order.  Every pair is scored by the same pure function
whatever the chunking, so the output equals the single-process output exactly, and the
parent holds no per-pair state besides the score arrays.

Start method: workers are forked when the parent runs no other Python thread.  That is
cheap (the parent's modules and stem memo are inherited; it loads the stemmer first so that
workers do not each pay for that) and safe here: a worker only runs Python code, the
stemmer and non-BLAS NumPy, and the native thread pools a parent may hold (OpenBLAS,
started by importing NumPy) have at-fork handlers.  With other Python threads running,
whose locks a fork could copy in a held state, ``forkserver`` is used, with the scoring
modules preloaded.
"""

from __future__ import annotations

import multiprocessing
import threading
import warnings
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from .engine import RougeConfig

MIN_CHUNK = 256       # below this a worker round trip costs more than it saves
CHUNKS_PER_PROCESS = 4  # a few chunks per worker even out uneven text lengths


def chunk_bounds(n: int, processes: int) -> list[tuple[int, int]]:
    """Contiguous ``[start, stop)`` ranges covering ``range(n)``, about equal in size."""
    chunks = max(1, min(processes * CHUNKS_PER_PROCESS, n // MIN_CHUNK))
    step, extra = divmod(n, chunks)
    bounds = []
    start = 0
    for c in range(chunks):
        stop = start + step + (1 if c < extra else 0)
        bounds.append((start, stop))
        start = stop
    return bounds


def _score_chunk(predictions: list[str], references: list[list[str]],
                 config: RougeConfig) -> dict[str, np.ndarray]:
    from .fast import score_serial

    return score_serial(predictions, references, config)


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["sumbench.eval.metrics.rouge.fast"])
        return context
    return multiprocessing.get_context("spawn")


def score_parallel(predictions: Sequence[str], references: Sequence[Sequence[str]],
                   config: RougeConfig, processes: int) -> dict[str, np.ndarray]:
    """:func:`sumbench.eval.metrics.rouge.fast.score_serial` over ``processes`` worker processes."""
    from .fast import parse_rouge_types, score_serial

    parse_rouge_types(config.rouge_types)  # fail here, not in a worker
    bounds = chunk_bounds(len(predictions), processes)
    if len(bounds) < 2:
        return score_serial(predictions, references, config)
    if config.language:
        # multilingual ROUGE: segment the references here, once; forked workers inherit
        # the pipeline's memo (a study scores each system against the same references)
        from .fast import tokenizer_for

        tokenizer = tokenizer_for(config)
        need_lsum = "rougeLsum" in config.rouge_types
        for refs in references:
            for text in refs:
                tokenizer.tokenize(text)
                if need_lsum:
                    tokenizer.tokenize_lines(text)
    elif config.use_stemmer:
        from .stemming import porter_stem

        porter_stem("warming")  # load the stemmer once, before forking
    with warnings.catch_warnings():
        # Python >= 3.12 warns on any fork while native threads exist (see docstring)
        warnings.filterwarnings("ignore", message=".*fork.*", category=DeprecationWarning)
        with ProcessPoolExecutor(max_workers=min(processes, len(bounds)),
                                 mp_context=_context()) as pool:
            futures = [pool.submit(_score_chunk, list(predictions[a:b]),
                                   [list(r) for r in references[a:b]], config)
                       for a, b in bounds]
            parts = [f.result() for f in futures]
    return {t: np.concatenate([part[t] for part in parts]) for t in config.rouge_types}
