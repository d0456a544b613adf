"""Handlers and sweepers by name. Each app registers its own in its `tasks` module (loaded by
`load()`), so the outbox depends on nobody."""

from collections.abc import Callable

HANDLERS: dict[str, Callable[[dict], object]] = {}
SWEEPERS: dict[str, Callable[[], object]] = {}
_loaded = False


def handler(kind: str):
    """Register the function that delivers messages of `kind`. It gets the payload; it must be
    idempotent (a message may be delivered again after a crash) and raise when delivery failed."""
    def register(function):
        HANDLERS[kind] = function
        return function
    return register


def sweeper(name: str):
    """Register a periodic repair run before each dispatch pass (e.g. re-queue a stalled render)."""
    def register(function):
        SWEEPERS[name] = function
        return function
    return register


def load() -> None:
    """Import every installed app's `tasks` module, where handlers are registered."""
    global _loaded
    if not _loaded:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("tasks")
        _loaded = True
