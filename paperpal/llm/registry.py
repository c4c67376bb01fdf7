"""Backends by name, in one place, the same way a plug-in adds one.

Built-ins register themselves below with :func:`register`; a third-party package adds a backend
with an entry point in the ``paperpal.backends`` group whose object is a factory
``factory(settings) -> Backend``::

    [project.entry-points."paperpal.backends"]
    mybackend = "mypkg.backend:MyBackend"

Factories are imported only when used, so importing :mod:`paperpal.llm` stays cheap (no llama.cpp,
no HTTP client).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from importlib.metadata import entry_points

from ..errors import ConfigError
from ..settings import Settings
from .base import Backend

ENTRY_POINT_GROUP = "paperpal.backends"

Factory = Callable[[Settings], Backend]
_FACTORIES: dict[str, Factory] = {}
_entry_points_loaded = False


def register(name: str, factory: Factory) -> None:
    """Make ``factory(settings)`` available as backend ``name`` (a later call replaces it)."""
    _FACTORIES[name] = factory


def lazy(target: str) -> Factory:
    """A factory for ``"module:Class"`` that imports the module on first call."""
    module, _, attr = target.partition(":")

    def factory(settings: Settings) -> Backend:
        return getattr(importlib.import_module(module), attr)(settings)

    factory.__qualname__ = f"lazy({target!r})"
    return factory


def _load_entry_points() -> None:
    global _entry_points_loaded
    if _entry_points_loaded:
        return
    _entry_points_loaded = True
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name not in _FACTORIES:  # built-ins win over plug-ins of the same name
            register(ep.name, lambda settings, ep=ep: ep.load()(settings))


def available() -> list[str]:
    """Names of the registered backends (built-ins and plug-ins)."""
    _load_entry_points()
    return sorted(_FACTORIES)


def get_backend(settings: Settings, name: str | None = None) -> Backend:
    """The backend ``name``, or the one the settings choose (``auto`` resolved)."""
    name = name or settings.resolved_backend()
    _load_entry_points()
    factory = _FACTORIES.get(name)
    if factory is None:
        raise ConfigError(f"Unknown LLM backend {name!r}", hint="choose one of: " + ", ".join(available()))
    return factory(settings)


register("local", lazy("paperpal.llm.local_backend:LocalBackend"))
register("openai", lazy("paperpal.llm.openai_backend:OpenAIBackend"))
