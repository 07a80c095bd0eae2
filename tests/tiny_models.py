"""Tiny models for offline tests: built from a config, never downloaded.

A byte-level BPE tokenizer is trained with the ``tokenizers`` library on the bundled
fixtures; a 2-layer, width-32 BART (seq2seq), Llama (causal, with a chat template) and
GPT-2 (causal, no chat template, 512 positions so long prompts must be cut) get random
weights and are written with ``save_pretrained``, so the summariser loads them through
the same ``from_pretrained`` path as a user's checkpoint.  Weights are drawn with a wide
initialiser so greedy decoding is not decided by rounding noise between near-equal logits.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"
SPECIALS = ["<s>", "<pad>", "</s>", "<unk>", "<|user|>", "<|assistant|>"]
CHAT_TEMPLATE = ("{% for m in messages %}<|user|>{{ m['content'] }}</s>{% endfor %}"
                 "{% if add_generation_prompt %}<|assistant|>{% endif %}")


def fixture_articles() -> list[str]:
    """The bundled fixtures' article bodies (headline and bullets dropped), in file order."""
    articles = []
    for path in sorted(FIXTURES.glob("*.txt")):
        lines = path.read_text(encoding="utf-8").split("\n")
        body_start = 1
        while body_start < len(lines) and lines[body_start].startswith("- "):
            body_start += 1
        articles.append("\n".join(lines[body_start:]).strip())
    return articles


def train_tokenizer(texts: list[str], vocab_size: int = 2000, bos_eos: bool = True):
    """A fast tokenizer (byte-level BPE) trained on ``texts``."""
    from tokenizers import ByteLevelBPETokenizer
    from tokenizers.processors import TemplateProcessing
    from transformers import PreTrainedTokenizerFast

    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(texts, vocab_size=vocab_size, min_frequency=2,
                            special_tokens=SPECIALS, show_progress=False)
    if bos_eos:
        bpe.post_processor = TemplateProcessing(single="<s> $A </s>",
                                                special_tokens=[("<s>", 0), ("</s>", 2)])
    return PreTrainedTokenizerFast(tokenizer_object=bpe._tokenizer, bos_token="<s>",
                                   eos_token="</s>", pad_token="<pad>", unk_token="<unk>")


def _save(model, tokenizer, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def build_seq2seq(directory: Path, max_positions: int = 1024) -> Path:
    """A tiny BART; its tokenizer adds <s> ... </s> like BART's."""
    import torch
    from transformers import BartConfig, BartForConditionalGeneration

    tokenizer = train_tokenizer(fixture_articles())
    tokenizer.model_max_length = max_positions
    config = BartConfig(vocab_size=len(tokenizer), d_model=32, encoder_layers=2,
                        decoder_layers=2, encoder_attention_heads=2, decoder_attention_heads=2,
                        encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=max_positions,
                        pad_token_id=1, bos_token_id=0, eos_token_id=2, decoder_start_token_id=2,
                        forced_eos_token_id=2, init_std=0.5)
    torch.manual_seed(0)
    return _save(BartForConditionalGeneration(config), tokenizer, directory)


def build_causal(directory: Path, chat: bool = True) -> Path:
    """A tiny Llama with a chat template (``chat``) or a tiny GPT-2 without one."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM

    tokenizer = train_tokenizer(fixture_articles(), bos_eos=False)
    torch.manual_seed(1)
    if chat:
        tokenizer.chat_template = CHAT_TEMPLATE
        config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64,
                             num_hidden_layers=2, num_attention_heads=2, num_key_value_heads=2,
                             max_position_embeddings=2048, bos_token_id=0, eos_token_id=2,
                             pad_token_id=1, initializer_range=0.5)
        model = LlamaForCausalLM(config)
    else:
        config = GPT2Config(vocab_size=len(tokenizer), n_embd=32, n_layer=2, n_head=2,
                            n_positions=512, bos_token_id=0, eos_token_id=2,
                            initializer_range=0.5)
        model = GPT2LMHeadModel(config)
    return _save(model, tokenizer, directory)


NLI_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]
# A label order no NLI checkpoint uses, so that a metric assuming positions fails.
NLI_LABELS = {0: "neutral", 1: "ENTAILMENT", 2: "Contradiction"}


def train_word_tokenizer(texts: list[str], max_length: int):
    """A lower-casing word-level tokenizer (one token per word or punctuation run) with
    BERT's pair template ``[CLS] A [SEP] B [SEP]``: token counts are easy to reason about."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.train_from_iterator(texts, trainers.WordLevelTrainer(special_tokens=NLI_SPECIALS))
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", tokenizer.token_to_id("[CLS]")),
                        ("[SEP]", tokenizer.token_to_id("[SEP]"))])
    return PreTrainedTokenizerFast(tokenizer_object=tokenizer, unk_token="[UNK]",
                                   pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]",
                                   model_max_length=max_length)


def build_nli(directory: Path, labels: dict[int, str] = NLI_LABELS,
              max_positions: int = 256) -> Path:
    """A tiny BERT sequence classifier with random weights and the labels ``labels``
    (``config.id2label``), its word-level tokenizer trained on the fixtures."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    tokenizer = train_word_tokenizer(fixture_articles(), max_positions)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=max_positions, type_vocab_size=2,
                        num_labels=len(labels), id2label=dict(labels),
                        label2id={v: k for k, v in labels.items()},
                        pad_token_id=tokenizer.pad_token_id, initializer_range=0.5)
    torch.manual_seed(2)
    return _save(BertForSequenceClassification(config), tokenizer, directory)
