"""LLM backends behind one small interface (see :mod:`paperpal.llm.base`).

``get_backend(settings)`` returns the configured backend; ``register(name, factory)`` adds one.
"""

from .base import Backend, Completion, Request
from .registry import available, get_backend, register

__all__ = ["Backend", "Completion", "Request", "available", "get_backend", "register"]
