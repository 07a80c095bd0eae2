"""Turning articles into summaries: baselines, Hugging Face models, API servers.

This package knows articles and models and nothing about ROUGE; see :mod:`sumbench.eval` for that.
"""

from .base import Summarizer, available_summarizers, get_summarizer

__all__ = ["Summarizer", "available_summarizers", "get_summarizer"]
