"""PaperPal: a research-paper reading assistant."""

__version__ = "0.1.0"
