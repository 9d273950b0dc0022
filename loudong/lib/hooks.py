"""Hand-offs that go up the layers: a lower package declares a hook, an upper one connects to it.

Packages import only the packages below them (pyproject.toml, [tool.importlinter]). When a lower
layer must tell an upper one of something (a finished request changed, so the stats' tallies of its
day are stale), the lower layer declares a `Hook` and calls it; the upper layer connects its
receiver from its AppConfig.ready(). The lower layer never learns who listens.
"""

from collections.abc import Callable
from typing import Any


class Hook:
    def __init__(self, doc: str) -> None:
        self.__doc__ = doc
        self._receivers: list[Callable[..., Any]] = []

    def connect(self, receiver: Callable[..., Any]) -> Callable[..., Any]:
        """Add a receiver (once, however often the app's ready() runs)."""
        if receiver not in self._receivers:
            self._receivers.append(receiver)
        return receiver

    def send(self, *args: Any, **kwargs: Any) -> list[Any]:
        """Call every receiver in the order they connected; their answers, in that order."""
        return [receiver(*args, **kwargs) for receiver in self._receivers]
