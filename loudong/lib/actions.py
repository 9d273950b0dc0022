"""What every action shares, in every domain: one refusal and one transaction.

An action is `verb(obj, *, by, now=None, **fields)`: the object acted on, who acts (`by`, None for
the resident by tracking token or for the worker), the clock (`now`, for the demo and tests) and the
action's own fields. It runs in one transaction (`atomic_action`) and, when it may not be done,
raises `ActionRefused` with a Chinese message, leaving nothing changed.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.db import transaction

F = TypeVar("F", bound=Callable[..., Any])


class ActionRefused(Exception):
    """An action refused: `message` says why in Chinese, for the person who asked; nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def atomic_action(func: F) -> F:
    """Run the action in one transaction; an ActionRefused (or any error) rolls everything back."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with transaction.atomic():
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
