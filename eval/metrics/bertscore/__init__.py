"""BERTScore (Zhang, Kishore, Wu, Weinberger & Artzi 2020, "BERTScore: Evaluating Text
Generation with BERT", ICLR), with the numbers of the reference implementation, the
``bert-score`` package 0.3.13 (github.com/Tiiiger/bert_score), computed by sumbench itself.

Modules, in the order the work flows:

- :mod:`.tokens`: each text encoded as bert-score encodes it (stripped, the model's
  special tokens, cut at the model's length limit; cuts are counted, never silent);
- :mod:`.idf`: the token weights: IDF over the references (the paper's Eq. 4), or 1 for
  every token but the [CLS]/[SEP] markers;
- :mod:`.encoder`: the Hugging Face encoder cut after the chosen layer, on its device;
- :mod:`.matching`: contextual embeddings in length-sorted batches and the greedy
  cosine matching that gives precision, recall and F1 per pair;
- :mod:`.baseline`: the rescaling baseline read from a bert-score ``rescale_baseline``
  file;
- :mod:`.scoring`: the above put together, with the multi-reference maximum;
- :mod:`.metric`: the ``bertscore`` metric plug-in (options, signature, columns).

Nothing here imports torch or transformers at module level.
"""
